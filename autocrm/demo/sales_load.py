"""Loading the demo's sales year: for each demo dealer, what the generator needs is read from
the database (its consultants, dictionaries, the catalogue's series of its brand, its
customers and the vehicles they bought here in the year), the dealer's own information
sources (the local newspaper, the platforms) and holiday opening days are added through the
services, the rows are generated (`sales.SalesYear`) and written with COPY on PostgreSQL,
executemany on SQLite, timeline activities included. Then the buyers' profiles are re-scored
(they have a new car; a potential customer who bought is a new customer)."""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import Max, Model
from django.utils import timezone

from autocrm.catalogue.models import Series, Trim
from autocrm.core.calendar import business_hours_for
from autocrm.core.calendar_services import calendar_day_set
from autocrm.core.models import Activity
from autocrm.customers.models import Customer, Interaction, MileageReading, Vehicle
from autocrm.demo import sales_data as S
from autocrm.demo.catalog_data import DealerSpec
from autocrm.demo.loader import open_ownership_periods
from autocrm.demo.sales import DealerSales, Ids, PoolCustomer, SalesYear, SeriesInfo, SoldVehicle
from autocrm.demo.sales_columns import COLUMNS, TABLES
from autocrm.demo.sales_shape import Campaign, holidays, spring_festival
from autocrm.demo.sales_write import Constraints, TableWriter
from autocrm.dictionaries.models import DictionaryEntry
from autocrm.dictionaries.services import dictionary_entry_create
from autocrm.quality.refresh import quality_refresh
from autocrm.sales.models import (
    Absence,
    ConsultantCapacity,
    FollowUpPlan,
    Lead,
    LostRequest,
    Opportunity,
    SalesTarget,
    StageChange,
    WalkInCount,
)
from autocrm.tenancy.models import Dealer, Staff
from autocrm.tenancy.roles import Role

MODELS: dict[str, type[Model]] = {
    "vehicle": Vehicle,
    "reading": MileageReading,
    "interaction": Interaction,
    "lead": Lead,
    "walk_in": WalkInCount,
    "opportunity": Opportunity,
    "opportunity_hobby": Opportunity.hobbies.through,
    "stage_change": StageChange,
    "plan": FollowUpPlan,
    "lost": LostRequest,
    "target": SalesTarget,
    "absence": Absence,
    "capacity": ConsultantCapacity,
    "activity": Activity,
}
#: The campaign of each demo dealer (days before today): a named local newspaper's ad, or a
#: platform's promotion. Other dealers (the benchmark's) get their city's newspaper.
CAMPAIGNS = {
    "gz": (121, "广州日报整版广告", "广州日报", ""),
    "sz": (114, "汽车之家品牌购车节", "汽车之家", "autohome"),
    "cs": (128, "长沙晚报半版广告", "长沙晚报", ""),
}


@dataclass
class SalesStats:
    rows: dict[str, int] = field(default_factory=lambda: dict.fromkeys(TABLES, 0))
    seconds: float = 0.0
    campaigns: list[str] = field(default_factory=list)


def first_ids() -> dict[str, int]:
    return {t: (m._default_manager.aggregate(m=Max("pk"))["m"] or 0) + 1 for t, m in MODELS.items()}


# --- reading what the generator needs ---------------------------------------------------------


def prospects_for(customers: int) -> int:
    wanted = round(S.PROSPECTS_PER_CUSTOMER * customers)
    return max(S.MIN_PROSPECTS, min(S.MAX_PROSPECTS, wanted))


def campaign_for(spec: DealerSpec, index: int, today: date) -> Campaign:
    before, name, label, platform = CAMPAIGNS.get(
        spec.prefix,
        (
            100 + index % 40,
            f"{S.NEWSPAPERS.get(spec.city.short, '晚报')}广告",
            S.NEWSPAPERS.get(spec.city.short, "晚报"),
            "",
        ),
    )
    day = today - timedelta(days=before)
    for year in (day.year, day.year + 1):
        span = spring_festival(year)
        if span and span[0] - timedelta(days=25) <= day <= span[1] + timedelta(days=10):
            day = span[0] - timedelta(days=40)  # not in the holiday: the showroom is closed
    return Campaign(day=day, name=name, source_label=label, platform=platform)


def own_entries(dealer: Dealer, spec: DealerSpec, campaign: Campaign) -> dict[str, int]:
    """The dealer's own information sources (added through the dictionary service once)."""
    wanted = [
        *S.OWN_SOURCES,
        (S.NEWSPAPERS.get(spec.city.short, campaign.source_label), "newspaper"),
    ]
    if campaign.source_label not in {label for label, _std in wanted}:
        wanted.append((campaign.source_label, "newspaper"))
    have = dict(
        DictionaryEntry.objects.filter(dealer=dealer, kind="info_source").values_list("label", "id")
    )
    for label, standard in wanted:
        if label not in have:
            entry = dictionary_entry_create(
                dealer=dealer, kind="info_source", label=label, standard_code=standard
            )
            have[label] = entry.pk
    return {label: have[label] for label, _std in wanted}


