"""Leads (线索): received from every channel, matched to people by the identity rules, counted
once when repeated, assigned, and answered against the first-response clock.

One function per business action, keyword-only, atomic, each recording its timeline entry.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from autocrm.core.activity import activity_record
from autocrm.customers.intake import person_for_contact, person_lookup
from autocrm.customers.models import Customer
from autocrm.rules.dates import is_plausible_event_year
from autocrm.rules.identity import compare_names
from autocrm.rules.phones import normalize_mobile
from autocrm.rules.text import clean_name, clean_text
from autocrm.sales.assignment import consultant_for
from autocrm.sales.catalogue_text import series_for_text
from autocrm.sales.cleaning import Errors, add_error, an_id, entry_field, series_field
from autocrm.sales.clock import response_deadlines, response_measure
from autocrm.sales.config import sales_settings_for
from autocrm.sales.models import Lead, LeadMatch, LeadSource, LeadStatus
from autocrm.sales.policies import can_assign, can_receive_leads, can_work_lead
from autocrm.tenancy.models import Staff
from autocrm.tenancy.roles import Role

#: Timeline kinds of this module (registered in sales.registry).
LEAD_RECEIVED = "lead_received"
LEAD_ANSWERED = "lead_answered"
LEAD_CLOSED = "lead_closed"


#: A lead received longer ago than this when it reaches the system (a month-old platform
#: export) starts no first-response clock: it was answered, or not, outside the system, and
#: counting it as missed would only blur the consultants' response figures.
CLOCK_HORIZON = timedelta(hours=24)


@dataclass(frozen=True)
class LeadReceipt:
    lead: Lead
    created: bool  # False: the same (source, external id) was received before


def clean_lead(data: Mapping[str, Any], *, dealer_id: int) -> dict[str, Any]:
    """The lead's values cleaned by the entry rules; a ValidationError names every bad field."""
    errors: Errors = {}
    out: dict[str, Any] = {}
    source = str(data.get("source") or "")
    if source not in LeadSource.values:
        add_error(errors, "source", _("Choose where the lead came from."))
    out["source"] = source
    out["external_id"] = clean_text(str(data.get("external_id") or ""))[:64]
    name = clean_name(str(data.get("name") or ""))
    if not name:
        add_error(errors, "name", _("Enter the customer's name (a title such as 王先生 will do)."))
    elif len(name) > 100:
        add_error(errors, "name", _("Enter at most 100 characters."))
    out["name"] = name
    raw_mobile = clean_text(str(data.get("mobile") or ""))
    out["mobile_raw"] = raw_mobile[:40]
    try:
        out["mobile"] = normalize_mobile(raw_mobile) if raw_mobile else ""
    except ValidationError as exc:
        errors.setdefault("mobile", []).extend(exc.error_list)
    if not raw_mobile:
        add_error(errors, "mobile", _("Enter the customer's mobile number."))
    received = data.get("received_at")
    if isinstance(received, str) and received:
        received = _parse_time(received, errors)
    if received and (
        not is_plausible_event_year(received.year)
        or received > timezone.now() + timedelta(minutes=5)
    ):
        add_error(errors, "received_at", _("Enter a time that is not in the future."))
        received = None
    out["received_at"] = received or None
    out["series"] = series_field(data, "series", errors)
    out["model_text"] = clean_text(str(data.get("model_text") or ""))[:80]
    if out["series"] is None and out["model_text"]:
        out["series"] = series_for_text(out["model_text"])
    out["city"] = clean_text(str(data.get("city") or ""))[:30]
    out["note"] = clean_text(str(data.get("note") or ""))[:2000]
    out["info_source"] = entry_field(data, "info_source", "info_source", dealer_id, errors)
    referrer = data.get("referrer")
    if referrer not in (None, ""):
        found = referrer if isinstance(referrer, Customer) else None
        if found is None and an_id(referrer):
            found = Customer.objects.filter(
                pk=referrer, dealer_id=dealer_id, merged_into__isnull=True
            ).first()
        if found is None or found.dealer_id != dealer_id:
            add_error(errors, "referrer", _("Choose a customer of this dealer."))
        out["referrer"] = found
    raw = data.get("raw")
    out["raw"] = dict(raw) if isinstance(raw, Mapping) else {}
    if errors:
        raise ValidationError(errors)
    return out


