"""The analyses of the sales director and the general manager (seed 002, "决策分析工具",
"集客量的使用", "留档率的使用", "潜在客户特征分析"; domain.md §3), over one dealer's rows.

Every figure is aggregated in the database, a few GROUP BY queries per analysis; Python only
folds the aggregated rows (a day, a consultant, a dictionary option each) and computes every
figure with the pure formulas of `rules.sales`. The definitions:

- traffic of a day = the day's `WalkInCount` counts + the opportunities registered that day;
  registration rate = registered / traffic;
- conversion rate of a period = opportunities won in it (status won, `closed_on` in the
  period) / opportunities registered in it; a buyer is a won opportunity;
- a dictionary option is counted under its standard option (`standard_code`), so a dealer's
  own options (a named newspaper) roll up to the standard one.

Here: the traffic analyses (pages 1-4: trend and periodicity with the month's traffic target,
media effectiveness, registration rate per consultant and weekday, consultants needed); the
prospects, buyers, lost reasons and conversion cycle are in `analysis_prospect_selectors`, the
lead first responses in `analysis_response_selectors`.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db import connection
from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from autocrm.rules.sales import (
    MediaEffect,
    conversion_rate,
    dealer_sales,
    lag_profile,
    last_three_months,
    media_effect,
    monthly_traffic_target,
    registration_rate,
    traffic,
)
from autocrm.sales.models import (
    Opportunity,
    OpportunityStatus,
    SalesTarget,
    WalkInCount,
)
from autocrm.tenancy.models import Staff

#: The key of the rows whose option was not recorded (shown last).
UNKNOWN = ""
#: A consultant's reception capacity is the 90th percentile of their daily traffic.
CAPACITY_PERCENTILE = 90
#: Consultants who worked fewer days in the range are listed but left out of the team's
#: typical capacity (one busy afternoon is not a capacity).
MIN_WORKED_DAYS = 5


def opportunities_of(dealer_id: int, series_id: int | None) -> QuerySet[Opportunity]:
    qs = Opportunity.objects.filter(dealer_id=dealer_id)
    return qs.filter(series_id=series_id) if series_id is not None else qs


def registered_in(start: date, end: date) -> Q:
    return Q(registered_on__gte=start, registered_on__lte=end)


def won_in(start: date, end: date) -> Q:
    return Q(status=OpportunityStatus.WON, closed_on__gte=start, closed_on__lte=end)


def staff_names(ids: Iterable[int | None]) -> dict[int, str]:
    wanted = {i for i in ids if i is not None}
    rows = Staff.objects.filter(pk__in=wanted).values_list("pk", "display_name", "username")
    return {pk: display or username for pk, display, username in rows}


# --- traffic (集客量) ----------------------------------------------------------------------------


@dataclass(frozen=True)
class TrafficTotal:
    """The traffic of a day, a weekday, a week, a month or a consultant."""

    key: Any
    days: int
    unregistered: int
    registered: int

    @property
    def traffic(self) -> int:
        return traffic(self.unregistered, self.registered)

    @property
    def registration_rate(self) -> float | None:
        return registration_rate(self.registered, self.traffic)

    @property
    def daily_average(self) -> float | None:
        return self.traffic / self.days if self.days else None


def daily_traffic(
    dealer_id: int, start: date, end: date, series_id: int | None = None
) -> list[TrafficTotal]:
    """Every day from `start` to `end` (days without traffic too): two GROUP BY queries."""
    walk_ins = WalkInCount.objects.filter(dealer_id=dealer_id, day__gte=start, day__lte=end)
    if series_id is not None:
        walk_ins = walk_ins.filter(series_id=series_id)
    unregistered = dict(
        walk_ins.values("day").annotate(n=Sum("count")).order_by().values_list("day", "n")
    )
    registered = dict(
        opportunities_of(dealer_id, series_id)
        .filter(registered_in(start, end))
        .values("registered_on")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("registered_on", "n")
    )
    return [
        TrafficTotal(day, 1, unregistered.get(day) or 0, registered.get(day, 0))
        for day in (start + timedelta(days=i) for i in range((end - start).days + 1))
    ]


def fold(days: Iterable[TrafficTotal], key: Callable[[date], Hashable]) -> list[TrafficTotal]:
    """The days summed by `key` of their date, in the order the keys first appear."""
    sums: dict[Hashable, list[int]] = {}
    for d in days:
        acc = sums.setdefault(key(d.key), [0, 0, 0])
        acc[0] += 1
        acc[1] += d.unregistered
        acc[2] += d.registered
    return [TrafficTotal(k, n, u, r) for k, (n, u, r) in sums.items()]


def by_weekday(days: Iterable[TrafficTotal]) -> list[TrafficTotal]:
    """Monday (0) … Sunday (6): seed 002's "集客量的周期性"; the average is per calendar day."""
    folded = {t.key: t for t in fold(days, lambda d: d.weekday())}
    return [folded.get(i, TrafficTotal(i, 0, 0, 0)) for i in range(7)]


