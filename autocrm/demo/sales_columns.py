"""Column order of the rows the sales generator emits, per table (the loader writes them as
they are; `test_demo_sales` checks them against the models)."""

from __future__ import annotations

from autocrm.demo.columns import INTERACTION_COLUMNS
from autocrm.demo.vehicles import READING_COLUMNS, VEHICLE_COLUMNS

LEAD = (
    "id", "dealer_id", "source", "external_id", "received_at", "name", "mobile", "mobile_raw",
    "series_id", "model_text", "city", "note", "info_source_id", "referrer_id", "customer_id",
    "match", "consultant_id", "assigned_at", "status", "due_at", "missed_at", "responded_at",
    "response_seconds", "response_band", "repeat_of_id", "repeat_count", "created_by_id", "raw",
)  # fmt: skip
WALK_IN = ("id", "dealer_id", "consultant_id", "day", "series_id", "count")
OPPORTUNITY = (
    "id", "dealer_id", "customer_id", "consultant_id", "lead_id", "series_id", "trim_id",
    "quantity", "stage", "temperature", "drive", "expected_amount", "expected_close_on",
    "status", "registered_on", "walk_in", "info_source_id", "industry_id", "position_id",
    "age_band", "purchase_time", "purchase_way", "current_series_id", "stage_since",
    "furthest_rank", "closed_on", "lost_reason_id", "lost_to_series_id", "lost_note",
    "payment_method_id", "vehicle_id", "sale_price", "delivered_at", "next_due_at",
    "created_at", "created_by_id",
)  # fmt: skip
OPPORTUNITY_HOBBY = ("id", "opportunity_id", "dictionaryentry_id")
STAGE_CHANGE = ("id", "dealer_id", "opportunity_id", "from_stage", "to_stage", "at", "actor_id")
PLAN = (
    "id", "dealer_id", "opportunity_id", "kind", "due_at", "owner_id", "note", "done_at",
    "outcome", "outcome_note", "created_at",
)  # fmt: skip
LOST = (
    "id", "dealer_id", "opportunity_id", "requested_by_id", "requested_at", "reason_id",
    "competitor_series_id", "note", "decision", "decided_by_id", "decided_at", "decision_note",
    "call_sampled", "call_result", "call_note", "called_by_id", "called_at",
)  # fmt: skip
TARGET = ("id", "dealer_id", "month", "series_id", "units")
ABSENCE = ("id", "dealer_id", "consultant_id", "starts_on", "ends_on", "reason")
CAPACITY = ("id", "dealer_id", "consultant_id", "daily_lead_capacity")
ACTIVITY = (
    "id", "dealer_id", "customer_id", "kind", "actor_id", "at", "target_type_id", "target_id",
    "data",
)  # fmt: skip

#: Tables in the order they are written (referenced rows first), with their columns.
COLUMNS: dict[str, tuple[str, ...]] = {
    "vehicle": VEHICLE_COLUMNS,
    "reading": READING_COLUMNS,
    "interaction": INTERACTION_COLUMNS,
    "lead": LEAD,
    "walk_in": WALK_IN,
    "opportunity": OPPORTUNITY,
    "opportunity_hobby": OPPORTUNITY_HOBBY,
    "stage_change": STAGE_CHANGE,
    "plan": PLAN,
    "lost": LOST,
    "target": TARGET,
    "absence": ABSENCE,
    "capacity": CAPACITY,
    "activity": ACTIVITY,
}
TABLES = tuple(COLUMNS)
