"""Every write of the quality app: drawing verification samples and recording calls."""

from __future__ import annotations

import random
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from autocrm.customers.models import Customer
from autocrm.customers.services import customer_update, customer_verification_set
from autocrm.quality.models import SampleMethod, VerificationCall, VerificationSample
from autocrm.quality.policies import can_make_verification_calls
from autocrm.quality.timeline import verification_activity_record
from autocrm.quality.verification import (
    RETRY_OUTCOMES,
    CallFindings,
    CallOutcome,
    verification_effect,
)
from autocrm.tenancy.models import Staff

#: Largest sample one draw may ask for (HQ's survey phoned 10,000 records per system).
MAX_SAMPLE_SIZE = 10_000
#: Fields a caller may correct during the call.
CORRECTABLE_FIELDS = ("name", "mobile", "address")


def _ensure_steward(actor: Staff) -> None:
    if not can_make_verification_calls(actor):
        raise PermissionDenied(_("Your role may not make verification calls."))


def _candidates(dealer_id: int) -> QuerySet[Customer]:
    return Customer.objects.filter(
        dealer_id=dealer_id, is_active=True, merged_into__isnull=True
    ).order_by()


@transaction.atomic
def verification_sample_draw(
    *, actor: Staff, name: str, method: str, size: int, seed: int | None = None
) -> VerificationSample:
    """Draw `size` active records of the actor's dealer to phone.

    Random samples are reproducible: the same seed over the same records draws the same
    customers. "Lowest" takes the records with the lowest accuracy, then completeness.
    """
    _ensure_steward(actor)
    errors: dict[str, list[Any]] = {}
    if method not in SampleMethod.values:
        errors["method"] = [_("Choose a valid option.")]
    if not 1 <= size <= MAX_SAMPLE_SIZE:
        errors["size"] = [
            _("The sample size must be between 1 and %(max)s.") % {"max": MAX_SAMPLE_SIZE}
        ]
    if not name.strip():
        errors["name"] = [_("This field is required.")]
    if errors:
        raise ValidationError(errors)
    seed = random.SystemRandom().randrange(1, 2**31) if seed is None else seed
    candidates = _candidates(actor.own_dealer_id)
    if method == SampleMethod.RANDOM:
        ids = list(candidates.values_list("id", flat=True).order_by("id"))
        chosen = random.Random(seed).sample(ids, min(size, len(ids)))
    else:
        chosen = list(
            candidates.order_by("accuracy_score", "completeness_score", "id").values_list(
                "id", flat=True
            )[:size]
        )
    sample = VerificationSample.objects.create(
        dealer_id=actor.own_dealer_id,
        name=name.strip(),
        method=method,
        size=len(chosen),
        seed=seed,
        created_by=actor,
    )
    VerificationCall.objects.bulk_create(
        [
            VerificationCall(dealer_id=actor.own_dealer_id, sample=sample, customer_id=cid)
            for cid in sorted(chosen)
        ],
        batch_size=2000,
    )
    return sample


def _corrections_apply(
    actor: Staff, customer: Customer, corrections: Mapping[str, str] | None
) -> dict[str, dict[str, str]]:
    """The corrections made during the interview, through `customer_update` (validated like
    manual entry, in the customer's history); returns old → new of what changed."""
    changes = {k: v for k, v in (corrections or {}).items() if k in CORRECTABLE_FIELDS}
    if not changes:
        return {}
    before = {f: getattr(customer, f) for f in changes}
    customer_update(actor=actor, customer=customer, data=changes)
    customer.refresh_from_db()
    return {
        f: {"old": str(before[f] or ""), "new": str(getattr(customer, f) or "")}
        for f in changes
        if before[f] != getattr(customer, f)
    }


@transaction.atomic
def verification_call_record(
    *,
    actor: Staff,
    call: VerificationCall,
    outcome: str,
    name_ok: bool = False,
    mobile_ok: bool = False,
    address_ok: bool = False,
    direct_mail_ok: bool = False,
    corrections: Mapping[str, str] | None = None,
    notes: str = "",
) -> VerificationCall:
    """Record the outcome of phoning a sampled record, with the corrections made.

    Corrections go through `customer_update`, so they are validated like manual entry and
    appear in the customer's history. The outcome then sets the record's accuracy status,
    last-verified date and wrong-number flag (see `verification_effect`).
    """
    _ensure_steward(actor)
    if call.dealer_id != actor.dealer_id:
        raise PermissionDenied(_("This call belongs to another dealer."))
    if outcome not in CallOutcome.values:
        raise ValidationError({"outcome": [_("Choose a valid option.")]})
    customer = Customer.objects.select_for_update().get(pk=call.customer_id)
    dialled = customer.mobile
    interviewed = outcome == CallOutcome.REACHED
    recorded = _corrections_apply(actor, customer, corrections) if interviewed else {}
    # A value corrected during the interview is confirmed by the customer.
    findings = CallFindings(
        outcome=outcome,
        name_ok=interviewed and (name_ok or "name" in recorded),
        mobile_ok=interviewed and (mobile_ok or "mobile" in recorded),
        address_ok=interviewed and (address_ok or "address" in recorded),
        direct_mail_ok=interviewed and direct_mail_ok,
    )
    effect = verification_effect(findings)
    now = timezone.now()
    customer_verification_set(
        actor=actor,
        customer=customer,
        accuracy_status=effect.accuracy_status,
        mobile_flagged_wrong=effect.mobile_flagged_wrong,
        verified_at=now if effect.verified else None,
        reason=str(_("Verification call")),
    )
    call.outcome = outcome
    call.attempts += 1
    call.name_ok, call.mobile_ok = findings.name_ok, findings.mobile_ok
    call.address_ok, call.direct_mail_ok = findings.address_ok, findings.direct_mail_ok
    call.accepted_interview = findings.accepted_interview
    call.fully_valid = findings.fully_valid
    call.valid_for_direct_mail = findings.valid_for_direct_mail
    call.corrections = {**call.corrections, **recorded}
    call.notes = notes.strip()[:500]
    call.caller = actor
    call.called_at = now
    call.save()
    verification_activity_record(
        actor=actor, call=call, customer=customer, dialled=dialled, corrected=list(recorded)
    )
    return call


def call_is_final(call: VerificationCall) -> bool:
    """A call with no answer or a busy line is tried again; every other outcome is final."""
    return bool(call.outcome) and call.outcome not in RETRY_OUTCOMES
