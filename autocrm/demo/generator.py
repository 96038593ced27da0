"""Deterministic generation of demo rows (no database access).

`DemoGenerator(world, seed).chunks(n)` yields `Chunk`s of exactly `CHUNK_SIZE` customers (the
last one smaller) whose rows are tuples in the column order of `autocrm.demo.columns`, primary
keys included. Each chunk draws from its own `random.Random` seeded from (seed, chunk number),
so the same seed and N give the same rows however the loader batches them. `n` counts every
Customer row, duplicates included.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from operator import itemgetter
from random import Random

from autocrm.demo import names_data as N
from autocrm.demo.columns import CUSTOMER_COLUMNS, TABLES
from autocrm.demo.people import Address, FastRandom, PeopleFactory, Picker
from autocrm.demo.quality import QualityScorer, address_key, check_representatives, id_province
from autocrm.demo.vehicles import VehicleFactory
from autocrm.demo.world import DealerContext, World
from autocrm.rules.names import given_name, name_pinyin
from autocrm.rules.scoring import CustomerFacts, VehicleFacts

CHUNK_SIZE = 1000
ORGANIZATION_RATE = 0.08
STALE_RATE = 0.165  # of first records: ≈ 15 % of all records
PLACEHOLDER_RATE = 0.03
MOBILE_MISSING, MOBILE_FAKE, MOBILE_WRONG = 0.10, 0.05, 0.02
ADDRESS_MISSING, ADDRESS_INCOMPLETE, ADDRESS_ID_COPY = 0.08, 0.07, 0.05
#: Of persons with a vehicle: a service advisor enters them again (≈ 8 % of all persons).
DUPLICATE_RATE = 0.10
CROSS_DEALER_RATE = 0.011

TRADE = Picker(("long_term", "new", "potential", "former", "problem"), (33, 32, 18, 8, 9))
STALE_TRADE = Picker(("long_term", "potential", "former", "problem"), (50, 30, 12, 8))
INFO_SOURCES = Picker(
    ("internet", "walk_in", "referral", "newspaper", "motor_show", "tv", "outdoor_ad", "other"),
    (30, 25, 14, 8, 8, 5, 5, 5),
)
ACTIVITY = Picker(("high", "medium", "low"), (20, 45, 35))
CONTACT_TYPES = Picker(
    ("private", "insurance", "potential_referrer", "referrer", "company", "customer"),
    (30, 22, 14, 10, 14, 10),
)
_DEFAULTS: dict[str, object] = dict.fromkeys(CUSTOMER_COLUMNS, "")
_DEFAULTS.update(
    dict.fromkeys(
        (
            "birth_date",
            "industry_id",
            "trade_relationship_id",
            "nature_id",
            "product_line_id",
            "info_source_id",
            "referred_by_id",
            "responsible_staff_id",
            "created_by_id",
            "last_verified_at",
            "merged_into_id",
        ),
        None,
    ),
    family_members="[]",
    rejected_values="[]",
    is_active=True,
    mobile_flagged_wrong=False,
    accuracy_status="unverified",
)
_customer_tuple = itemgetter(*CUSTOMER_COLUMNS)


class Rec:
    """A customer being built: its row and what the quality rules need to know about it."""

    __slots__ = (
        "row",
        "ctx",
        "d",
        "key",
        "dirt",
        "vehicles",
        "car",
        "hobbies",
        "follow_up",
        "event",
        "referral",
        "prospect",
        "last",
        "addr_key",
    )

    def __init__(self, row: dict[str, object], ctx: DealerContext, d: int, key: int) -> None:
        self.row, self.ctx, self.d, self.key = row, ctx, d, key
        self.dirt: list[str] = []
        self.vehicles: list[VehicleFacts] = []
        self.car: tuple | None = None  # (model, vehicle row) of the first vehicle
        self.hobbies = 0
        self.follow_up = self.event = self.referral = self.prospect = False
        self.last: date = date.min  # last day anything happened
        self.addr_key = ""  # see autocrm.demo.quality.address_key


@dataclass
class Chunk:
    index: int
    rows: dict[str, list[tuple]] = field(default_factory=lambda: {t: [] for t in TABLES})
    duplicates: int = 0

    @property
    def customers(self) -> int:
        return len(self.rows["customer"])


def moment(day: date, rng: Random) -> datetime:
    """A moment during Beijing business hours (09:00-19:59) of `day`, in UTC."""
    return datetime(
        day.year,
        day.month,
        day.day,
        rng.randint(1, 11),
        rng.randrange(60),
        rng.randrange(60),
        tzinfo=UTC,
    )


def day_between(rng: Random, first: date, last: date) -> date:
    return first + timedelta(days=rng.randint(0, max((last - first).days, 0)))


class DemoGenerator:
    def __init__(self, world: World, seed: int) -> None:
        self.world, self.seed = world, seed
        self.now = world.now
        self.today = world.now.date() - timedelta(days=1)
        self.people = [PeopleFactory(ctx.spec, world.now.date()) for ctx in world.dealers]
        self.cars = [VehicleFactory(ctx.spec) for ctx in world.dealers]
        self.dealer = Picker(range(len(world.dealers)), [c.spec.share for c in world.dealers])
        check_representatives()
        self.scorer = QualityScorer(world.quality, world.now)
        self.ids = {t: world.first_ids.get(t, 1) for t in TABLES if t != "truth"}
        self.pinyin: dict[str, tuple[str, str]] = {}

    def chunks(self, total: int) -> Iterator[Chunk]:
        made = index = 0
        while made < total:
            size = min(CHUNK_SIZE, total - made)
            yield self.chunk(index, size)
            made += size
            index += 1

    def take(self, table: str, count: int = 1) -> int:
        first = self.ids[table]
        self.ids[table] = first + count
        return first

    def _pinyin(self, name: str) -> tuple[str, str]:
        result = self.pinyin.get(name)
        if result is None:
            result = self.pinyin[name] = name_pinyin(name)
        return result

    # --- one chunk ---------------------------------------------------------------------------
    def chunk(self, index: int, size: int) -> Chunk:
        from autocrm.demo.records import RecordBuilder

        rng = FastRandom(self.seed * 1_000_003 + index)
        chunk = Chunk(index)
        builder = RecordBuilder(self, rng, chunk)
        recs = builder.build(size)
        self._finish(chunk, recs)
        return chunk

    def _finish(self, chunk: Chunk, recs: list[Rec]) -> None:
        customers, truth = chunk.rows["customer"], chunk.rows["truth"]
        for rec in recs:
            row = rec.row
            facts = CustomerFacts(
                kind=row["kind"],  # type: ignore[arg-type]
                name=row["name"],  # type: ignore[arg-type]
                mobile=row["mobile"],  # type: ignore[arg-type]
                mobile_flagged_wrong=row["mobile_flagged_wrong"],  # type: ignore[arg-type]
                address=row["address"],  # type: ignore[arg-type]
                province=row["province"],  # type: ignore[arg-type]
                dealer_province=rec.ctx.spec.city.province,
                id_region_province=id_province(row["id_number"]),  # type: ignore[arg-type]
                is_prospect=rec.prospect,
                vehicles=tuple(rec.vehicles),
                hobby_count=rec.hobbies,
                activity_level=row["activity_level"],  # type: ignore[arg-type]
                has_follow_up_result=rec.follow_up,
                has_event_participation=rec.event,
                has_referral=rec.referral or row["referred_by_id"] is not None,
                last_verified_at=row["last_verified_at"],  # type: ignore[arg-type]
                updated_at=row["updated_at"],  # type: ignore[arg-type]
            )
            (
                row["accuracy_score"],
                row["completeness_score"],
                row["accuracy_level"],
                row["completeness_level"],
                row["quality_issues"],
            ) = self.scorer.score(facts, rec.addr_key)
            customers.append(_customer_tuple(row))
            truth.append((row["id"], row["dealer_id"], rec.key, ",".join(rec.dirt)))

    # --- building blocks used by RecordBuilder ------------------------------------------------
    def new_row(self, ctx: DealerContext) -> dict[str, object]:
        row = dict(_DEFAULTS)
        row["id"] = self.take("customer")
        row["dealer_id"] = ctx.id
        return row

    def set_name(self, row: dict[str, object], name: str) -> None:
        row["name"] = name
        row["name_pinyin"], row["name_initials"] = self._pinyin(name)
        row["given_name"] = given_name(name, str(row.get("kind", "person")))

    @staticmethod
    def set_address(rec: Rec, address: Address) -> None:
        row = rec.row
        rec.addr_key = address_key(address.text, address.rest)
        row["address"] = address.text
        row["province"] = address.province
        row["city"] = address.city
        row["district"] = address.district
        row["street"] = address.street
        row["house_number"] = address.house_number
        row["postcode"] = address.postcode

    @staticmethod
    def set_mobile(row: dict[str, object], mobile: str, typed: str) -> None:
        row["mobile"] = f"+86{mobile}" if mobile else ""
        row["mobile_raw"] = typed
        row["mobile_last4"] = mobile[-4:]

    def interaction(
        self,
        chunk: Chunk,
        rec: Rec,
        rng: Random,
        kind: str,
        day: date,
        summary: str,
        *,
        channel: str = "phone",
        outcome: str = "",
        cost: Decimal | None = None,
        staff: int | None = None,
    ) -> None:
        place = rec.ctx.spec.name if channel == "in_person" else ""
        chunk.rows["interaction"].append(
            (
                self.take("interaction"),
                rec.ctx.id,
                rec.row["id"],
                kind,
                channel,
                moment(day, rng),
                place,
                summary,
                outcome,
                cost,
                staff,
            )
        )
        if kind == "follow_up" and outcome:
            rec.follow_up = True
        elif kind == "event":
            rec.event = True
        elif kind == "referral":
            rec.referral = True

    def contact(self, chunk: Chunk, rec: Rec, rng: Random, contact_type: str, day: date) -> None:
        people = self.people[rec.d]
        if contact_type == "customer":
            name = str(rec.row["name"])
            mobile = str(rec.row["mobile"])[3:]
        else:
            gender = "M" if rng.random() < 0.5 else "F"
            name = people.surname(rng) + people.given_name(rng, gender, 1980)
            mobile = people.mobile(rng) if rng.random() < 0.9 else ""
        relation = remarks = ""
        if contact_type == "private":
            relation = rng.choice(N.PRIVATE_RELATIONS)
        elif contact_type == "company":
            relation = rng.choice(N.COMPANY_POSITIONS)
        elif contact_type == "insurance":
            relation, remarks = "保险专员", rng.choice(N.INSURERS)
        elif contact_type in ("potential_referrer", "referrer"):
            relation = "朋友"
            remarks = (
                "回访时表示愿意推荐" if contact_type == "potential_referrer" else "推荐朋友购车"
            )
            rec.referral = True
        typed = people.mobile_as_typed(rng, mobile) if mobile else ""
        chunk.rows["contact"].append(
            (
                self.take("contact"),
                rec.ctx.id,
                rec.row["id"],
                contact_type,
                name,
                f"+86{mobile}" if mobile else "",
                typed,
                "",
                relation,
                remarks,
                moment(day, rng),
            )
        )

    def vehicle(
        self,
        chunk: Chunk,
        rec: Rec,
        rng: Random,
        *,
        purchase_date: date,
        bought_here: bool,
        created_at: datetime,
        model: object = None,
        keep_purchase_date: bool = True,
        same_as: tuple | None = None,
    ) -> tuple:
        """Add a vehicle (and its readings) to `rec`; `same_as` copies another record's car."""
        cars = self.cars[rec.d]
        model = model or cars.model(rng)
        staff = rec.ctx.staff
        vehicle_id = self.take("vehicle")
        row, readings, facts = cars.vehicle(
            rng,
            vehicle_id=vehicle_id,
            reading_id=self.ids["reading"],
            dealer_id=rec.ctx.id,
            customer_id=rec.row["id"],  # type: ignore[arg-type]
            model=model,  # type: ignore[arg-type]
            purchase_date=purchase_date,
            bought_here=bought_here,
            last_date=rec.last,
            created_at=created_at,
            sales_id=rng.choice(staff["sales"]),
            service_id=rng.choice(staff["service"]),
            keep_purchase_date=keep_purchase_date,
        )
        self.ids["reading"] += len(readings)
        if same_as is not None:  # VIN, plate, brand, model and colour of the same car
            row = (*row[:3], *same_as[3:8], *row[8:])
            facts = VehicleFacts(same_as[3], facts.purchase_date, facts.bought_here)
        chunk.rows["vehicle"].append(row)
        chunk.rows["reading"].extend(readings)
        rec.vehicles.append(facts)
        if rec.car is None:
            rec.car = (model, row)
        return row
