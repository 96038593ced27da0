"""Lead first-response times (domain.md §3, the first-response clock) per source and per
consultant: the clocked leads received in a period, counted in the database; the medians by a
window query. The lost-sale audit figures are on the lost-requests page, not here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db import connection
from django.db.models import Count, Q
from django.utils import timezone

from autocrm.rules.sales import ResponseBand, shares
from autocrm.sales.analysis import staff_names
from autocrm.sales.assignment import local_day_bounds
from autocrm.sales.models import CLOCKED_SOURCES, Lead, LeadSource, LeadStatus

# --- lead first responses ------------------------------------------------------------------------


@dataclass(frozen=True)
class ResponseRow:
    key: Any
    label: str
    clocked: int
    answered: int
    on_time: int
    late: int
    missed: int  # answered after the missed bound, or not answered and past it
    waiting: int  # not answered, still within the missed bound
    median_seconds: float | None  # of the answered

    @property
    def shares(self) -> dict[str, float]:
        return shares(
            {
                ResponseBand.ON_TIME: self.on_time,
                ResponseBand.LATE: self.late,
                ResponseBand.MISSED: self.missed,
                "waiting": self.waiting,
            }
        )

    @property
    def median_minutes(self) -> float | None:
        return None if self.median_seconds is None else self.median_seconds / 60


@dataclass(frozen=True)
class ResponseAnalysis:
    by_source: list[ResponseRow]
    by_consultant: list[ResponseRow]
    total: ResponseRow


def _medians(where: str, params: list[Any], group: str) -> dict[Any, float]:
    """The median business seconds to the first response per `group`, one window query."""
    sql = f"""
        SELECT grp, AVG(response_seconds) FROM (
            SELECT {group} AS grp, response_seconds,
                   ROW_NUMBER() OVER (PARTITION BY {group} ORDER BY response_seconds) AS rn,
                   COUNT(*) OVER (PARTITION BY {group}) AS cnt
            FROM {Lead._meta.db_table} WHERE {where} AND response_seconds IS NOT NULL
        ) ranked WHERE rn IN ((cnt + 1) / 2, (cnt + 2) / 2) GROUP BY grp
    """  # noqa: S608 (the table and the columns from here, values bound)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {key: float(m) for key, m in cursor.fetchall()}


def response_analysis(
    dealer_id: int,
    start: date,
    end: date,
    series_id: int | None = None,
    now: datetime | None = None,
) -> ResponseAnalysis:
    """The clocked leads received in the period (repeats excluded: a repeat counts once, on
    its first lead), per source and per consultant."""
    now = now or timezone.now()
    since, until = local_day_bounds(start)[0], local_day_bounds(end)[1]
    sources = sorted(CLOCKED_SOURCES)
    qs = Lead.objects.filter(
        dealer_id=dealer_id, received_at__gte=since, received_at__lt=until, source__in=sources
    ).exclude(status=LeadStatus.REPEAT)
    ops = connection.ops
    where = (
        f"dealer_id = %s AND received_at >= %s AND received_at < %s AND status <> %s "
        f"AND source IN ({', '.join(['%s'] * len(sources))})"
    )
    params: list[Any] = [
        dealer_id,
        ops.adapt_datetimefield_value(since),
        ops.adapt_datetimefield_value(until),
        LeadStatus.REPEAT.value,
        *sources,
    ]
    if series_id is not None:
        qs = qs.filter(series_id=series_id)
        where += " AND series_id = %s"
        params.append(series_id)
    unanswered = Q(responded_at__isnull=True)
    counts = {
        "clocked": Count("id"),
        "answered": Count("id", filter=~unanswered),
        "on_time": Count("id", filter=Q(response_band=ResponseBand.ON_TIME)),
        "late": Count("id", filter=Q(response_band=ResponseBand.LATE)),
        "missed": Count(
            "id", filter=Q(response_band=ResponseBand.MISSED) | (unanswered & Q(missed_at__lt=now))
        ),
    }

    def rows(field: str) -> list[tuple[Any, dict[str, Any], float | None]]:
        medians = _medians(where, params, field)
        found = qs.values(field).annotate(**counts).order_by()
        return [(row[field], row, medians.get(row[field])) for row in found]

    per_source, per_consultant = rows("source"), rows("consultant_id")
    names = staff_names(key for key, _row, _m in per_consultant)
    totals = qs.aggregate(**counts)
    by_source = [_response_row(r, k, str(LeadSource(k).label), m) for k, r, m in per_source]
    by_consultant = [
        _response_row(r, k, names.get(k, "—") if k else "", m) for k, r, m in per_consultant
    ]
    return ResponseAnalysis(
        by_source=sorted(by_source, key=lambda r: (-r.clocked, r.label)),
        by_consultant=sorted(by_consultant, key=lambda r: (r.key is None, -r.clocked, r.label)),
        total=_response_row(totals, None, "", _medians(where, params, "dealer_id").get(dealer_id)),
    )


def _response_row(
    row: Mapping[str, Any], key: Any, label: str, median: float | None
) -> ResponseRow:
    return ResponseRow(
        key=key,
        label=label,
        clocked=row["clocked"],
        answered=row["answered"],
        on_time=row["on_time"],
        late=row["late"],
        missed=row["missed"],
        waiting=row["clocked"] - row["on_time"] - row["late"] - row["missed"],
        median_seconds=median,
    )
