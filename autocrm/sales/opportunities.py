"""Opportunities (销售机会) and their follow-up plans (跟踪计划), seed 002: every open
opportunity has a next planned activity; each activity is recorded with its outcome on the
customer's timeline; a won opportunity becomes the vehicle bought here on the profile.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Min
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from autocrm.catalogue.models import Trim
from autocrm.core.activity import activity_record
from autocrm.customers.models import Customer
from autocrm.customers.services import customer_update, vehicle_add
from autocrm.dictionaries.models import DictionaryEntry
from autocrm.rules.sales import STAGE_ORDER, Stage, age_band, age_on
from autocrm.rules.text import clean_text
from autocrm.sales.cleaning import (
    Errors,
    add_error,
    amount_field,
    an_id,
    choice_field,
    clean_plan,
    date_field,
    entry_field,
    integer_field,
    series_field,
)
from autocrm.sales.events import vehicle_delivered
from autocrm.sales.models import (
    AGE_BAND_CHOICES,
    ActivityOutcome,
    Drive,
    FollowUpPlan,
    Lead,
    LeadStatus,
    Opportunity,
    OpportunityStatus,
    PurchaseTime,
    PurchaseWay,
    StageChange,
    Temperature,
)
from autocrm.sales.policies import can_receive_leads, can_work_opportunity, sees_whole_team
from autocrm.tenancy.models import Staff
from autocrm.tenancy.roles import Role

#: Timeline kinds of this module (registered in sales.registry).
OPPORTUNITY_OPENED = "opportunity_opened"
OPPORTUNITY_STAGE = "opportunity_stage"
PLAN_DONE = "follow_up_done"
OPPORTUNITY_WON = "opportunity_won"

MAX_HOBBIES = 3  # seed 002: "每个潜在客户可以选择三个爱好"


#: The fields an opportunity's form and API may set, beyond its stage and outcome.
EDITABLE = (
    "series",
    "trim",
    "quantity",
    "temperature",
    "drive",
    "expected_amount",
    "expected_close_on",
    "info_source",
    "industry",
    "position",
    "age_band",
    "hobbies",
    "purchase_time",
    "purchase_way",
    "current_series",
    "walk_in",
)


def clean_opportunity(
    data: Mapping[str, Any], *, dealer_id: int, partial: bool = False
) -> dict[str, Any]:
    """The opportunity's values by the entry rules; a ValidationError names every bad field.
    `partial` cleans only the fields present (an update)."""
    errors: Errors = {}
    out: dict[str, Any] = {}
    present = set(data) if partial else set(EDITABLE)
    if "series" in present:
        out["series"] = series_field(data, "series", errors)
        if out["series"] is None and "series" not in errors:
            add_error(errors, "series", _("Choose the model the customer wants."))
    if "trim" in present:
        trim_id = data.get("trim")
        trim = None
        if trim_id not in (None, ""):
            trim = (
                trim_id
                if isinstance(trim_id, Trim)
                else (Trim.objects.filter(pk=trim_id).first() if an_id(trim_id) else None)
            )
            series = out.get("series")
            if trim is None or (series is not None and trim.series_id != series.pk):
                add_error(errors, "trim", _("Choose a trim of the chosen model."))
                trim = None
        out["trim"] = trim
    if "quantity" in present:
        out["quantity"] = integer_field(data, "quantity", 1, 999, errors) or 1
    for field, choices in (
        ("temperature", Temperature.values),
        ("drive", Drive.values),
        ("age_band", [c for c, _label in AGE_BAND_CHOICES]),
        ("purchase_time", PurchaseTime.values),
        ("purchase_way", PurchaseWay.values),
    ):
        if field in present:
            value = choice_field(data, field, choices, errors)
            if value is not None:
                out[field] = value
    if not partial:
        out["temperature"] = out.get("temperature") or Temperature.B
        out["drive"] = out.get("drive") or Drive.PULL
    if "expected_amount" in present:
        amount = amount_field(data, "expected_amount", errors)
        if amount is None and "expected_amount" not in errors:
            add_error(errors, "expected_amount", _("Enter the expected amount in CNY."))
        out["expected_amount"] = amount
    if "expected_close_on" in present:
        close = date_field(data, "expected_close_on", errors)
        if close is None and "expected_close_on" not in errors:
            add_error(errors, "expected_close_on", _("Enter the expected close date."))
        out["expected_close_on"] = close
    for field in ("info_source", "industry", "position"):
        if field in present:
            out[field] = entry_field(data, field, field, dealer_id, errors)
    if "current_series" in present:
        out["current_series"] = series_field(data, "current_series", errors)
    if "hobbies" in present:
        raw = data.get("hobbies") or []
        if isinstance(raw, (str, int)):
            raw = [raw]
        hobbies = [entry_field({"h": h}, "h", "hobby", dealer_id, errors) for h in raw]
        errors.update({"hobbies": errors.pop("h")} if "h" in errors else {})
        if len(hobbies) > MAX_HOBBIES:
            add_error(errors, "hobbies", _("Choose at most three hobbies."))
        out["hobbies"] = [h for h in hobbies if h is not None]
    if "walk_in" in data:
        out["walk_in"] = data["walk_in"] not in (False, "false", "0", "", None)
    if errors:
        raise ValidationError(errors)
    return out


# --- opening, planning, moving ----------------------------------------------------------------


def ensure_can_work(actor: Staff, opportunity: Opportunity) -> None:
    if opportunity.dealer_id != getattr(actor, "dealer_id", None) or not can_work_opportunity(
        actor, consultant_id=opportunity.consultant_id
    ):
        raise PermissionDenied(_("This opportunity is not yours to work."))


def _ensure_open(opportunity: Opportunity) -> None:
    if opportunity.status != OpportunityStatus.OPEN:
        raise ValidationError(
            {
                "status": [
                    _("The opportunity is %(status)s.")
                    % {"status": opportunity.get_status_display()}
                ]
            }
        )


def plan_create(
    opportunity: Opportunity, values: Mapping[str, Any], *, now: datetime | None = None
) -> FollowUpPlan:
    """A planned activity of the opportunity, owned by its consultant (`values` as cleaned by
    `clean_plan`); the caller refreshes `next_due_at`."""
    return FollowUpPlan.objects.create(
        dealer_id=opportunity.dealer_id,
        opportunity=opportunity,
        owner=opportunity.consultant,
        created_at=now or timezone.now(),
        **values,
    )


def refresh_next_due(opportunity: Opportunity) -> None:
    opportunity.next_due_at = FollowUpPlan.objects.filter(
        dealer_id=opportunity.dealer_id, opportunity=opportunity, done_at__isnull=True
    ).aggregate(due=Min("due_at"))["due"]


def _owner(actor: Staff, data: Mapping[str, Any], dealer_id: int) -> Staff:
    """The opportunity's consultant: the acting consultant, or the one the director names."""
    chosen = data.get("consultant")
    if chosen in (None, ""):
        if actor.role == Role.SALES_CONSULTANT:
            return actor
        raise ValidationError({"consultant": [_("Choose the consultant who works it.")]})
    staff = (
        chosen
        if isinstance(chosen, Staff)
        else (Staff.objects.filter(pk=chosen).first() if an_id(chosen) else None)
    )
    if (
        staff is None
        or staff.dealer_id != dealer_id
        or not staff.is_active
        or staff.role != Role.SALES_CONSULTANT
    ):
        raise ValidationError({"consultant": [_("Choose an active sales consultant.")]})
    if staff.pk != actor.pk and not sees_whole_team(actor):
        raise PermissionDenied(_("Only the sales director gives an opportunity to another."))
    return staff


