"""Writing the activity record: one row per business action on a customer.

Each action's service calls `activity_record` inside its own transaction (the zulip pattern:
the action audits itself), so the action and its timeline entry commit or roll back together.
The kind must be registered (core.registry.register_timeline_kind) by the app that owns it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone

from autocrm.core.models import Activity
from autocrm.core.registry import timeline_kinds

BATCH_SIZE = 1000


@dataclass(frozen=True)
class ActivityRow:
    """One activity to record: the keyword arguments of `activity_record`, as a value."""

    dealer_id: int
    customer_id: int
    kind: str
    actor: Any = None  # a Staff member, or None for the system
    target: models.Model | None = None
    data: Mapping[str, Any] = field(default_factory=dict)
    at: datetime | None = None

    def kwargs(self) -> dict[str, Any]:
        """`activity_record(**row.kwargs())` records this one row."""
        return {f.name: getattr(self, f.name) for f in fields(self)}


def _check_kind(kind: str) -> None:
    if kind not in timeline_kinds():
        raise ValueError(f"Unregistered timeline kind {kind!r}: register it in its app's ready().")


def _build(row: ActivityRow, now: datetime) -> Activity:
    at = row.at or now
    if timezone.is_naive(at):
        raise ValueError(f"Activity time {at!r} must be an aware datetime.")
    target_type_id = target_id = None
    if row.target is not None:
        if row.target.pk is None:
            raise ValueError("The activity's target must be saved first.")
        target_type_id = ContentType.objects.get_for_model(row.target).pk
        target_id = row.target.pk
    return Activity(
        dealer_id=row.dealer_id,
        customer_id=row.customer_id,
        kind=row.kind,
        actor_id=getattr(row.actor, "pk", None),
        at=at,
        target_type_id=target_type_id,
        target_id=target_id,
        data=dict(row.data),
    )


def activity_record(
    *,
    dealer_id: int,
    customer_id: int,
    kind: str,
    actor: Any,
    target: models.Model | None = None,
    data: Mapping[str, Any] | None = None,
    at: datetime | None = None,
) -> Activity:
    """Record that `actor` did `kind` to the customer (at `at`, default now). Refuses a kind no
    app registered. Call it inside the action's transaction."""
    _check_kind(kind)
    row = ActivityRow(
        dealer_id=dealer_id,
        customer_id=customer_id,
        kind=kind,
        actor=actor,
        target=target,
        data=data or {},
        at=at,
    )
    activity = _build(row, timezone.now())
    activity.save(force_insert=True)
    return activity


def activities_record_bulk(rows: Iterable[ActivityRow], *, batch_size: int = BATCH_SIZE) -> int:
    """Record many activities in a few statements (bulk_create, on every database); returns
    how many. Every kind must be registered; rows without `at` get one shared "now".

    For set-based writers whose actions are few but touch many customers (a campaign sent to
    a segment, a nightly reminder run), inside the writer's transaction. The import does not
    use it: its rows are shown from the history and readings tables (ADR 0007).
    """
    now = timezone.now()
    objs: list[Activity] = []
    checked: set[str] = set()
    for row in rows:
        if row.kind not in checked:
            _check_kind(row.kind)
            checked.add(row.kind)
        objs.append(_build(row, now))
    if objs:
        Activity.objects.bulk_create(objs, batch_size=batch_size)
    return len(objs)