def holiday_openings(dealer: Dealer, manager: Staff, first: date, last: date) -> None:
    """A 4S store opens in the golden weeks (not on their first day) and from 初四 of the
    Spring Festival with short hours: the dealer's own days (core's business calendar)."""
    for year in range(first.year, last.year + 1):
        days = holidays(year)
        span = spring_festival(year)
        for day, name in sorted(days.items()):
            if not first <= day <= last + timedelta(days=30):
                continue
            if name in ("Labour Day", "National Day") and days.get(day - timedelta(days=1)) == name:
                occasion = "国庆车展" if name == "National Day" else "五一购车节"
                calendar_day_set(actor=manager, dealer=dealer, day=day, is_open=True, name=occasion)
            elif name == "Spring Festival" and span and day >= span[1] - timedelta(days=3):
                calendar_day_set(
                    actor=manager,
                    dealer=dealer,
                    day=day,
                    is_open=True,
                    hours=[["10:00", "16:00"]],
                    name="春节值班",
                )


def dealer_sales(
    spec: DealerSpec, index: int, dealer_id: int, *, now: datetime, types: Mapping[str, int]
) -> DealerSales:
    today = timezone.localdate(now)
    first = today - timedelta(days=364)
    dealer = Dealer.objects.get(pk=dealer_id)
    staff = list(Staff.objects.filter(dealer_id=dealer_id).order_by("id"))
    consultants = tuple(s.pk for s in staff if s.role == Role.SALES_CONSULTANT)
    managers = [s for s in staff if s.role == Role.MANAGER and s.department == "sales"]
    manager = managers[0] if managers else next(s for s in staff if s.role == Role.MANAGER)
    gm = next((s.pk for s in staff if s.role == Role.GENERAL_MANAGER), manager.pk)
    campaign = campaign_for(spec, index, today)
    own = own_entries(dealer, spec, campaign)
    holiday_openings(dealer, manager, first, today)
    entries: dict[str, dict[str, int]] = defaultdict(dict)
    for kind, code, pk in DictionaryEntry.objects.filter(dealer_id=dealer_id).values_list(
        "kind", "code", "id"
    ):
        entries[kind][code] = pk
    by_name = {m.name: m for m in spec.models}
    trims: dict[int, list[tuple[int, Any]]] = defaultdict(list)
    series = []
    for s in Series.objects.filter(brand__name=spec.brand, name__in=list(by_name)).order_by("id"):
        series.append(s)
    for t in Trim.objects.filter(series__in=series, guide_price__isnull=False).order_by("id"):
        trims[t.series_id].append((t.pk, t.guide_price))
    infos = tuple(
        SeriesInfo(s.pk, s.name, by_name[s.name], tuple(trims[s.pk]), s.segment) for s in series
    )
    competitors: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for pk, name, brand, segment in (
        Series.objects.exclude(brand__name=spec.brand)
        .order_by("id")
        .values_list("pk", "name", "brand__name", "segment")
    ):
        competitors[segment].append((pk, f"{brand}{name}"))
    pool, sold = customer_pool(dealer_id, first, today)
    return DealerSales(
        dealer_id=dealer_id,
        spec=spec,
        consultants=consultants,
        names={s.pk: str(s) for s in staff},
        manager_id=manager.pk,
        gm_id=gm,
        cr_ids=tuple(s.pk for s in staff if s.role == Role.CUSTOMER_RELATIONS),
        service_ids=tuple(s.pk for s in staff if s.role == Role.SERVICE_ADVISOR),
        entries=entries,
        own_sources=own,
        series=infos,
        competitors={k: tuple(v) for k, v in competitors.items()},
        pool=pool,
        sold=sold,
        hours=business_hours_for(dealer_id, years=range(first.year - 1, today.year + 2)),
        campaign=campaign,
        prospects=prospects_for(Customer.objects.filter(dealer_id=dealer_id).count()),
        vehicles_drawn=Vehicle.objects.filter(dealer_id=dealer_id).count(),
        types=types,
    )