@transaction.atomic
def opportunity_open(
    *,
    actor: Staff,
    customer: Customer,
    data: Mapping[str, Any],
    lead: Lead | None = None,
    now: datetime | None = None,
) -> Opportunity:
    """Open (register) a prospect's opportunity with its first planned activity (`plan_kind`,
    `plan_due_at`, `plan_note` in `data`): an opportunity is never without a next step."""
    if not can_receive_leads(actor):
        raise PermissionDenied(_("Your role may not open opportunities."))
    dealer_id = actor.own_dealer_id
    if customer.dealer_id != dealer_id or customer.merged_into_id is not None:
        raise ValidationError({"customer": [_("Choose a customer of this dealer.")]})
    if lead is not None and (lead.dealer_id != dealer_id or lead.customer_id != customer.pk):
        raise ValidationError({"lead": [_("The lead is another customer's.")]})
    errors: Errors = {}
    values: dict[str, Any] = {}
    plan: dict[str, Any] = {}
    for step in (
        lambda: values.update(clean_opportunity(data, dealer_id=dealer_id)),
        lambda: plan.update(clean_plan(data)),
    ):
        try:
            step()
        except ValidationError as exc:
            errors.update(exc.error_dict)
    consultant: Staff | None = None
    try:
        consultant = _owner(actor, data, dealer_id)
    except ValidationError as exc:
        errors.update(exc.error_dict)
    stage = str(data.get("stage") or Stage.INFORMATION_OBTAINED)
    if stage not in {s.value for s in Stage} or stage == Stage.VEHICLE_DELIVERED:
        add_error(errors, "stage", _("Choose a stage before the delivery."))
    values["stage"] = stage
    registered = date_field(data, "registered_on", errors) or timezone.localdate(now)
    if registered > timezone.localdate():
        add_error(errors, "registered_on", _("The registration date cannot be in the future."))
    if errors:
        raise ValidationError(errors)
    assert consultant is not None
    hobbies = values.pop("hobbies", [])
    if not values.get("age_band") and customer.birth_date:
        values["age_band"] = age_band(age_on(customer.birth_date, registered))
    now = now or timezone.now()
    opportunity = Opportunity(
        dealer_id=dealer_id,
        furthest_rank=stage_index(stage),
        customer=customer,
        consultant=consultant,
        lead=lead,
        registered_on=registered,
        stage_since=now,
        created_at=now,
        created_by=actor,
        **values,
    )
    opportunity.save()
    if hobbies:
        opportunity.hobbies.set(hobbies)
    StageChange.objects.create(
        dealer_id=dealer_id,
        opportunity=opportunity,
        from_stage="",
        to_stage=opportunity.stage,
        at=now,
        actor=actor,
    )
    plan_create(opportunity, plan, now=now)
    refresh_next_due(opportunity)
    opportunity.save(update_fields=["next_due_at"])
    if lead is not None:
        from autocrm.sales.leads import lead_first_response

        if lead.responded_at is None:
            lead_first_response(lead=lead, at=now)
        lead.status = LeadStatus.CONVERTED
        lead.save()
    activity_record(
        dealer_id=dealer_id,
        customer_id=customer.pk,
        kind=OPPORTUNITY_OPENED,
        actor=actor,
        target=opportunity,
        at=now,
        data={
            "series": opportunity.series.name,
            "stage": opportunity.stage,
            "consultant": str(consultant),
        },
    )
    return opportunity