def by_week(days: Iterable[TrafficTotal]) -> list[TrafficTotal]:
    """Keyed by the week's Monday (the first and last week may be partial: see `days`)."""
    return fold(days, lambda d: d - timedelta(days=d.weekday()))


def by_month(days: Iterable[TrafficTotal]) -> list[TrafficTotal]:
    return fold(days, lambda d: d.replace(day=1))


def total(rows: Iterable[TrafficTotal], key: Any = None) -> TrafficTotal:
    folded = list(rows)
    return TrafficTotal(
        key,
        sum(r.days for r in folded),
        sum(r.unregistered for r in folded),
        sum(r.registered for r in folded),
    )


def traffic_between(dealer_id: int, start: date, end: date) -> TrafficTotal:
    """One period's traffic in two aggregate queries."""
    unregistered = WalkInCount.objects.filter(
        dealer_id=dealer_id, day__gte=start, day__lte=end
    ).aggregate(n=Sum("count"))["n"]
    registered = Opportunity.objects.filter(dealer_id=dealer_id).filter(registered_in(start, end))
    return TrafficTotal(start, (end - start).days + 1, unregistered or 0, registered.count())


@dataclass(frozen=True)
class TrafficTarget:
    """Seed 002: "月度集客目标=销量目标/(留档率*潜在客户成交率)", the rates of the team's last
    three whole months."""

    month: date
    sales_target: int | None  # the month's SalesTarget units for the dealer (series empty)
    window_start: date
    window_end: date
    window: TrafficTotal
    won: int  # won in the window
    so_far: TrafficTotal  # this month up to today

    @property
    def registration_rate(self) -> float | None:
        return self.window.registration_rate

    @property
    def conversion_rate(self) -> float | None:
        return conversion_rate(self.won, self.window.registered)

    @property
    def target(self) -> int | None:
        if self.sales_target is None:
            return None
        return monthly_traffic_target(
            self.sales_target, self.registration_rate, self.conversion_rate
        )

    @property
    def sales_from_traffic_so_far(self) -> float | None:
        """经销商销量=集客量*留档率*潜在客户成交率, over this month's traffic so far."""
        return dealer_sales(self.so_far.traffic, self.registration_rate, self.conversion_rate)


def traffic_target(dealer_id: int, today: date | None = None) -> TrafficTarget:
    today = today or timezone.localdate()
    month = today.replace(day=1)
    start, end = last_three_months(month)
    unregistered = WalkInCount.objects.filter(
        dealer_id=dealer_id, day__gte=start, day__lte=end
    ).aggregate(n=Sum("count"))["n"]
    registered_q, won_q = registered_in(start, end), won_in(start, end)
    rates = (
        Opportunity.objects.filter(dealer_id=dealer_id)
        .filter(registered_q | won_q)
        .aggregate(registered=Count("id", filter=registered_q), won=Count("id", filter=won_q))
    )
    units = (
        SalesTarget.objects.filter(dealer_id=dealer_id, month=month, series__isnull=True)
        .values_list("units", flat=True)
        .first()
    )
    return TrafficTarget(
        month=month,
        sales_target=units,
        window_start=start,
        window_end=end,
        window=TrafficTotal(start, (end - start).days + 1, unregistered or 0, rates["registered"]),
        won=rates["won"],
        so_far=traffic_between(dealer_id, month, today),
    )


# --- media effectiveness (媒体效果评价) ----------------------------------------------------------


@dataclass(frozen=True)
class MediaAnalysis:
    effect: MediaEffect
    profile: list[tuple[int, date, int]]  # offset −N…+N, its day, its traffic


def media_analysis(
    dealer_id: int, day: date, days: int, series_id: int | None = None
) -> MediaAnalysis:
    window = daily_traffic(
        dealer_id, day - timedelta(days=days), day + timedelta(days=days), series_id
    )
    daily = {t.key: t.traffic for t in window}
    return MediaAnalysis(
        effect=media_effect(daily, day, days),
        profile=[
            (offset, day + timedelta(days=offset), n) for offset, n in lag_profile(daily, day, days)
        ],
    )


# --- registration rate per consultant (留档率的使用) ---------------------------------------------


@dataclass(frozen=True)
class ConsultantTraffic(TrafficTotal):
    name: str = ""