def _parse_time(text: str, errors: Errors) -> datetime | None:
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        add_error(errors, "received_at", _("Enter a date and time such as 2026-05-01 10:30."))
        return None
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value


def _repeat_of(dealer_id: int, values: Mapping[str, Any], at: datetime) -> Lead | None:
    """The first lead of the same person within the dealer's repeat window, if any: the same
    mobile and a compatible name (a family member's lead on a shared number is not a repeat)."""
    window = sales_settings_for(dealer_id).repeat_window_days
    if not window:
        return None
    earlier = (
        Lead.objects.filter(
            dealer_id=dealer_id,
            mobile=values["mobile"],
            received_at__gte=at - timedelta(days=window),
            received_at__lte=at,
            repeat_of__isnull=True,
        )
        .order_by("received_at", "id")
        .select_related("customer")
    )
    for lead in earlier:
        if compare_names(lead.name, values["name"]).compatible:
            return lead
    return None


@transaction.atomic
def lead_receive(
    *, actor: Staff, data: Mapping[str, Any], consultant: Staff | None = None
) -> LeadReceipt:
    """Receive a lead typed in, pushed by an integration or read from a platform export.

    Idempotent on (source, external id): the same lead received again returns the first one
    unchanged. The person is matched by the identity rules (customers.intake); a repeat of the
    same person's lead within the window is kept, linked to the first and counted once (it
    starts no clock and takes no consultant's capacity). Assignment: `consultant` when given
    (the consultant who received a walk-in), else the consultant who owns the customer, else
    the fair round-robin (sales.assignment)."""
    if not can_receive_leads(actor):
        raise PermissionDenied(_("Your role may not receive leads."))
    dealer_id = actor.own_dealer_id
    values = clean_lead(data, dealer_id=dealer_id)
    if values["external_id"]:
        known = Lead.objects.filter(
            dealer_id=dealer_id, source=values["source"], external_id=values["external_id"]
        ).first()
        if known is not None:
            return LeadReceipt(known, created=False)
    now = timezone.now()
    at = values.pop("received_at") or now
    first = _repeat_of(dealer_id, values, at)
    rules = sales_settings_for(dealer_id)
    lead = Lead(dealer_id=dealer_id, received_at=at, created_by=actor, **values)
    if first is not None:
        lead.customer = first.customer
        lead.match = LeadMatch.KNOWN
        lead.consultant = first.consultant
        lead.status = LeadStatus.REPEAT
        lead.repeat_of = first
        first.repeat_count += 1
        first.save(update_fields=["repeat_count"])
    else:
        found = person_lookup(dealer_id=dealer_id, name=values["name"], mobile=values["mobile"])
        if consultant is not None:
            _check_consultant(consultant, dealer_id)
        else:
            consultant = consultant_for(found.customer, dealer_id, at)
        profile: dict[str, Any] = {}
        if values["city"]:
            profile["city"] = values["city"]
        if values["info_source"] is not None:
            profile["info_source"] = values["info_source"]
        if values.get("referrer") is not None:
            profile["referred_by"] = values["referrer"]
        customer, match = person_for_contact(
            actor=actor,
            name=values["name"],
            mobile=values["mobile"],
            responsible=consultant,
            data=profile,
            found=found,
        )
        lead.customer = customer
        lead.match = LeadMatch(match.value)
        lead.consultant = consultant
        lead.assigned_at = now if consultant is not None else None
        if lead.clocked and at >= now - CLOCK_HORIZON:
            lead.due_at, lead.missed_at = response_deadlines(dealer_id, at, rules)
    try:
        with transaction.atomic():
            lead.save()
    except IntegrityError:
        # the same (source, external id) pushed twice at once: the other push won
        known = Lead.objects.filter(
            dealer_id=dealer_id, source=values["source"], external_id=values["external_id"]
        ).first()
        if known is None:
            raise
        return LeadReceipt(known, created=False)
    activity_record(
        dealer_id=dealer_id,
        customer_id=lead.customer_id,
        kind=LEAD_RECEIVED,
        actor=actor,
        target=lead,
        at=at,
        data={
            "source": lead.source,
            "series": lead.series.name if lead.series else lead.model_text,
            "match": lead.match,
            "repeat": lead.repeat_of_id is not None,
            "consultant": str(lead.consultant) if lead.consultant else "",
        },
    )
    return LeadReceipt(lead, created=True)