@transaction.atomic
def opportunity_update(*, actor: Staff, opportunity: Opportunity, data: Mapping[str, Any]) -> (
    Opportunity
):  # fmt: skip
    """Change an open opportunity's model, quantity, temperature, state, amount, close date
    or background (its stage moves through `opportunity_move`)."""
    ensure_can_work(actor, opportunity)
    _ensure_open(opportunity)
    fields = {k: v for k, v in data.items() if k in EDITABLE}
    if "trim" in fields and "series" not in fields:
        fields["series"] = opportunity.series
    values = clean_opportunity(fields, dealer_id=opportunity.dealer_id, partial=True)
    hobbies = values.pop("hobbies", None)
    for field, value in values.items():
        setattr(opportunity, field, value)
    trim = opportunity.trim
    if (
        "series" in values
        and "trim" not in values
        and trim
        and trim.series_id != opportunity.series_id
    ):
        opportunity.trim = None
    opportunity.save()
    if hobbies is not None:
        opportunity.hobbies.set(hobbies)
    return opportunity


@transaction.atomic
def opportunity_move(
    *, actor: Staff, opportunity: Opportunity, stage: str, now: datetime | None = None
) -> Opportunity:
    """Move an open opportunity to another funnel stage (forward or back); "vehicle
    delivered" is reached only by recording the sale (`opportunity_win`)."""
    ensure_can_work(actor, opportunity)
    _ensure_open(opportunity)
    if stage not in {s.value for s in Stage} or stage == Stage.VEHICLE_DELIVERED:
        raise ValidationError({"stage": [_("Choose a stage before the delivery.")]})
    if stage == opportunity.stage:
        return opportunity
    _stage_set(actor, opportunity, stage, now or timezone.now())
    opportunity.save()
    return opportunity


