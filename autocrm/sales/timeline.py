"""How the sales activities read on the customer's timeline (one activity per business action,
recorded by the services of leads, opportunities, lost and staffing)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from autocrm.core.registry import TimelineEntry
from autocrm.sales.models import (
    STAGE_CHOICES,
    ActivityKind,
    ActivityOutcome,
    CallResult,
    LeadMatch,
    LeadSource,
    LostDecision,
)

STAGES = dict(STAGE_CHOICES)


def _label(choices: Any, value: Any) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value or "")


def series_subject(entry: TimelineEntry) -> str:
    return str(entry.data.get("series") or "")


def lead_detail(entry: TimelineEntry, viewer: Any) -> str:
    data = entry.data
    parts = [_label(LeadSource, data.get("source")), _label(LeadMatch, data.get("match"))]
    if data.get("repeat"):
        parts.append(_("repeat, counted once"))
    if data.get("consultant"):
        parts.append(_("assigned to %(name)s") % {"name": data["consultant"]})
    return " · ".join(p for p in parts if p)


def answer_detail(entry: TimelineEntry, viewer: Any) -> str:
    band = {"on_time": _("on time"), "late": _("late"), "missed": _("missed")}.get(
        str(entry.data.get("band") or ""), ""
    )
    seconds = entry.data.get("seconds")
    took = (
        _("%(minutes)s min of business time") % {"minutes": round(seconds / 60)}
        if seconds is not None
        else ""
    )
    return " · ".join(p for p in (band, took, str(entry.data.get("note") or "")) if p)


def note_detail(entry: TimelineEntry, viewer: Any) -> str:
    return str(entry.data.get("note") or "")


def opened_detail(entry: TimelineEntry, viewer: Any) -> str:
    return " · ".join(
        p
        for p in (
            str(STAGES.get(entry.data.get("stage"), "")),
            str(entry.data.get("consultant") or ""),
        )
        if p
    )


def stage_detail(entry: TimelineEntry, viewer: Any) -> str:
    return f"{STAGES.get(entry.data.get('from'), '')} → {STAGES.get(entry.data.get('to'), '')}"


def plan_detail(entry: TimelineEntry, viewer: Any) -> str:
    data = entry.data
    parts = [_label(ActivityKind, data.get("kind")), _label(ActivityOutcome, data.get("outcome"))]
    return " · ".join(p for p in (*parts, str(data.get("note") or "")) if p)


def won_detail(entry: TimelineEntry, viewer: Any) -> str:
    price = entry.data.get("price")
    day = entry.data.get("delivered_on") or ""
    return " · ".join(p for p in (str(day), f"¥{price}" if price else "") if p)


def lost_request_detail(entry: TimelineEntry, viewer: Any) -> str:
    return " · ".join(
        p for p in (str(entry.data.get("reason") or ""), str(entry.data.get("note") or "")) if p
    )


def decision_detail(entry: TimelineEntry, viewer: Any) -> str:
    return " · ".join(
        p
        for p in (
            _label(LostDecision, entry.data.get("decision")),
            str(entry.data.get("note") or ""),
        )
        if p
    )


def call_detail(entry: TimelineEntry, viewer: Any) -> str:
    return " · ".join(
        p
        for p in (_label(CallResult, entry.data.get("result")), str(entry.data.get("note") or ""))
        if p
    )


def reassigned_detail(entry: TimelineEntry, viewer: Any) -> str:
    return f"{entry.data.get('from', '')} → {entry.data.get('to', '')}"