def _ensure_can_work(actor: Staff, lead: Lead) -> None:
    if lead.dealer_id != getattr(actor, "dealer_id", None) or not can_work_lead(
        actor, consultant_id=lead.consultant_id
    ):
        raise PermissionDenied(_("This lead is not yours to work."))


@transaction.atomic
def lead_answer(*, actor: Staff, lead: Lead, note: str = "", at: datetime | None = None) -> Lead:
    """The first response to a lead (a call made, a message answered): stops its clock and
    keeps the business time it took and its band."""
    _ensure_can_work(actor, lead)
    if lead.responded_at is not None:
        raise ValidationError({"lead": [_("This lead was already answered.")]})
    if lead.status == LeadStatus.REPEAT:
        raise ValidationError({"lead": [_("Answer the first lead of this customer instead.")]})
    lead_first_response(lead=lead, at=at or timezone.now())
    lead.status = LeadStatus.CONTACTED if lead.status == LeadStatus.NEW else lead.status
    lead.save(update_fields=["responded_at", "response_seconds", "response_band", "status"])
    activity_record(
        dealer_id=lead.dealer_id,
        customer_id=lead.customer_id,
        kind=LEAD_ANSWERED,
        actor=actor,
        target=lead,
        at=lead.responded_at,
        data={"band": lead.response_band, "seconds": lead.response_seconds, "note": note[:300]},
    )
    return lead


def lead_first_response(*, lead: Lead, at: datetime) -> None:
    """Set the first-response fields (unsaved): the clock stops at `at`."""
    if at < lead.received_at:
        raise ValidationError({"at": [_("The response cannot be before the lead arrived.")]})
    lead.responded_at = at
    if lead.clocked:
        rules = sales_settings_for(lead.dealer_id)
        seconds, band = response_measure(lead.dealer_id, lead.received_at, at, rules)
        lead.response_seconds, lead.response_band = seconds, band.value


@transaction.atomic
def lead_assign(*, actor: Staff, lead: Lead, consultant: Staff) -> Lead:
    """The director hands a lead to a consultant (the clock keeps running)."""
    if not can_assign(actor) or lead.dealer_id != actor.dealer_id:
        raise PermissionDenied(_("Your role may not assign leads."))
    _check_consultant(consultant, lead.dealer_id)
    lead.consultant = consultant
    lead.assigned_at = timezone.now()
    lead.save(update_fields=["consultant", "assigned_at"])
    return lead


def _check_consultant(consultant: Staff, dealer_id: int) -> None:
    if (
        consultant.dealer_id != dealer_id
        or not consultant.is_active
        or consultant.role != Role.SALES_CONSULTANT
    ):
        raise ValidationError({"consultant": [_("Choose an active sales consultant.")]})


@transaction.atomic
def lead_close(*, actor: Staff, lead: Lead, note: str) -> Lead:
    """Close a lead that leads nowhere (a wrong number, a dealer's rival asking prices)."""
    _ensure_can_work(actor, lead)
    note = clean_text(note)
    if not note:
        raise ValidationError({"note": [_("Say why the lead is closed.")]})
    if lead.status in (LeadStatus.CONVERTED, LeadStatus.CLOSED):
        raise ValidationError({"lead": [_("This lead is already closed.")]})
    if lead.responded_at is None:
        lead_first_response(lead=lead, at=timezone.now())
    lead.status = LeadStatus.CLOSED
    lead.save()
    activity_record(
        dealer_id=lead.dealer_id,
        customer_id=lead.customer_id,
        kind=LEAD_CLOSED,
        actor=actor,
        target=lead,
        data={"note": note[:300]},
    )
    return lead