def _stage_set(actor: Staff, opportunity: Opportunity, stage: str, now: datetime) -> None:
    StageChange.objects.create(
        dealer_id=opportunity.dealer_id,
        opportunity=opportunity,
        from_stage=opportunity.stage,
        to_stage=stage,
        at=now,
        actor=actor,
    )
    activity_record(
        dealer_id=opportunity.dealer_id,
        customer_id=opportunity.customer_id,
        kind=OPPORTUNITY_STAGE,
        actor=actor,
        target=opportunity,
        at=now,
        data={"from": opportunity.stage, "to": stage, "series": opportunity.series.name},
    )
    opportunity.stage = stage
    opportunity.stage_since = now
    opportunity.furthest_rank = max(opportunity.furthest_rank, stage_index(stage))


def stage_index(stage: str) -> int:
    return STAGE_ORDER.index(Stage(stage))


@transaction.atomic
def plan_add(*, actor: Staff, opportunity: Opportunity, data: Mapping[str, Any]) -> FollowUpPlan:
    """Plan another activity of an open opportunity."""
    ensure_can_work(actor, opportunity)
    _ensure_open(opportunity)
    values = clean_plan(data)
    plan = plan_create(opportunity, values)
    refresh_next_due(opportunity)
    opportunity.save(update_fields=["next_due_at"])
    return plan


@transaction.atomic
def plan_record(
    *,
    actor: Staff,
    plan: FollowUpPlan,
    data: Mapping[str, Any],
    now: datetime | None = None,
) -> FollowUpPlan:
    """Record what a planned activity came to (`outcome`, `outcome_note`). The opportunity
    keeps a next step: when this was its last open plan, `data` must plan the next one
    (`plan_kind`, `plan_due_at`, `plan_note`), unless the opportunity is no longer open."""
    opportunity = plan.opportunity
    ensure_can_work(actor, opportunity)
    if plan.done_at is not None:
        raise ValidationError({"plan": [_("This activity is already recorded.")]})
    errors: Errors = {}
    outcome = data.get("outcome")
    if outcome not in ActivityOutcome.values:
        add_error(errors, "outcome", _("Choose what came of it."))
    note = clean_text(str(data.get("outcome_note") or ""))[:500]
    others_open = (
        FollowUpPlan.objects.filter(
            dealer_id=plan.dealer_id, opportunity=opportunity, done_at__isnull=True
        )
        .exclude(pk=plan.pk)
        .exists()
    )
    next_plan: dict[str, Any] | None = None
    wants_next = any(data.get(k) for k in ("plan_kind", "plan_due_at"))
    if opportunity.status == OpportunityStatus.OPEN and (not others_open or wants_next):
        try:
            next_plan = clean_plan(data)
        except ValidationError as exc:
            errors.update(exc.error_dict)
    if errors:
        raise ValidationError(errors)
    now = now or timezone.now()
    plan.done_at = now
    plan.outcome = str(outcome)
    plan.outcome_note = note
    plan.save(update_fields=["done_at", "outcome", "outcome_note"])
    if next_plan is not None:
        plan_create(opportunity, next_plan, now=now)
    refresh_next_due(opportunity)
    opportunity.save(update_fields=["next_due_at"])
    activity_record(
        dealer_id=plan.dealer_id,
        customer_id=opportunity.customer_id,
        kind=PLAN_DONE,
        actor=actor,
        target=plan,
        at=now,
        data={
            "kind": plan.kind,
            "outcome": plan.outcome,
            "note": note,
            "series": opportunity.series.name,
        },
    )
    return plan


