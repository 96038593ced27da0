"""Verification calls on the customer's timeline: the activity a call records and how it reads.

One activity per call attempt, recorded by services.verification_call_record in its transaction.
Its data holds the number that was dialled (personal: masked per viewer when shown), the outcome
and which values the customer confirmed or corrected (their old and new values are in the
customer's history, as a "Profile changed" entry).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from autocrm.core.activity import activity_record
from autocrm.core.models import Activity
from autocrm.core.registry import TimelineEntry
from autocrm.customers.models import Customer
from autocrm.customers.presenters import contact_mobile
from autocrm.quality.models import VerificationCall
from autocrm.quality.verification import CallOutcome
from autocrm.tenancy.models import Staff

VERIFICATION_CALL = "verification_call"
#: What a call may confirm, in the order the detail lists it.
CONFIRMABLE = {
    "name": gettext_lazy("name"),
    "mobile": gettext_lazy("mobile"),
    "address": gettext_lazy("address"),
    "direct_mail": gettext_lazy("valid for direct mail"),
}


def verification_activity_record(
    *,
    actor: Staff,
    call: VerificationCall,
    customer: Customer,
    dialled: str,
    corrected: list[str],
) -> Activity:
    """The call just saved, on the customer's timeline: `dialled` is the number phoned (before
    any correction), `corrected` the fields this call corrected."""
    confirmed = {
        "name": call.name_ok,
        "mobile": call.mobile_ok,
        "address": call.address_ok,
        "direct_mail": call.direct_mail_ok,
    }
    return activity_record(
        dealer_id=call.dealer_id,
        customer_id=customer.pk,
        kind=VERIFICATION_CALL,
        actor=actor,
        target=call,
        at=call.called_at,
        data={
            "sample_id": call.sample_id,
            "outcome": call.outcome,
            "attempt": call.attempts,
            "mobile": dialled,
            "confirmed": [key for key, ok in confirmed.items() if ok],
            "corrected": sorted(corrected),
        },
    )


def outcome_subject(entry: TimelineEntry) -> str:
    outcome = entry.data.get("outcome", "")
    return str(dict(CallOutcome.choices).get(outcome, outcome))


def _labels(keys: list[str]) -> str:
    return "、".join(str(CONFIRMABLE.get(key, key)) for key in keys)


def call_detail(entry: TimelineEntry, viewer: Any) -> str:
    """138****5678 · Confirmed: name、mobile · Corrected: address (the number per viewer)."""
    data = entry.data
    parts = []
    if data.get("mobile"):
        parts.append(contact_mobile(viewer, entry.customer, data["mobile"]))
    if data.get("confirmed"):
        parts.append(_("Confirmed: %(fields)s") % {"fields": _labels(data["confirmed"])})
    if data.get("corrected"):
        parts.append(_("Corrected: %(fields)s") % {"fields": _labels(data["corrected"])})
    return " · ".join(parts)
