"""The verification-call taxonomy (domain.md §2, seeds 000 and 003)."""

from __future__ import annotations

import pytest

from autocrm.customers.choices import AccuracyStatus
from autocrm.quality.verification import (
    CallFindings,
    CallOutcome,
    outcome_number_wrong,
    outcome_reached,
    verification_effect,
)


def test_seed_003_invalid_outcomes_are_all_in_the_taxonomy() -> None:
    # "no answer 44, busy 4, number does not match the person 22, never reachable 11,
    #  a fax machine 10, disconnected or vacant number 43"
    for code in ("no_answer", "busy", "not_the_person", "never_reachable", "fax", "disconnected"):
        assert code in CallOutcome.values
        assert not outcome_reached(code)


@pytest.mark.parametrize(
    ("outcome", "wrong"),
    [
        ("not_the_person", True),
        ("fax", True),
        ("disconnected", True),
        ("no_answer", False),
        ("busy", False),
        ("never_reachable", False),
        ("reached", False),
        ("refused", False),
    ],
)
def test_which_outcomes_prove_the_number_wrong(outcome: str, wrong: bool) -> None:
    assert outcome_number_wrong(outcome) is wrong


def test_a_refusal_is_reached_but_not_an_interview() -> None:
    findings = CallFindings(outcome="refused", name_ok=True, mobile_ok=True, address_ok=True)
    assert findings.reached and not findings.accepted_interview and not findings.fully_valid


def test_fully_valid_needs_name_mobile_and_address() -> None:
    base = {"outcome": "reached", "name_ok": True, "mobile_ok": True, "address_ok": True}
    assert CallFindings(**base).fully_valid
    for missing in ("name_ok", "mobile_ok", "address_ok"):
        assert not CallFindings(**{**base, missing: False}).fully_valid


def test_direct_mail_needs_a_fully_valid_record() -> None:
    assert not CallFindings(outcome="reached", direct_mail_ok=True).valid_for_direct_mail
    ok = CallFindings("reached", True, True, True, direct_mail_ok=True)
    assert ok.valid_for_direct_mail


def test_effect_of_a_wrong_number() -> None:
    effect = verification_effect(CallFindings(outcome="disconnected"))
    assert effect.accuracy_status == AccuracyStatus.WRONG
    assert effect.mobile_flagged_wrong is True and effect.verified


def test_effect_of_a_valid_interview_clears_the_flag() -> None:
    effect = verification_effect(CallFindings("reached", True, True, True))
    assert effect.accuracy_status == AccuracyStatus.VERIFIED
    assert effect.mobile_flagged_wrong is False and effect.verified


def test_effect_of_an_interview_with_a_wrong_address() -> None:
    effect = verification_effect(CallFindings("reached", True, True, False))
    assert effect.accuracy_status == AccuracyStatus.WRONG
    assert effect.mobile_flagged_wrong is False


@pytest.mark.parametrize("outcome", ["no_answer", "busy", "never_reachable", "refused"])
def test_outcomes_that_establish_nothing_leave_the_record(outcome: str) -> None:
    effect = verification_effect(CallFindings(outcome=outcome))
    assert effect.accuracy_status is None and effect.mobile_flagged_wrong is None
    assert not effect.verified