def traffic_by_consultant(
    dealer_id: int, start: date, end: date, series_id: int | None = None
) -> list[ConsultantTraffic]:
    """Per consultant: their walk-in counts and the prospects they registered (the
    opportunity's consultant), best registration rate first."""
    walk_ins = WalkInCount.objects.filter(dealer_id=dealer_id, day__gte=start, day__lte=end)
    if series_id is not None:
        walk_ins = walk_ins.filter(series_id=series_id)
    unregistered = dict(
        walk_ins.values("consultant_id")
        .annotate(n=Sum("count"))
        .order_by()
        .values_list("consultant_id", "n")
    )
    registered = dict(
        opportunities_of(dealer_id, series_id)
        .filter(registered_in(start, end))
        .values("consultant_id")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("consultant_id", "n")
    )
    ids = set(unregistered) | set(registered)
    names = staff_names(ids)
    rows = [
        ConsultantTraffic(
            pk, 0, unregistered.get(pk) or 0, registered.get(pk, 0), name=names.get(pk, "—")
        )
        for pk in ids
    ]
    return sorted(rows, key=lambda r: (-(r.registration_rate or 0), -r.traffic, r.name))


# --- consultants needed (了解销售顾问日接待能力) -------------------------------------------------


@dataclass(frozen=True)
class ReceptionCapacity:
    """A consultant's daily reception: over the days they worked (had any walk-in or
    registration), their traffic, their busiest day and the 90th percentile of their days."""

    consultant_id: int
    name: str
    days_worked: int
    traffic: int
    busiest: int
    capacity: int  # the nearest-rank 90th percentile of their days' traffic

    @property
    def daily_average(self) -> float | None:
        return self.traffic / self.days_worked if self.days_worked else None


@dataclass(frozen=True)
class CapacityAnalysis:
    consultants: list[ReceptionCapacity]
    team_capacity: float | None  # the median of the consultants' capacities
    busiest_day: TrafficTotal | None  # the dealer's busiest day in the range
    last_month: TrafficTotal  # the last whole month before today (its daily average)


def reception_capacities(dealer_id: int, start: date, end: date) -> list[ReceptionCapacity]:
    """One query: each consultant's traffic per day (walk-ins + registrations), ranked per
    consultant with a window function; the row at rank ⌈0.9·n⌉ is the 90th percentile."""
    walk_in, opp = WalkInCount._meta.db_table, Opportunity._meta.db_table
    ops = connection.ops
    lo, hi = ops.adapt_datefield_value(start), ops.adapt_datefield_value(end)
    rank = f"({CAPACITY_PERCENTILE} * cnt + 99) / 100"
    sql = f"""
        WITH daily AS (
            SELECT consultant_id, day, SUM(n) AS total FROM (
                SELECT w.consultant_id, w.day, w."count" AS n FROM {walk_in} w
                WHERE w.dealer_id = %s AND w.day >= %s AND w.day <= %s
                UNION ALL
                SELECT o.consultant_id, o.registered_on AS day, 1 AS n FROM {opp} o
                WHERE o.dealer_id = %s AND o.registered_on >= %s AND o.registered_on <= %s
            ) t GROUP BY consultant_id, day
        ), ranked AS (
            SELECT consultant_id, total,
                   ROW_NUMBER() OVER (PARTITION BY consultant_id ORDER BY total) AS rn,
                   COUNT(*) OVER (PARTITION BY consultant_id) AS cnt
            FROM daily
        )
        SELECT consultant_id, COUNT(*), SUM(total), MAX(total),
               MAX(CASE WHEN rn = {rank} THEN total END)
        FROM ranked GROUP BY consultant_id
    """  # noqa: S608 (table names from the models, values bound)
    with connection.cursor() as cursor:
        cursor.execute(sql, [dealer_id, lo, hi, dealer_id, lo, hi])
        rows = cursor.fetchall()
    names = staff_names(row[0] for row in rows)
    found = [
        ReceptionCapacity(pk, names.get(pk, "—"), int(days), int(n), int(top), int(p90 or 0))
        for pk, days, n, top, p90 in rows
    ]
    return sorted(found, key=lambda r: (-r.capacity, -r.traffic, r.name))


def capacity_analysis(
    dealer_id: int, start: date, end: date, today: date | None = None
) -> CapacityAnalysis:
    consultants = reception_capacities(dealer_id, start, end)
    seasoned = [c.capacity for c in consultants if c.days_worked >= MIN_WORKED_DAYS]
    pool = seasoned or [c.capacity for c in consultants]
    days = daily_traffic(dealer_id, start, end)
    busiest = max(days, key=lambda d: d.traffic, default=None)
    first = (today or timezone.localdate()).replace(day=1)
    last_end = first - timedelta(days=1)
    return CapacityAnalysis(
        consultants=consultants,
        team_capacity=float(statistics.median(pool)) if pool else None,
        busiest_day=busiest if busiest is not None and busiest.traffic else None,
        last_month=traffic_between(dealer_id, last_end.replace(day=1), last_end),
    )
