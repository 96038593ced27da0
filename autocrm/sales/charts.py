"""ECharts options built on the server (the page's static charts.js draws any
`data-chart` element): plain dicts, dumped as JSON into the page."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

PALETTE = ["#2f6fed", "#17a673", "#f0a030", "#e0525a", "#7b61c9", "#1fb6c9", "#8a94a6"]


def dumps(option: dict[str, Any]) -> str:
    return json.dumps(option, ensure_ascii=False, default=float)


def bar(
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[Any]]],
    *,
    horizontal: bool = False,
    stacked: bool = False,
    percent_axis: bool = False,
    line: Sequence[tuple[str, Sequence[Any]]] = (),
) -> dict[str, Any]:
    """Bars (one per named series), optionally stacked, with optional lines on a second
    axis (a rate beside counts)."""
    category = {
        "type": "category",
        "data": list(labels),
        "axisLabel": {"interval": 0 if len(labels) <= 12 else "auto"},
    }
    if horizontal:
        category["inverse"] = True  # the first label on top, as a list reads
    value: dict[str, Any] = {"type": "value"}
    y_axes: list[dict[str, Any]] = [value]
    if line:
        y_axes.append(
            {
                "type": "value",
                "min": 0,
                "max": 100 if percent_axis else None,
                "axisLabel": {"formatter": "{value}%" if percent_axis else "{value}"},
            }
        )
    option: dict[str, Any] = {
        "color": PALETTE,
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 0},
        "grid": {
            "left": 48,
            "right": 48 if line else 16,
            "top": 32,
            "bottom": 28,
            "containLabel": True,
        },
        "xAxis": value if horizontal else category,
        "yAxis": category if horizontal else y_axes,
        "series": [
            {
                "name": name,
                "type": "bar",
                "data": list(data),
                **({"stack": "all"} if stacked else {}),
            }
            for name, data in series
        ]
        + [
            {"name": name, "type": "line", "yAxisIndex": 1, "data": list(data), "smooth": True}
            for name, data in line
        ],
    }
    return option


def lines(
    labels: Sequence[str], series: Sequence[tuple[str, Sequence[Any]]], *, mark_x: str | None = None
) -> dict[str, Any]:
    option = {
        "color": PALETTE,
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 0},
        "grid": {"left": 40, "right": 16, "top": 32, "bottom": 48, "containLabel": True},
        "dataZoom": [{"type": "inside"}, {"type": "slider", "height": 16, "bottom": 4}]
        if len(labels) > 60
        else [],
        "xAxis": {"type": "category", "data": list(labels)},
        "yAxis": {"type": "value"},
        "series": [
            {"name": name, "type": "line", "data": list(data), "showSymbol": len(labels) <= 60}
            for name, data in series
        ],
    }
    if mark_x is not None and option["series"]:
        option["series"][0]["markLine"] = {
            "symbol": "none",
            "data": [{"xAxis": mark_x}],
            "label": {"formatter": mark_x},
        }
    return option


def funnel_chart(stages: Sequence[str], values: Sequence[int]) -> dict[str, Any]:
    return {
        "color": PALETTE,
        "tooltip": {"trigger": "item", "formatter": "{b}: {c}"},
        "series": [
            {
                "type": "funnel",
                "sort": "none",
                "left": "4%",
                "width": "62%",
                "minSize": "6%",
                "label": {"show": True, "position": "right", "formatter": "{b} {c}"},
                "data": [{"name": s, "value": v} for s, v in zip(stages, values, strict=True)],
            }
        ],
    }


def pie(items: Sequence[tuple[str, Any]]) -> dict[str, Any]:
    return {
        "color": PALETTE,
        "tooltip": {"trigger": "item", "formatter": "{b}: {c} ({d}%)"},
        "legend": {"type": "scroll", "orient": "vertical", "right": 0, "top": "middle"},
        "series": [
            {
                "type": "pie",
                "radius": ["40%", "70%"],
                "center": ["40%", "50%"],
                "data": [{"name": name, "value": value} for name, value in items],
            }
        ],
    }
