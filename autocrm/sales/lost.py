"""The lost-sale audit (战败审核): a consultant cannot close an opportunity as lost alone.

The consultant files a lost request (战败申请) with a reason from the dictionary and a note;
the sales director approves it (the opportunity is lost and keeps its reason) or rejects it
(it goes back to the consultant with the director's note and a new plan due). A configurable
sample of the approved ones goes to customer relations as verification calls, because trade
reports put "subjective defeat" (主观战败) at 40-50 % of followed leads (domain.md §3).
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from autocrm.core.activity import activity_record
from autocrm.rules.text import clean_text
from autocrm.sales.cleaning import clean_plan, entry_field, series_field
from autocrm.sales.config import sales_settings_for
from autocrm.sales.models import (
    ActivityKind,
    ActivityOutcome,
    CallResult,
    FollowUpPlan,
    LostDecision,
    LostRequest,
    Opportunity,
    OpportunityStatus,
)
from autocrm.sales.opportunities import ensure_can_work, plan_create, refresh_next_due
from autocrm.sales.policies import can_decide_lost, can_make_lost_calls, sees_whole_team
from autocrm.tenancy.models import Staff

LOST_REQUESTED = "lost_requested"
LOST_DECIDED = "lost_decided"
LOST_CALL = "lost_call"
OPPORTUNITY_REOPENED = "opportunity_reopened"

#: The reason whose request must name the car bought instead.
COMPETITOR = "competitor"

_sampler = random.SystemRandom()

Errors = dict[str, list[ValidationError]]


@transaction.atomic
def lost_request_file(
    *, actor: Staff, opportunity: Opportunity, data: Mapping[str, Any]
) -> LostRequest:
    """The consultant asks to close the opportunity as lost (`reason`, `competitor_series`
    when the customer bought a competitor's car, `note`)."""
    ensure_can_work(actor, opportunity)
    if opportunity.status != OpportunityStatus.OPEN:
        raise ValidationError({"status": [_("Only an open opportunity can be given up.")]})
    errors: Errors = {}
    reason = entry_field(data, "reason", "lost_reason", opportunity.dealer_id, errors)
    if reason is None and "reason" not in errors:
        errors["reason"] = [ValidationError(_("Choose why the sale is lost."))]
    competitor = series_field(data, "competitor_series", errors)
    if reason is not None and reason.standard_code == COMPETITOR and competitor is None:
        errors.setdefault("competitor_series", []).append(
            ValidationError(_("Say which car the customer bought instead."))
        )
    note = clean_text(str(data.get("note") or ""))[:300]
    if not note:
        errors["note"] = [ValidationError(_("Say what happened, for the sales director."))]
    if errors:
        raise ValidationError(errors)
    request = LostRequest.objects.create(
        dealer_id=opportunity.dealer_id,
        opportunity=opportunity,
        requested_by=actor,
        reason=reason,
        competitor_series=competitor,
        note=note,
    )
    opportunity.status = OpportunityStatus.LOST_REQUESTED
    opportunity.save(update_fields=["status"])
    activity_record(
        dealer_id=opportunity.dealer_id,
        customer_id=opportunity.customer_id,
        kind=LOST_REQUESTED,
        actor=actor,
        target=request,
        data={"reason": reason.label if reason else "", "note": note},
    )
    return request


def _ensure_can_decide(actor: Staff, request: LostRequest) -> None:
    if request.dealer_id != getattr(actor, "dealer_id", None) or not can_decide_lost(actor):
        raise PermissionDenied(_("Only the sales director decides lost requests."))
    if request.decision != LostDecision.PENDING:
        raise ValidationError({"decision": [_("This request was already decided.")]})


@transaction.atomic
def lost_request_approve(
    *, actor: Staff, request: LostRequest, note: str = "", now: datetime | None = None
) -> LostRequest:
    """The director approves: the opportunity is lost, with the request's reason. A sample
    (the dealer's `lost_call_sample_percent`) goes to customer relations' call list."""
    _ensure_can_decide(actor, request)
    now = now or timezone.now()
    opportunity = request.opportunity
    request.decision = LostDecision.APPROVED
    request.decided_by = actor
    request.decided_at = now
    request.decision_note = clean_text(note)[:300]
    percent = sales_settings_for(request.dealer_id).lost_call_sample_percent
    request.call_sampled = _sampler.random() * 100 < percent
    request.save()
    opportunity.status = OpportunityStatus.LOST
    opportunity.lost_reason = request.reason
    opportunity.lost_to_series = request.competitor_series
    opportunity.lost_note = request.note
    opportunity.closed_on = timezone.localdate(now)
    FollowUpPlan.objects.filter(
        dealer_id=opportunity.dealer_id, opportunity=opportunity, done_at__isnull=True
    ).update(done_at=now, outcome=ActivityOutcome.CANCELLED)
    opportunity.next_due_at = None
    opportunity.save()
    _record_decision(actor, request, now)
    return request


@transaction.atomic
def lost_request_reject(
    *,
    actor: Staff,
    request: LostRequest,
    note: str,
    data: Mapping[str, Any] | None = None,
    now: datetime | None = None,
) -> LostRequest:
    """The director rejects: the opportunity returns to its consultant with the director's
    note and a new plan (`plan_kind`, `plan_due_at` in `data`; by default a call due within
    the dealer's `plan_due_days`)."""
    _ensure_can_decide(actor, request)
    note = clean_text(note)[:300]
    if not note:
        raise ValidationError({"note": [_("Tell the consultant why the sale is not lost.")]})
    now = now or timezone.now()
    data = dict(data or {})
    if not data.get("plan_kind") and not data.get("plan_due_at"):
        days = sales_settings_for(request.dealer_id).plan_due_days
        data |= {"plan_kind": ActivityKind.CALL, "plan_due_at": now + timedelta(days=days)}
    plan = clean_plan(data)
    plan["note"] = plan["note"] or note
    request.decision = LostDecision.REJECTED
    request.decided_by = actor
    request.decided_at = now
    request.decision_note = note
    request.save()
    opportunity = request.opportunity
    opportunity.status = OpportunityStatus.OPEN
    plan_create(opportunity, plan, now=now)
    refresh_next_due(opportunity)
    opportunity.save(update_fields=["status", "next_due_at"])
    _record_decision(actor, request, now)
    return request


def _record_decision(actor: Staff, request: LostRequest, now: datetime) -> None:
    activity_record(
        dealer_id=request.dealer_id,
        customer_id=request.opportunity.customer_id,
        kind=LOST_DECIDED,
        actor=actor,
        target=request,
        at=now,
        data={"decision": request.decision, "note": request.decision_note},
    )


@transaction.atomic
def lost_call_record(
    *, actor: Staff, request: LostRequest, result: str, note: str = "", now: datetime | None = None
) -> LostRequest:
    """Customer relations record the verification call on an approved lost sale ("did you
    buy? what made you decide?")."""
    if request.dealer_id != getattr(actor, "dealer_id", None) or not can_make_lost_calls(actor):
        raise PermissionDenied(_("Your role may not make lost-sale calls."))
    if not request.call_sampled or request.decision != LostDecision.APPROVED:
        raise ValidationError({"request": [_("This lost sale is not on the call list.")]})
    if result not in CallResult.values:
        raise ValidationError({"result": [_("Choose what the call found.")]})
    now = now or timezone.now()
    request.call_result = result
    request.call_note = clean_text(note)[:500]
    request.called_by = actor
    request.called_at = now
    request.save()
    activity_record(
        dealer_id=request.dealer_id,
        customer_id=request.opportunity.customer_id,
        kind=LOST_CALL,
        actor=actor,
        target=request,
        at=now,
        data={"result": result, "note": request.call_note},
    )
    return request


@transaction.atomic
def opportunity_reopen(
    *, actor: Staff, opportunity: Opportunity, data: Mapping[str, Any], now: datetime | None = None
) -> Opportunity:
    """A lost opportunity is worked again (a call found it still winnable): it is open, its
    lost reason cleared, with a new plan (`plan_kind`, `plan_due_at`)."""
    if opportunity.dealer_id != getattr(actor, "dealer_id", None) or not (
        sees_whole_team(actor) or opportunity.consultant_id == actor.pk
    ):
        raise PermissionDenied(_("This opportunity is not yours to work."))
    if opportunity.status != OpportunityStatus.LOST:
        raise ValidationError({"status": [_("Only a lost opportunity can be reopened.")]})
    plan = clean_plan(data)
    now = now or timezone.now()
    opportunity.status = OpportunityStatus.OPEN
    opportunity.lost_reason = None
    opportunity.lost_to_series = None
    opportunity.lost_note = ""
    opportunity.closed_on = None
    plan_create(opportunity, plan, now=now)
    refresh_next_due(opportunity)
    opportunity.save()
    activity_record(
        dealer_id=opportunity.dealer_id,
        customer_id=opportunity.customer_id,
        kind=OPPORTUNITY_REOPENED,
        actor=actor,
        target=opportunity,
        at=now,
        data={"series": opportunity.series.name},
    )
    return opportunity
