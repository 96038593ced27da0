"""The pieces of the analysis pages: the query (`parse_params`), what a page shows (headline
figures, ECharts options, `exports.Table`s, which the page renders and the Excel export
writes) and the helpers that lay them out. The pages themselves are in
`analysis_traffic_pages` (traffic, media, registration rate, consultants needed) and
`analysis_prospect_pages` (prospects, lost reasons, buyers, conversion cycle, lead response);
they call the selectors of `sales.analysis*` and query nothing themselves."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from operator import attrgetter
from typing import Any

from django.http import QueryDict
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext as _

from autocrm.sales import analysis_prospect_selectors as prospects
from autocrm.sales import charts
from autocrm.sales.exports import Column, Table

HIGHLIGHT = "#e0525a"
#: charts.PALETTE and more: eight lost reasons need eight colours.
PALETTE = [*charts.PALETTE, "#b5651d", "#d45d9e", "#4f8f3a", "#2c3e73", "#c9b21f"]


DEFAULT_DAYS = 90
MAX_YEARS = 3


# --- the query: a value that does not parse is the default, never an error ------------------


def parse_day(value: str | None) -> date | None:
    try:
        day = parse_date(value or "")
    except ValueError:  # well formed but no such day (2026-02-30)
        return None
    return day if day is not None and 2000 <= day.year <= 2100 else None


_INTEGER = re.compile(r"-?[0-9]{1,10}")


def parse_int(value: str | None, *, low: int, high: int) -> int | None:
    text = (value or "").strip()
    if not _INTEGER.fullmatch(text):
        return None
    number = int(text)
    return number if low <= number <= high else None


def parse_number(value: str | None, *, low: float, high: float) -> float | None:
    try:
        number = float((value or "").strip())
    except ValueError:
        return None
    return number if low <= number <= high else None  # NaN compares false


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


@dataclass(frozen=True)
class Params:
    start: date
    end: date
    series_id: int | None
    query: QueryDict


def parse_params(query: QueryDict, *, series: bool = True) -> Params:
    """?start=&end= (default the last 90 days; swapped when reversed; at most three years,
    counted back from the end) and ?series= (a model's id)."""
    today = timezone.localdate()
    start = parse_day(query.get("start")) or today - timedelta(days=DEFAULT_DAYS - 1)
    end = parse_day(query.get("end")) or today
    if end < start:
        start, end = end, start
    start = max(start, _years_before(end, MAX_YEARS) + timedelta(days=1))
    series_id = parse_int(query.get("series"), low=1, high=2**31 - 1) if series else None
    return Params(start, end, series_id, query)


@dataclass(frozen=True)
class Figure:
    label: str
    value: str
    note: str = ""
    testid: str = ""


@dataclass(frozen=True)
class Chart:
    title: str
    option: dict[str, Any]
    testid: str
    wide: bool = False

    @property
    def json(self) -> str:
        return charts.dumps(self.option)


@dataclass(frozen=True)
class Field:
    """A page's own query field (the media day, the expected traffic)."""

    name: str
    label: str
    value: Any
    kind: str = "number"  # or "date"
    low: Any = None
    high: Any = None
    step: str = "1"


@dataclass
class Page:
    figures: list[Figure] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    fields: list[Field] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


# --- helpers ----------------------------------------------------------------------------------

#: A table column: label, kind (exports.Column), and the attribute or function giving its cell.
Spec = tuple[str, str, "str | Callable[[Any], Any]"]


def table(
    key: str,
    title: str,
    specs: Sequence[Spec],
    items: Sequence[Any],
    *,
    foot: Any = None,
    collapsed: bool = False,
) -> Table:
    getters = [attrgetter(g) if isinstance(g, str) else g for _l, _k, g in specs]
    return Table(
        key,
        title,
        [Column(label, kind) for label, kind, _g in specs],
        [[get(item) for get in getters] for item in items],
        foot=[get(foot) for get in getters] if foot is not None else None,
        collapsed=collapsed,
    )


def pct(share: float | None) -> str:
    return "—" if share is None else f"{share * 100:.1f}%"


def one(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


def as_percent(share: float | None) -> float | None:
    """A share as a chart's percentage."""
    return None if share is None else round(share * 100, 1)


def bars(
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[Any]]],
    *,
    percent: bool = False,
    highlight: Callable[[int], bool] | None = None,
    **options: Any,
) -> dict[str, Any]:
    """charts.bar, with a percentage value axis and the bars `highlight(index)` picks."""
    if highlight is not None:
        series = [
            (name, [{"value": v, "itemStyle": {"color": HIGHLIGHT}} if highlight(i) else v
                    for i, v in enumerate(data)])
            for name, data in series
        ]  # fmt: skip
    option = charts.bar(labels, series, **options)
    option["color"] = PALETTE
    if len(labels) > 8 and max(map(len, labels), default=0) > 3 and not options.get("horizontal"):
        option["xAxis"]["axisLabel"]["rotate"] = 30
    if percent:
        axis = option["xAxis"] if options.get("horizontal") else option["yAxis"][0]
        axis["axisLabel"] = {"formatter": "{value}%"}
        if options.get("stacked"):
            axis["max"] = 100
    return option


def pie(items: Sequence[tuple[str, Any]]) -> dict[str, Any]:
    """charts.pie, labelled with each slice's share instead of a legend beside it (long
    option names ran into the legend)."""
    option = charts.pie(items)
    option["color"] = PALETTE
    option["legend"] = {"show": False}
    option["series"][0].update(center=["50%", "50%"], label={"formatter": "{b}\n{d}%"})
    return option


def weekday_name(day: int) -> str:
    return str(WEEKDAYS[day])


def _share_specs(first: str, count: str) -> list[Spec]:
    return [(first, "text", "label"), (count, "int", "count"), (_("Share"), "pct", "share")]


def share_table(key: str, title: str, rows: list[prospects.Share], first: str, count: str) -> Table:
    whole = prospects.Share("", _("Total"), sum(r.count for r in rows), 1.0 if rows else 0.0)
    return table(key, title, _share_specs(first, count), rows, foot=whole)
