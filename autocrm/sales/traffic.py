"""Showroom traffic (集客量), seed 002: "销售顾问每天在'未留档客户管理'中录入未留档客户数" — each
day each consultant enters, per model, the walk-ins who left no details; and registers the
prospects who did (a walk-in lead that opens an opportunity at once)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from autocrm.catalogue.models import Series
from autocrm.customers.intake import PersonMatch
from autocrm.sales.cleaning import an_id
from autocrm.sales.leads import lead_receive
from autocrm.sales.models import LeadMatch, LeadSource, LeadStatus, Opportunity, WalkInCount
from autocrm.sales.opportunities import opportunity_open
from autocrm.sales.policies import can_use_sales, sees_whole_team
from autocrm.tenancy.models import Staff
from autocrm.tenancy.roles import Role

#: How far back a consultant may still enter a day's walk-ins (the director corrects older).
EDITABLE_DAYS = 7


def _ensure_can_enter(actor: Staff, consultant: Staff, day: date) -> None:
    if not can_use_sales(actor) or consultant.dealer_id != actor.dealer_id:
        raise PermissionDenied(_("Your role may not enter showroom traffic."))
    if consultant.pk != actor.pk and not sees_whole_team(actor):
        raise PermissionDenied(_("Enter your own walk-ins only."))
    if consultant.role != Role.SALES_CONSULTANT:
        raise ValidationError({"consultant": [_("Choose a sales consultant.")]})
    today = timezone.localdate()
    if day > today:
        raise ValidationError({"day": [_("The day cannot be in the future.")]})
    if day < today - timedelta(days=EDITABLE_DAYS) and not sees_whole_team(actor):
        raise ValidationError(
            {"day": [_("Only the sales director changes days older than a week.")]}
        )


@transaction.atomic
def walk_ins_record(
    *, actor: Staff, day: date, counts: Mapping[Any, Any], consultant: Staff | None = None
) -> int:
    """Set the consultant's unregistered walk-ins of `day`, per model (`counts` maps a series
    id, or "" for "model not known", to a count; 0 clears it). Returns the day's total."""
    consultant = consultant or actor
    _ensure_can_enter(actor, consultant, day)
    errors: dict[str, list[ValidationError]] = {}
    clean: dict[int | None, int] = {}
    known = set(
        Series.objects.filter(pk__in=[k for k in counts if an_id(k)]).values_list("pk", flat=True)
    )
    for key, raw in counts.items():
        series_id = int(key) if an_id(key) else None
        if key not in (None, "") and series_id not in known:
            errors.setdefault("series", []).append(
                ValidationError(_("Choose a model of the catalogue."))
            )
            continue
        try:
            count = int(str(raw or 0))
        except ValueError:
            count = -1
        if not 0 <= count <= 1000:
            errors.setdefault(f"count_{key or 'unknown'}", []).append(
                ValidationError(_("Enter a count from 0 to 1000."))
            )
            continue
        clean[series_id] = count
    if errors:
        raise ValidationError(errors)
    rows = WalkInCount.objects.filter(dealer_id=actor.own_dealer_id, consultant=consultant, day=day)
    for series_id, count in clean.items():
        row = (
            rows.filter(series__isnull=True)
            if series_id is None
            else rows.filter(series_id=series_id)
        )
        if count == 0:
            row.delete()
        elif not row.update(count=count):
            WalkInCount.objects.create(
                dealer_id=actor.own_dealer_id,
                consultant=consultant,
                day=day,
                series_id=series_id,
                count=count,
            )
    return sum(rows.values_list("count", flat=True))


@transaction.atomic
def prospect_register(*, actor: Staff, data: Mapping[str, Any]) -> tuple[Opportunity, LeadMatch]:
    """留档: a walk-in who leaves their details (name, mobile) and their background becomes a
    prospect: a walk-in lead of the consultant who received them, matched to their profile
    by the identity rules, and an opportunity with its first planned activity."""
    receipt = lead_receive(
        actor=actor,
        data={**data, "source": LeadSource.WALK_IN},
        consultant=actor if actor.role == Role.SALES_CONSULTANT else None,
    )
    lead = receipt.lead
    first = lead.repeat_of if lead.repeat_of_id else None
    if first is not None and first.status in (LeadStatus.NEW, LeadStatus.CONTACTED):
        lead = first  # the person phoned or wrote before: their lead becomes the opportunity
    opportunity = opportunity_open(actor=actor, customer=lead.customer, data=data, lead=lead)
    return opportunity, LeadMatch(lead.match or PersonMatch.NEW)
