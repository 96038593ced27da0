"""The customer records of one chunk: clean ones, dirty ones and duplicates (domain.md §2).

Dirt is applied at the rates the seeds report and recorded per record in `Rec.dirt` (written to
`DemoTruth.dirt`): missing mobile 10 %, fake mobile 5 %, mobile found wrong by a call 2 %,
address missing 8 %, incomplete 7 %, copied from the ID card 5 %, placeholder name 3 %, stale
record 15 %; about 8 % of persons are entered a second time by a service advisor
(`duplicate`) and about 1 % at a second dealer (`duplicate_cross_dealer`).
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from decimal import Decimal
from random import Random
from typing import Any

from autocrm.demo import generator as G
from autocrm.demo import names_data as N
from autocrm.demo.duplicates import add_cross_dealer, add_duplicate
from autocrm.demo.people import Address, Person
from autocrm.demo.regions_data import FAKE_MOBILES

_DAY = 86_400


class RecordBuilder:
    def __init__(self, gen: G.DemoGenerator, rng: Random, chunk: G.Chunk) -> None:
        self.g, self.rng, self.chunk = gen, rng, chunk
        self.recs: list[G.Rec] = []
        self.by_dealer: list[list[G.Rec]] = [[] for _ in gen.world.dealers]
        self.hobby_ids = [tuple(c.entries["hobby"].values()) for c in gen.world.dealers]

    def build(self, size: int) -> list[G.Rec]:
        rng = self.rng
        while len(self.recs) < size:
            rec, person = self.primary(self.g.dealer(rng))
            if person is None:
                continue
            if not rec.prospect and rng.random() < G.DUPLICATE_RATE and len(self.recs) < size:
                add_duplicate(self, rec, person)
            if rng.random() < G.CROSS_DEALER_RATE and len(self.recs) < size:
                add_cross_dealer(self, rec, person)
        return self.recs

    # --- helpers -----------------------------------------------------------------------------
    def times(self, trade: str, stale: bool) -> tuple[datetime, datetime]:
        rng, g = self.rng, self.g
        if stale:
            days = rng.randint(3 * 365 + 31, 6 * 365)
        elif trade == "new":
            days = rng.randint(0, 2 * 365)
        elif trade in ("long_term", "former"):
            days = rng.randint(2 * 365, 6 * 365)
        elif trade == "potential":
            days = int(rng.random() ** 2 * 3 * 365)
        else:
            days = rng.randint(0, 6 * 365)
        created = G.moment(g.today - timedelta(days=days), rng)
        if stale:
            return created, created + timedelta(seconds=rng.randrange(30 * _DAY))
        return created, self.recent(created)

    def recent(self, created: datetime) -> datetime:
        """An update within the last 330 days (never before the record was created)."""
        return max(created, self.g.now - timedelta(seconds=self.rng.randrange(3600, 330 * _DAY)))

    def add(self, rec: G.Rec) -> G.Rec:
        self.recs.append(rec)
        return rec

    def person_fields(self, rec: G.Rec, person: Person, *, with_id: bool) -> None:
        row, rng = rec.row, self.rng
        row["gender"] = person.gender
        if with_id and person.id_number:
            row["id_type"], row["id_number"] = "resident_id", person.id_number
            row["birth_date"] = person.birth_date
        elif rng.random() < 0.6:
            row["birth_date"] = person.birth_date

    def hobbies(self, rec: G.Rec, probability: float) -> None:
        if self.rng.random() >= probability:
            return
        chosen = self.rng.sample(self.hobby_ids[rec.d], self.rng.randint(1, 3))
        rows = self.chunk.rows["hobby"]
        for entry in chosen:
            rows.append((self.g.take("hobby"), rec.row["id"], entry))
        rec.hobbies = len(chosen)

    def staff(self, rec: G.Rec, role: str) -> int:
        return self.rng.choice(rec.ctx.staff[role])

    # --- a first (original) record -------------------------------------------------------------
    def primary(self, d: int) -> tuple[G.Rec, Person | None]:
        g, rng = self.g, self.rng
        ctx, people = g.world.dealers[d], g.people[d]
        entries = ctx.entries
        row = g.new_row(ctx)
        rec = self.add(G.Rec(row, ctx, d, row["id"]))  # type: ignore[arg-type]
        stale = rng.random() < G.STALE_RATE
        trade = (G.STALE_TRADE if stale else G.TRADE)(rng)
        rec.prospect = trade == "potential"
        created, updated = self.times(trade, stale)
        row["created_at"], row["updated_at"] = created, updated
        rec.last = updated.date() if stale else g.today
        person: Person | None = None
        if rng.random() < G.ORGANIZATION_RATE:
            name, code, nature, industry, address = people.organization(rng)
            row["kind"], row["uscc"] = "organization", code
            row["nature_id"] = entries["customer_nature"][nature]
            row["industry_id"] = entries["industry"][industry]
            mobile = people.mobile(rng)
            if rng.random() < 0.6:
                row["landline"] = people.landline(rng)
            if rng.random() < 0.2:
                row["fax"] = people.landline(rng)
        else:
            person = people.person(rng)
            if rng.random() < 0.6:
                person.id_number = people.id_number(
                    rng, person.region, person.birth_date, person.gender
                )
            row["kind"] = "person"
            row["nature_id"] = entries["customer_nature"]["individual"]
            name, address, mobile = person.name, person.address, person.mobile
            if rng.random() < G.PLACEHOLDER_RATE:
                name = people.placeholder_name(rng, person.surname, person.gender)
                rec.dirt.append("name_placeholder")
        g.set_name(row, name)

        wrong = False
        r = rng.random()
        if r < G.MOBILE_MISSING:
            g.set_mobile(row, "", "")
            rec.dirt.append("mobile_missing")
        elif r < G.MOBILE_MISSING + G.MOBILE_FAKE:
            fake = rng.choice(FAKE_MOBILES)
            g.set_mobile(row, fake, fake)
            rec.dirt.append("mobile_fake")
        else:
            g.set_mobile(row, mobile, people.mobile_as_typed(rng, mobile))
            wrong = r < G.MOBILE_MISSING + G.MOBILE_FAKE + G.MOBILE_WRONG and not stale
            if wrong:
                row["mobile_flagged_wrong"], row["accuracy_status"] = True, "wrong"
                row["last_verified_at"] = updated
                rec.dirt.append("mobile_wrong")
            elif not stale and rng.random() < 0.22:
                row["accuracy_status"] = "verified"
                row["last_verified_at"] = max(
                    created, updated - timedelta(seconds=rng.randrange(5 * _DAY))
                )

        r = rng.random()
        if r < G.ADDRESS_MISSING:
            address = Address()
            rec.dirt.append("address_missing")
        elif r < G.ADDRESS_MISSING + G.ADDRESS_INCOMPLETE:
            address = people.incomplete(rng, address)
            rec.dirt.append("address_incomplete")
        elif r < G.ADDRESS_MISSING + G.ADDRESS_INCOMPLETE + G.ADDRESS_ID_COPY and person:
            person.region = rng.choice(people.outsiders)
            person.id_number = people.id_number(
                rng, person.region, person.birth_date, person.gender
            )
            address = people.id_card_address(rng, person.region)
            rec.dirt.append("address_id_card_copy")
        g.set_address(rec, address)
        if rng.random() < 0.6:
            row["postcode"] = ""
        if stale:
            rec.dirt.append("stale")

        if person is not None:
            self.person_fields(rec, person, with_id=True)
            self.profile(rec, person)
        elif rng.random() < 0.2:
            row["email"] = people.email(rng, "")
        self.classify(rec, trade, created)
        if not rec.prospect:
            self.vehicles(rec, trade, created)
        elif rng.random() < 0.7:
            row["product_line_id"] = entries["product_line"][rng.choice(ctx.spec.models).name]
        self.activities(rec, created, updated.date() if wrong else None)
        self.by_dealer[d].append(rec)
        return rec, person

    def profile(self, rec: G.Rec, person: Person) -> None:
        """The optional descriptive fields of seed 003's customer form."""
        row, rng, people = rec.row, self.rng, self.g.people[rec.d]
        region = person.region
        if rng.random() < 0.2:
            city = "" if region.city == region.province else region.city.removesuffix("市")
            row["native_place"] = region.province[:2] + city
        if rng.random() < 0.3:
            row["education"] = rng.choice(N.EDUCATIONS)
        if rng.random() < 0.2:
            row["annual_income_band"] = rng.choice(N.INCOME_BANDS)
        if rng.random() < 0.25:
            row["employer"] = (
                rec.ctx.spec.city.short
                + rng.choice(N.TRADE_NAMES)
                + rng.choice(N.EMPLOYER_SUFFIXES)
            )
            row["position"] = rng.choice(N.POSITIONS)
            if rng.random() < 0.5:
                row["industry_id"] = rng.choice(tuple(rec.ctx.entries["industry"].values()))
        if rng.random() < 0.3 and "name_placeholder" not in rec.dirt:
            row["email"] = people.email(rng, str(row["name_pinyin"]))
        if rng.random() < 0.15:
            row["landline"] = people.landline(rng)
        if rng.random() < 0.1:
            member = people.surname(rng) + people.given_name(rng, "F", 1985)
            relation = rng.choice(N.FAMILY_RELATIONS)
            row["family_members"] = json.dumps(
                [{"name": member, "relation": relation}], ensure_ascii=False
            )

    def classify(self, rec: G.Rec, trade: str, created: datetime) -> None:
        row, rng, entries = rec.row, self.rng, rec.ctx.entries
        row["trade_relationship_id"] = entries["trade_relationship"][trade]
        if trade == "former":
            row["former_reason"] = rng.choice(N.FORMER_REASONS)
            row["is_active"] = rng.random() > 0.4
        source = G.INFO_SOURCES(rng) if rng.random() < 0.85 else ""
        if source:
            row["info_source_id"] = entries["info_source"][source]
        if rng.random() < 0.6:
            row["activity_level"] = G.ACTIVITY(rng)
        if rng.random() < 0.2:
            row["credit_rating"] = rng.choice(("good", "normal", "normal", "poor"))
        if rng.random() < 0.3:
            row["form_number"] = f"{rec.ctx.spec.prefix.upper()}{created.year}{row['id']:08d}"
        if rng.random() < 0.05:
            row["remarks"] = rng.choice(N.REMARKS)
        responsible = self.staff(rec, "sales" if rng.random() < 0.7 else "service")
        row["responsible_staff_id"] = responsible
        row["created_by_id"] = responsible if rng.random() < 0.8 else self.staff(rec, "cr")
        self.hobbies(rec, 0.4)
        if source == "referral" and self.by_dealer[rec.d] and rng.random() < 0.6:
            referrer = rng.choice(self.by_dealer[rec.d])
            row["referred_by_id"] = referrer.row["id"]
            summary = f"推荐{row['name']}到店"
            self.g.interaction(
                self.chunk, referrer, rng, "referral", created.date(), summary, staff=responsible
            )

    def vehicles(self, rec: G.Rec, trade: str, created: datetime) -> None:
        rng, g = self.rng, self.g
        for i in range(2 if rng.random() < 0.1 else 1):
            bought_here = rng.random() < (0.9 if trade == "new" else 0.7)
            day = created.date()
            if bought_here:
                day = min(day + timedelta(days=rng.randint(0, 45)), rec.last)
                if i:
                    day = G.day_between(rng, created.date(), rec.last)
            else:
                day -= timedelta(days=rng.randint(30, 4 * 365))
            keep = not (bought_here and i == 0 and rng.random() < 0.03)
            if not keep:
                rec.dirt.append("purchase_date_missing")
            at = G.moment(day, rng) if bought_here and day > created.date() else created
            row = g.vehicle(
                self.chunk,
                rec,
                rng,
                purchase_date=day,
                bought_here=bought_here,
                created_at=at,
                keep_purchase_date=keep,
            )
            if bought_here:
                staff = self.staff(rec, "sales")
                summary = f"购买{row[6]}"
                g.interaction(self.chunk, rec, rng, "purchase", day, summary, staff=staff)
        assert rec.car is not None
        rec.row["product_line_id"] = rec.ctx.entries["product_line"][rec.car[0].name]

    def activities(self, rec: G.Rec, created: datetime, wrong_on: date | None) -> None:
        """Follow-up calls, visits, events and contacts (most records stay poorly complete).

        `wrong_on`: the day a verification call found the mobile wrong, if it did.
        """
        rng, g, chunk = self.rng, self.g, self.chunk
        first, last = created.date(), rec.last

        def day() -> date:
            return G.day_between(rng, first, last)

        def add(kind: str, when: date, summary: str, role: str, **extra: Any) -> None:
            staff = self.staff(rec, role)
            g.interaction(chunk, rec, rng, kind, when, summary, staff=staff, **extra)

        if rec.prospect:
            if rng.random() < 0.5:
                summary = rng.choice(N.VISIT_SUMMARIES[:2])
                add("visit", first, summary, "sales", channel="in_person")
            for _ in range(rng.randint(1, 2) if rng.random() < 0.35 else 0):
                outcome = rng.choice(N.PROSPECT_OUTCOMES) if rng.random() < 0.5 else ""
                add("follow_up", day(), "潜客跟进", "sales", outcome=outcome)
        else:
            for _ in range(rng.randint(1, 2) if rng.random() < 0.45 else 0):
                outcome = rng.choice(N.FOLLOW_UP_OUTCOMES) if rng.random() < 0.7 else ""
                add("follow_up", day(), "售后回访", "cr", outcome=outcome)
            for _ in range(rng.randint(1, 3) if rng.random() < 0.35 else 0):
                cost = Decimal(f"{rng.randint(300, 3000)}.00")
                summary = rng.choice(N.VISIT_SUMMARIES[2:])
                add("visit", day(), summary, "service", channel="in_person", cost=cost)
        if rng.random() < 0.10:
            event = rng.choice(N.EVENT_NAMES)
            add("event", day(), event, "cr", channel="in_person", outcome="已参加")
        if wrong_on is not None:
            outcome = rng.choice(N.WRONG_NUMBER_OUTCOMES)
            add("follow_up", wrong_on, "资料核实回访", "cr", outcome=outcome)
        if rng.random() < 0.4:
            types = ["company"] if rec.row["kind"] == "organization" and rng.random() < 0.7 else []
            count = 2 if rng.random() < 0.3 else 1
            while len(types) < count:
                types.append(G.CONTACT_TYPES(rng))
            for contact_type in types:
                g.contact(chunk, rec, rng, contact_type, day())
