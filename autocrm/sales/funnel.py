"""The sales funnel and the forecast (seed 002, "销售漏斗管理", "销售管理与预测分析").

- Funnel: the open opportunities by stage (count, units, amount), by consultant or model;
  the conversion between stages of the opportunities registered in a period (how many that
  reached a stage went on to the next, from `Opportunity.furthest_rank`); and the average
  time spent in each stage (from the stage changes).
- Forecast: for a range of expected close dates, the expected sales in units and amount,
  weighted by the stage's win probability, grouped by brand or model, beside the month's
  target and what is already won.

Each takes a list of dealer ids: one dealer's director, or the group-wide view. All of it is
aggregated in the database.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import Case, Count, DecimalField, F, IntegerField, Q, Sum, Value, When
from django.db.models.functions import Coalesce

from autocrm.rules.sales import STAGE_ORDER, STAGE_PROBABILITY
from autocrm.sales.models import Opportunity, OpportunityStatus, SalesTarget, StageChange

OPEN = (OpportunityStatus.OPEN, OpportunityStatus.LOST_REQUESTED)
ZERO = Decimal("0")


def probability_expression() -> Case:
    return Case(
        *[When(stage=stage.value, then=Value(p)) for stage, p in STAGE_PROBABILITY.items()],
        default=Value(0),
        output_field=IntegerField(),
    )


# --- the funnel -------------------------------------------------------------------------------


@dataclass
class StageRow:
    stage: str
    probability: int
    open_count: int = 0
    units: int = 0
    amount: Decimal = ZERO
    reached: int = 0  # registered in the period and reached this stage
    conversion: float | None = None  # reached this stage / reached the previous one
    avg_days: float | None = None  # average time spent in this stage


@dataclass
class Funnel:
    stages: list[StageRow]
    registered: int
    won: int
    lost: int
    groups: list[tuple[str, list[int]]] = field(default_factory=list)  # label, open per stage


def funnel(
    dealer_ids: Sequence[int],
    *,
    start: date,
    end: date,
    consultant_id: int | None = None,
    series_id: int | None = None,
    group_by: str = "",
) -> Funnel:
    base = Opportunity.objects.filter(dealer_id__in=list(dealer_ids))
    if consultant_id:
        base = base.filter(consultant_id=consultant_id)
    if series_id:
        base = base.filter(series_id=series_id)
    rows = {s.value: StageRow(s.value, STAGE_PROBABILITY[s]) for s in STAGE_ORDER}
    for counted in (
        base.filter(status__in=OPEN)
        .values("stage")
        .annotate(n=Count("id"), units=Sum("quantity"), amount=Sum("expected_amount"))
    ):
        stage_row = rows[counted["stage"]]
        stage_row.open_count, stage_row.units = counted["n"], counted["units"] or 0
        stage_row.amount = counted["amount"] or ZERO
    cohort = base.filter(registered_on__gte=start, registered_on__lte=end)
    reached = cohort.aggregate(
        registered=Count("id"),
        won=Count("id", filter=Q(status=OpportunityStatus.WON)),
        lost=Count("id", filter=Q(status=OpportunityStatus.LOST)),
        **{f"r{i}": Count("id", filter=Q(furthest_rank__gte=i)) for i in range(len(STAGE_ORDER))},
    )
    previous: int | None = None
    for i, stage in enumerate(STAGE_ORDER):
        current = rows[stage.value]
        current.reached = reached[f"r{i}"]
        if previous is not None:
            current.conversion = current.reached / previous if previous else None
        previous = current.reached
    for stage_value, days in _days_in_stage(dealer_ids, start, end, consultant_id, series_id):
        if stage_value in rows:
            rows[stage_value].avg_days = days
    groups: list[tuple[str, list[int]]] = []
    if group_by in ("consultant", "series"):
        key = "consultant__display_name" if group_by == "consultant" else "series__name"
        fallback = "consultant__username" if group_by == "consultant" else "series__name"
        counts: dict[str, list[int]] = {}
        for grouped in (
            base.filter(status__in=OPEN)
            .values(key, fallback, "stage")
            .annotate(n=Count("id"))
            .order_by(key)
        ):
            label = grouped[key] or grouped[fallback] or "—"
            counts.setdefault(label, [0] * len(STAGE_ORDER))[
                [s.value for s in STAGE_ORDER].index(grouped["stage"])
            ] += grouped["n"]
        groups = sorted(counts.items(), key=lambda kv: -sum(kv[1]))
    return Funnel(
        stages=[rows[s.value] for s in STAGE_ORDER],
        registered=reached["registered"],
        won=reached["won"],
        lost=reached["lost"],
        groups=groups,
    )


def _days_in_stage(
    dealer_ids: Sequence[int],
    start: date,
    end: date,
    consultant_id: int | None,
    series_id: int | None,
) -> list[tuple[str, float]]:
    """The average days an opportunity registered in the period spent in each stage it left
    (the time from entering a stage to the next change), one window query."""
    opp = Opportunity._meta.db_table
    change = StageChange._meta.db_table
    ids = list(dealer_ids)
    where = [f"o.dealer_id IN ({', '.join(['%s'] * len(ids))})", "o.registered_on >= %s",
             "o.registered_on <= %s"]  # fmt: skip
    params: list[Any] = [*ids, start, end]
    if consultant_id:
        where.append("o.consultant_id = %s")
        params.append(consultant_id)
    if series_id:
        where.append("o.series_id = %s")
        params.append(series_id)
    if connection.vendor == "postgresql":
        seconds = "EXTRACT(EPOCH FROM (next_at - at))"
    else:
        seconds = "(julianday(next_at) - julianday(at)) * 86400"
    sql = f"""
        SELECT to_stage, AVG({seconds}) / 86400.0 FROM (
            SELECT c.to_stage, c.at,
                   LEAD(c.at) OVER (PARTITION BY c.opportunity_id ORDER BY c.at, c.id) AS next_at
            FROM {change} c JOIN {opp} o ON o.id = c.opportunity_id
            WHERE {" AND ".join(where)} AND c.dealer_id = o.dealer_id
        ) moves
        WHERE next_at IS NOT NULL
        GROUP BY to_stage
    """  # noqa: S608 (table names from the models, values bound)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [(stage, float(days)) for stage, days in cursor.fetchall() if days is not None]


# --- the forecast -----------------------------------------------------------------------------


@dataclass
class ForecastRow:
    key: Any
    label: str
    opportunities: int
    units: int
    weighted_units: Decimal
    amount: Decimal
    weighted_amount: Decimal
    won_units: int = 0
    target_units: int | None = None


@dataclass
class Forecast:
    start: date
    end: date
    rows: list[ForecastRow]
    total: ForecastRow


def forecast(
    dealer_ids: Sequence[int],
    *,
    start: date,
    end: date,
    group_by: str = "series",
    consultant_id: int | None = None,
) -> Forecast:
    """Open opportunities expected to close from `start` to `end`: units and amount, and both
    weighted by the stage's probability, per brand or model; beside the cars already won in
    the range and the target of the months it covers."""
    ids = list(dealer_ids)
    key, label = {
        "brand": ("series__brand_id", "series__brand__name"),
        "dealer": ("dealer_id", "dealer__name"),
    }.get(group_by, ("series_id", "series__name"))
    money = DecimalField(max_digits=16, decimal_places=2)
    prob = probability_expression()
    qs = Opportunity.objects.filter(
        dealer_id__in=ids, status__in=OPEN, expected_close_on__gte=start, expected_close_on__lte=end
    )
    if consultant_id:
        qs = qs.filter(consultant_id=consultant_id)
    rows: dict[Any, ForecastRow] = {}
    for row in (
        qs.values(key, label)
        .annotate(
            n=Count("id"),
            units=Sum("quantity"),
            w_units=Sum(F("quantity") * prob, output_field=IntegerField()),
            amount=Coalesce(Sum("expected_amount"), Value(ZERO), output_field=money),
            w_amount=Coalesce(
                Sum(F("expected_amount") * prob, output_field=money),
                Value(ZERO),
                output_field=money,
            ),
        )
        .order_by(label)
    ):
        rows[row[key]] = ForecastRow(
            key=row[key],
            label=row[label] or "—",
            opportunities=row["n"],
            units=row["units"] or 0,
            weighted_units=(Decimal(row["w_units"] or 0) / 100).quantize(Decimal("0.01")),
            amount=Decimal(row["amount"]).quantize(Decimal("0.01")),
            weighted_amount=(Decimal(row["w_amount"]) / 100).quantize(Decimal("0.01")),
        )
    won = Opportunity.objects.filter(
        dealer_id__in=ids, status=OpportunityStatus.WON, closed_on__gte=start, closed_on__lte=end
    )
    if consultant_id:
        won = won.filter(consultant_id=consultant_id)
    for row in won.values(key, label).annotate(units=Sum("quantity")):
        target = rows.get(row[key])
        if target is None:
            target = rows[row[key]] = ForecastRow(
                row[key], row[label] or "—", 0, 0, ZERO, ZERO, ZERO
            )
        target.won_units = row["units"] or 0
    months = SalesTarget.objects.filter(
        dealer_id__in=ids, month__gte=start.replace(day=1), month__lte=end
    )
    if group_by == "series":
        for row in (
            months.filter(series__isnull=False).values("series_id").annotate(units=Sum("units"))
        ):
            if row["series_id"] in rows:
                rows[row["series_id"]].target_units = row["units"]
    if group_by == "dealer":
        for row in (
            months.filter(series__isnull=True).values("dealer_id").annotate(units=Sum("units"))
        ):
            if row["dealer_id"] in rows:
                rows[row["dealer_id"]].target_units = row["units"]
    target_total = months.filter(series__isnull=True).aggregate(units=Sum("units"))["units"]
    ordered = sorted(rows.values(), key=lambda r: (-r.weighted_amount, r.label))
    total = ForecastRow(
        key=None,
        label="",
        opportunities=sum(r.opportunities for r in ordered),
        units=sum(r.units for r in ordered),
        weighted_units=sum((r.weighted_units for r in ordered), ZERO),
        amount=sum((r.amount for r in ordered), ZERO),
        weighted_amount=sum((r.weighted_amount for r in ordered), ZERO),
        won_units=sum(r.won_units for r in ordered),
        target_units=target_total,
    )
    return Forecast(start=start, end=end, rows=ordered, total=total)
