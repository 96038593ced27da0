"""The verification-call taxonomy (回访核实), domain.md §2 (seeds 000 and 003).

Seed 003 lists why 134 of 267 records were invalid: "no answer 44, busy 4, number does not match
the person 22, never reachable 11, a fax machine 10, disconnected or vacant number 43". Seed 000
reports a sample as a funnel: reached → accepted the interview → verified fully valid → valid for
direct mail. This module is the single place that says what each outcome means.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

from autocrm.customers.choices import AccuracyStatus


class CallOutcome(models.TextChoices):
    NO_ANSWER = "no_answer", _("No answer")
    BUSY = "busy", _("Busy")
    NOT_THE_PERSON = "not_the_person", _("Number does not belong to the person")
    NEVER_REACHABLE = "never_reachable", _("Never reachable")
    FAX = "fax", _("Fax machine")
    DISCONNECTED = "disconnected", _("Disconnected or vacant number")
    REACHED = "reached", _("Reached and interviewed")
    REFUSED = "refused", _("Reached, refused the interview")


#: Outcomes where the person on file answered the phone (seed 000's "reached").
REACHED_OUTCOMES = frozenset({CallOutcome.REACHED, CallOutcome.REFUSED})
#: Outcomes proving the number on file is wrong: it is someone else's, a fax or a dead number.
NUMBER_WRONG_OUTCOMES = frozenset(
    {CallOutcome.NOT_THE_PERSON, CallOutcome.FAX, CallOutcome.DISCONNECTED}
)
#: Outcomes that say nothing about the record yet: call again later.
RETRY_OUTCOMES = frozenset({CallOutcome.NO_ANSWER, CallOutcome.BUSY})


def outcome_reached(outcome: str) -> bool:
    return outcome in REACHED_OUTCOMES


def outcome_number_wrong(outcome: str) -> bool:
    return outcome in NUMBER_WRONG_OUTCOMES


@dataclass(frozen=True)
class CallFindings:
    """What one call established about the record, after corrections made during the call."""

    outcome: str
    name_ok: bool = False
    mobile_ok: bool = False
    address_ok: bool = False
    direct_mail_ok: bool = False

    @property
    def reached(self) -> bool:
        return outcome_reached(self.outcome)

    @property
    def accepted_interview(self) -> bool:
        return self.outcome == CallOutcome.REACHED

    @property
    def fully_valid(self) -> bool:
        """Seed 000's "verified fully valid": name, mobile and address confirmed or corrected."""
        return self.accepted_interview and self.name_ok and self.mobile_ok and self.address_ok

    @property
    def valid_for_direct_mail(self) -> bool:
        """Seed 000's "valid for direct mail": fully valid and the postal address deliverable."""
        return self.fully_valid and self.direct_mail_ok


@dataclass(frozen=True)
class VerificationEffect:
    """How a call changes the profile: None leaves a field as it was."""

    accuracy_status: str | None
    mobile_flagged_wrong: bool | None
    verified: bool  # sets last_verified_at


def verification_effect(findings: CallFindings) -> VerificationEffect:
    """The record's accuracy status and wrong-number flag after a call.

    A wrong number (not the person, fax, disconnected or vacant) marks the record wrong and
    flags the mobile. An interview marks it verified when name, mobile and address were
    confirmed or corrected, wrong otherwise. No answer, busy, never reachable and a refusal
    establish nothing about the data and leave the status as it was.
    """
    if outcome_number_wrong(findings.outcome):
        return VerificationEffect(AccuracyStatus.WRONG, True, True)
    if findings.accepted_interview:
        status = AccuracyStatus.VERIFIED if findings.fully_valid else AccuracyStatus.WRONG
        return VerificationEffect(status, False if findings.mobile_ok else None, True)
    return VerificationEffect(None, None, False)