# --- the sale ---------------------------------------------------------------------------------


@transaction.atomic
def opportunity_win(
    *,
    actor: Staff,
    opportunity: Opportunity,
    data: Mapping[str, Any],
    now: datetime | None = None,
) -> Opportunity:
    """The car is delivered: the opportunity is won (stage "vehicle delivered", 100 %), the
    vehicle bought here with its date and price is on the profile (customers.vehicle_add),
    the customer is a current customer, and the delivery is published for the sales
    follow-up call (`vehicle_delivered`)."""
    ensure_can_work(actor, opportunity)
    _ensure_open(opportunity)
    errors: Errors = {}
    price = amount_field(data, "sale_price", errors)
    if price is None and "sale_price" not in errors:
        add_error(errors, "sale_price", _("Enter the sale price in CNY."))
    delivered_on = date_field(data, "delivered_on", errors) or timezone.localdate(now)
    if delivered_on > timezone.localdate() or delivered_on < opportunity.registered_on:
        add_error(
            errors,
            "delivered_on",
            _("The delivery date must be between the registration and today."),
        )
    payment = entry_field(data, "payment_method", "payment_method", opportunity.dealer_id, errors)
    if errors or price is None:
        raise ValidationError(errors)
    series = opportunity.series
    vehicle_data: dict[str, Any] = {
        "vin": data.get("vin", ""),
        "plate_number": data.get("plate_number", ""),
        "color": data.get("color", ""),
        "brand": series.brand.name,
        "model_name": series.name,
        "series": series,
        "trim": opportunity.trim,
        "purchase_date": delivered_on,
        "bought_here": True,
        "purchase_price": price,
    }
    customer = opportunity.customer
    vehicle = vehicle_add(actor=actor, customer=customer, data=vehicle_data)
    now = now or timezone.now()
    _stage_set(actor, opportunity, Stage.VEHICLE_DELIVERED, now)
    opportunity.status = OpportunityStatus.WON
    opportunity.closed_on = delivered_on
    opportunity.vehicle = vehicle
    opportunity.sale_price = price
    opportunity.payment_method = payment
    opportunity.delivered_at = now
    opportunity.lost_reason = None
    FollowUpPlan.objects.filter(
        dealer_id=opportunity.dealer_id, opportunity=opportunity, done_at__isnull=True
    ).update(done_at=now, outcome=ActivityOutcome.DONE, outcome_note=str(_("Car delivered")))
    opportunity.next_due_at = None
    opportunity.save()
    _make_current_customer(actor, customer)
    activity_record(
        dealer_id=opportunity.dealer_id,
        customer_id=customer.pk,
        kind=OPPORTUNITY_WON,
        actor=actor,
        target=opportunity,
        at=now,
        data={
            "series": series.name,
            "price": str(price),
            "delivered_on": delivered_on.isoformat(),
            "vehicle_id": vehicle.pk,
        },
    )
    vehicle_delivered.publish(opportunity=opportunity, vehicle=vehicle, delivered_on=delivered_on)
    return opportunity


def _make_current_customer(actor: Staff, customer: Customer) -> None:
    """A buyer is a current customer (seed 003's current-customer card): classified "new
    customer" by trade relationship, or "long-term" when they bought here before."""
    bought_before = customer.vehicles.filter(bought_here=True).count() > 1
    code = "long_term" if bought_before else "new"
    entry = (
        DictionaryEntry.objects.filter(
            dealer_id=customer.dealer_id,
            kind="trade_relationship",
            standard_code=code,
            is_active=True,
        )
        .order_by("sort_order", "id")
        .first()
    )
    if entry is None or customer.trade_relationship_id == entry.pk:
        return
    customer_update(actor=actor, customer=customer, data={"trade_relationship": entry})
