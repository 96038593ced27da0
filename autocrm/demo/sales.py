"""A demo dealer's sales year (issue #14, item 10; domain.md §3, seed 002), generated without
the database: the 365 days up to "now" (the real now: the demo is always current) of showroom
traffic, leads, prospects with their background, stage changes, follow-up plans and their
outcomes, lost requests and their audit, won sales, monthly targets and absences.

`SalesYear(dealer, seed=…, now=…, ids=…).rows()` returns rows per table (tuples in the column
order of `sales_columns`, primary keys included). The shape (`sales_shape`, `sales_data`):

- walk-ins by the weekday, the Spring Festival, the golden weeks and a campaign with its lag;
  each consultant registers a share of them (sales5 few, Fridays fewer): the registered ones
  are prospects (a walk-in lead and its opportunity), the others the day's walk-in counts;
- leads from the platforms (汽车之家, 懂车帝, 易车), the phone, the OEM, referrals and events,
  answered on time, late or missed as each consultant does; some repeat within the week;
  some open an opportunity;
- every prospect's information source in the seed's shares, the platforms' under "internet";
- sales won at 6 % of the leads, referrals converting ten points better, the conversion cycle
  54 % within the month and 38 % after six months; a won sale is a vehicle bought here on the
  customer's profile (a demo vehicle of that date and price, else one made here);
- the rest lost (through approved lost requests, in the seed's reasons), pending, or open,
  with today's calls and visits due (sales_life).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import cached_property
from random import Random

from autocrm.demo import sales_data as S
from autocrm.demo.catalog_data import CarModel, DealerSpec
from autocrm.demo.people import FastRandom, Picker
from autocrm.demo.sales_shape import (
    Campaign,
    Quota,
    allocate,
    business_moment,
    days_between,
    walk_in_factor,
)
from autocrm.rules.business_time import SHANGHAI, BusinessHours, business_seconds_between

# --- what the generator is given ---------------------------------------------------------------


@dataclass(frozen=True)
class SeriesInfo:
    id: int
    name: str
    model: CarModel
    trims: tuple[tuple[int, Decimal], ...]  # (trim id, guide price)
    segment: str


@dataclass(frozen=True)
class PoolCustomer:
    """A demo customer of the dealer who may become a lead, a prospect or a buyer."""

    id: int
    created_at: datetime
    created_on: date  # its local day
    trade: str  # trade relationship (standard code)
    name: str
    mobile: str  # E.164
    birth_date: date | None = None
    industry_id: int | None = None
    hobbies: tuple[int, ...] = ()
    organization: bool = False
    drives_series_id: int | None = None  # the series of a car they have


@dataclass(frozen=True)
class SoldVehicle:
    """A demo vehicle bought here in the year: a won sale waiting for its opportunity."""

    id: int
    customer: PoolCustomer
    purchase_date: date
    price: Decimal
    series_id: int


@dataclass(frozen=True)
class DealerSales:
    dealer_id: int
    spec: DealerSpec
    consultants: tuple[int, ...]  # sales1 … salesN
    names: Mapping[int, str]  # staff id → display name
    manager_id: int
    gm_id: int
    cr_ids: tuple[int, ...]
    service_ids: tuple[int, ...]
    entries: Mapping[str, Mapping[str, int]]  # kind → code → entry id
    own_sources: Mapping[str, int]  # the dealer's own info-source labels → entry id
    series: tuple[SeriesInfo, ...]
    competitors: Mapping[str, tuple[tuple[int, str], ...]]  # segment → (series id, name)
    pool: tuple[PoolCustomer, ...]
    sold: tuple[SoldVehicle, ...]
    hours: BusinessHours
    campaign: Campaign
    prospects: int  # to register in the year
    vehicles_drawn: int  # VIN and plate numbers the dealer's vehicles used (the factory's next)
    types: Mapping[str, int]  # content type ids: lead, opportunity, plan, lost


class Ids:
    """The next primary key of each table (shared by the dealers of one load)."""

    def __init__(self, first: Mapping[str, int]) -> None:
        self.next = dict(first)

    def take(self, table: str) -> int:
        value = self.next[table]
        self.next[table] = value + 1
        return value


# --- what it builds ----------------------------------------------------------------------------


@dataclass(slots=True, eq=False)
class LeadDraft:
    id: int
    source: str
    at: datetime
    consultant: int | None
    series: SeriesInfo
    created_by: int | None
    customer: PoolCustomer | None = None
    match: str = "known"
    status: str = "new"
    responded_at: datetime | None = None
    seconds: int | None = None
    band: str = ""
    due_at: datetime | None = None
    missed_at: datetime | None = None
    repeat_of: LeadDraft | None = None
    repeats: int = 0
    info_source_id: int | None = None
    note: str = ""
    closed_note: str = ""
    external_id: str = ""
    prospect: Prospect | None = None


@dataclass(slots=True, eq=False)
class Prospect:
    id: int
    at: datetime  # registered: the opportunity's creation
    consultant: int
    walk_in: bool
    lead: LeadDraft
    series: SeriesInfo
    source: str = ""  # the standard information source
    info_source_id: int | None = None
    outcome: str = "open"  # won, lost, pending, open
    bucket: str = ""  # a win's conversion cycle: zero, mid, late
    win_day: date | None = None
    sold: SoldVehicle | None = None

    @property
    def day(self) -> date:
        return self.at.astimezone(SHANGHAI).date()

    @property
    def customer(self) -> PoolCustomer:
        assert self.lead.customer is not None
        return self.lead.customer


def local_day(moment: datetime) -> date:
    return moment.astimezone(SHANGHAI).date()


class SalesYear:
    """One dealer's year; `rows()` runs the generation (once)."""

    def __init__(self, dealer: DealerSales, *, seed: int, now: datetime, ids: Ids) -> None:
        self.d, self.now, self.ids = dealer, now, ids
        self.today = local_day(now)
        self.first = self.today - timedelta(days=364)
        self.rng: Random = FastRandom(seed * 1_000_003 + dealer.dealer_id * 7919)
        self.series_pick = Picker(dealer.series, [s.model.weight for s in dealer.series])
        self.by_series = {s.id: s for s in dealer.series}
        self.absent: set[tuple[int, date]] = set()
        for index, before, days, _reason in S.ABSENCES:
            if index < len(dealer.consultants):
                start = self.today - timedelta(days=before)
                for n in range(days):
                    self.absent.add((dealer.consultants[index], start + timedelta(days=n)))
        self.leads: list[LeadDraft] = []
        self.prospects: list[Prospect] = []
        self.walk_in_counts: dict[tuple[int, date, int | None], int] = {}
        self.rr = 0  # the lead round-robin
        #: Customers given a vehicle made here (re-scored), and the potential ones of them
        #: (now new customers).
        self.buyers: list[int] = []
        self.bought: list[int] = []

    # --- helpers ------------------------------------------------------------------------------
    def on_duty(self, day: date) -> list[int]:
        staff = [c for c in self.d.consultants if (c, day) not in self.absent]
        return staff or list(self.d.consultants)

    def round_robin(self, day: date) -> int:
        staff = self.on_duty(day)
        self.rr += 1
        return staff[self.rr % len(staff)]

    def profile(self, consultant: int) -> tuple[float, tuple[float, float, float], float]:
        return S.CONSULTANTS[self.d.consultants.index(consultant) % len(S.CONSULTANTS)]

    def days(self) -> Iterator[date]:
        return iter(days_between(self.first, self.today))

    def elapsed_today(self) -> float:
        """The share of today's opening hours gone by now."""
        from autocrm.rules.business_time import intervals_on

        spans = intervals_on(self.d.hours, self.today)
        whole = sum((b - a).total_seconds() for a, b in spans)
        if not whole:
            return 0.0
        start = spans[0][0]
        return business_seconds_between(self.d.hours, start, self.now) / whole

    @cached_property
    def last_day(self) -> date:
        """The last day a sale can have been delivered on: today once the showroom has been
        open a while, else yesterday."""
        return self.today if self.elapsed_today() > 0.3 else self.today - timedelta(days=1)

    def entry(self, kind: str, code: str) -> int | None:
        return self.d.entries.get(kind, {}).get(code)

    # --- the showroom -------------------------------------------------------------------------
    def traffic(self) -> None:
        rng, d = self.rng, self.d
        days = list(self.days())
        expected = []
        for day in days:
            open_ = bool(d.hours.hours_on(day))
            factor = walk_in_factor(day, d.campaign) if open_ else 0.0
            expected.append(factor * (self.elapsed_today() if day == self.today else 1.0))
        total = round(d.prospects * S.WALK_INS_PER_PROSPECT)
        quotas = {c: Quota(rng) for c in d.consultants}
        for day, count in zip(days, allocate(expected, total, rng), strict=True):
            staff = self.on_duty(day)
            start = rng.randrange(len(staff))
            received = [0] * len(staff)
            for n in range(count):
                received[(start + n) % len(staff)] += 1
            for consultant, walk_ins in zip(staff, received, strict=True):
                if walk_ins:
                    self.walk_ins(day, consultant, walk_ins, quotas[consultant])

    def walk_ins(self, day: date, consultant: int, count: int, quota: Quota) -> None:
        rate = self.profile(consultant)[0] * (S.FRIDAY_REGISTRATION if day.weekday() == 4 else 1)
        registered = quota.take(count, rate)
        for _ in range(count - registered):
            series = self.series_pick(self.rng) if self.rng.random() > 0.06 else None
            key = (consultant, day, series.id if series else None)
            self.walk_in_counts[key] = self.walk_in_counts.get(key, 0) + 1
        for _ in range(registered):
            at = business_moment(self.d.hours, day, self.rng)
            if at is None:
                continue
            at = min(at, self.now - timedelta(minutes=self.rng.randint(20, 90)))
            lead = self.lead("walk_in", at, consultant, created_by=consultant)
            registered_at = at + timedelta(minutes=self.rng.randint(8, 40))
            lead.status, lead.responded_at = "converted", registered_at
            self.prospect(lead, registered_at, walk_in=True)

    # --- leads and prospects ------------------------------------------------------------------
    def lead(
        self,
        source: str,
        at: datetime,
        consultant: int | None,
        *,
        created_by: int | None,
        series: SeriesInfo | None = None,
    ) -> LeadDraft:
        lead = LeadDraft(
            id=self.ids.take("lead"),
            source=source,
            at=at,
            consultant=consultant,
            series=series or self.series_pick(self.rng),
            created_by=created_by,
        )
        self.leads.append(lead)
        return lead

    def prospect(self, lead: LeadDraft, at: datetime, *, walk_in: bool) -> Prospect:
        assert lead.consultant is not None
        prospect = Prospect(
            id=self.ids.take("opportunity"),
            at=at,
            consultant=lead.consultant,
            walk_in=walk_in,
            lead=lead,
            series=lead.series,
        )
        lead.prospect = prospect
        self.prospects.append(prospect)
        return prospect

    # --- the year -----------------------------------------------------------------------------
    def rows(self) -> dict[str, list[tuple]]:
        from autocrm.demo.sales_leads import LeadMaker
        from autocrm.demo.sales_life import Lives
        from autocrm.demo.sales_outcomes import Outcomes

        self.traffic()
        makers = LeadMaker(self)
        makers.leads()
        makers.waiting()
        self.prospects.sort(key=lambda p: p.at)
        outcomes = Outcomes(self)
        outcomes.sources()
        outcomes.wins()
        outcomes.customers()
        outcomes.others()
        lives = Lives(self)
        return lives.rows()