def customer_pool(
    dealer_id: int, first: date, today: date
) -> tuple[tuple[PoolCustomer, ...], tuple[SoldVehicle, ...]]:
    """The dealer's active customers with a mobile, and the vehicles they bought here in the
    year (with a date, a price and a catalogue series)."""
    hobbies: dict[int, list[int]] = defaultdict(list)
    for cid, entry in (
        Customer.hobbies.through.objects.filter(customer__dealer_id=dealer_id)
        .order_by("id")
        .values_list("customer_id", "dictionaryentry_id")
    ):
        hobbies[cid].append(entry)
    drives: dict[int, int] = {}
    vehicles = Vehicle.objects.filter(dealer_id=dealer_id, series__isnull=False).order_by("id")
    for cid, series_id in vehicles.values_list("customer_id", "series_id"):
        drives[cid] = series_id
    pool: dict[int, PoolCustomer] = {}
    rows = (
        Customer.objects.filter(dealer_id=dealer_id, is_active=True, merged_into__isnull=True)
        .exclude(mobile="")
        .order_by("id")
        .values_list(
            "id",
            "created_at",
            "trade_relationship__standard_code",
            "name",
            "mobile",
            "birth_date",
            "industry_id",
            "kind",
        )
    )
    for pk, created, trade, name, mobile, birth, industry, kind in rows:
        pool[pk] = PoolCustomer(
            id=pk,
            created_at=created,
            created_on=timezone.localdate(created),
            trade=trade or "",
            name=name or "客户",
            mobile=mobile,
            birth_date=birth,
            industry_id=industry,
            hobbies=tuple(hobbies.get(pk, ())),
            organization=kind == "organization",
            drives_series_id=drives.get(pk),
        )
    sold = tuple(
        SoldVehicle(pk, pool[cid], day, price, series_id)
        for pk, cid, day, price, series_id in vehicles.filter(
            bought_here=True,
            purchase_date__gte=first,
            purchase_date__lte=today,
            purchase_price__isnull=False,
        ).values_list("id", "customer_id", "purchase_date", "purchase_price", "series_id")
        if cid in pool and day is not None and price is not None and pool[cid].created_on <= day
    )
    return tuple(pool.values()), sold


# --- the load ---------------------------------------------------------------------------------


def content_types() -> dict[str, int]:
    get = ContentType.objects.get_for_model
    return {
        "lead": get(Lead).pk,
        "opportunity": get(Opportunity).pk,
        "plan": get(FollowUpPlan).pk,
        "lost": get(LostRequest).pk,
    }


def sales_load(
    dealers: Iterable[tuple[DealerSpec, int]],
    *,
    seed: int,
    now: datetime | None = None,
    quality_now: datetime | None = None,
    prospects: int | None = None,
    progress: Callable[[str], None] | None = None,
) -> SalesStats:
    """Generate and write the sales year of each (spec, dealer id); run inside the caller's
    transaction. `prospects` overrides the size (otherwise from the dealer's customers);
    `quality_now` is the moment the buyers are re-scored at (the demo's fixed now)."""
    started = time.monotonic()
    now = now or timezone.now()
    stats = SalesStats()
    writers = {t: TableWriter(MODELS[t], COLUMNS[t]) for t in TABLES}
    constraints = Constraints(MODELS.values())
    constraints.drop()
    ids = Ids(first_ids())
    types = content_types()
    buyers: list[int] = []
    bought: list[int] = []
    for index, (spec, dealer_id) in enumerate(dealers):
        d = dealer_sales(spec, index, dealer_id, now=now, types=types)
        if prospects is not None:
            d = _sized(d, prospects)
        if not d.pool or not d.consultants or not d.series:
            continue
        year = SalesYear(d, seed=seed, now=now, ids=ids)
        rows = year.rows()
        for table in TABLES:
            writers[table].write(rows[table])
            stats.rows[table] += len(rows[table])
        buyers += year.buyers
        bought += year.bought
        stats.campaigns.append(f"{spec.name}: {d.campaign.name} {d.campaign.day:%Y-%m-%d}")
        if progress:
            progress(f"{spec.name}: {len(rows['opportunity']):,} opportunities")
    constraints.restore()
    if bought:
        _now_new_customers(bought)
    open_ownership_periods()
    if buyers:
        quality_refresh(customer_ids=buyers, now=quality_now or now)
    stats.seconds = time.monotonic() - started
    return stats


def _sized(d: DealerSales, prospects: int) -> DealerSales:
    from dataclasses import replace

    return replace(d, prospects=prospects)


def _now_new_customers(ids: list[int]) -> None:
    """A potential customer who bought here is a new customer (opportunity_win does it)."""
    entries = dict(
        DictionaryEntry.objects.filter(kind="trade_relationship", standard_code="new").values_list(
            "dealer_id", "id"
        )
    )
    by_dealer: dict[int, list[int]] = defaultdict(list)
    for pk, dealer_id in Customer.objects.filter(pk__in=ids).values_list("pk", "dealer_id"):
        by_dealer[dealer_id].append(pk)
    table = Customer._meta.db_table
    with connection.cursor() as cursor:
        for dealer_id, pks in by_dealer.items():
            if dealer_id in entries:
                marks = ", ".join(["%s"] * len(pks))
                cursor.execute(
                    f'UPDATE "{table}" SET trade_relationship_id = %s WHERE id IN ({marks})',  # noqa: S608
                    [entries[dealer_id], *pks],
                )
