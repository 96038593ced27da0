"""Verification samples and calls on a real database."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from autocrm.customers.choices import AccuracyStatus
from autocrm.customers.models import Customer
from autocrm.quality.models import VerificationCall
from autocrm.quality.services import verification_call_record, verification_sample_draw
from autocrm.quality.verification_selectors import next_call, sample_funnel

pytestmark = pytest.mark.django_db

ADDRESS = "广东省广州市天河区天河路385号"


@pytest.fixture
def customers_a(cr_a: Any, make_customer: Any) -> list[Any]:
    return [
        make_customer(cr_a, name=f"客户{i:02d}", mobile=f"1380013{i:04d}", address=ADDRESS)
        for i in range(12)
    ]


def test_random_sample_is_reproducible_and_dealer_only(
    cr_a: Any, customers_a: list[Any], consultant_b: Any, make_customer: Any, scoped: Any
) -> None:
    other = make_customer(consultant_b, name="外店客户", mobile="13900000000")
    with scoped(cr_a):
        first = verification_sample_draw(actor=cr_a, name="s1", method="random", size=5, seed=7)
        second = verification_sample_draw(actor=cr_a, name="s2", method="random", size=5, seed=7)
        ids1 = set(first.calls.values_list("customer_id", flat=True))
        ids2 = set(second.calls.values_list("customer_id", flat=True))
    assert len(ids1) == 5 and ids1 == ids2
    assert other.pk not in ids1
    assert ids1 <= {c.pk for c in customers_a}


def test_sample_larger_than_the_dealer_takes_everyone(cr_a: Any, customers_a: Any, scoped) -> None:
    with scoped(cr_a):
        sample = verification_sample_draw(actor=cr_a, name="all", method="random", size=500)
        assert sample.size == len(customers_a) == sample.calls.count()


def test_lowest_scores_first(cr_a: Any, customers_a: list[Any], make_customer, scoped) -> None:
    weak = make_customer(cr_a, name="先生")  # placeholder name, no phone: the lowest accuracy
    with scoped(cr_a):
        sample = verification_sample_draw(actor=cr_a, name="low", method="lowest", size=1)
        assert list(sample.calls.values_list("customer_id", flat=True)) == [weak.pk]


def test_bad_sample_parameters_name_the_field(cr_a: Any, scoped: Any) -> None:
    with scoped(cr_a), pytest.raises(ValidationError) as exc:
        verification_sample_draw(actor=cr_a, name="", method="nope", size=0)
    assert set(exc.value.message_dict) == {"name", "method", "size"}


def test_consultant_may_not_draw(consultant_a: Any, scoped: Any) -> None:
    with scoped(consultant_a), pytest.raises(PermissionDenied):
        verification_sample_draw(actor=consultant_a, name="x", method="random", size=1)


def _call(cr: Any, scoped: Any, **kwargs: Any) -> tuple[VerificationCall, Customer]:
    with scoped(cr):
        sample = verification_sample_draw(actor=cr, name="s", method="random", size=1, seed=1)
        call = sample.calls.get()
        verification_call_record(actor=cr, call=call, **kwargs)
        call.refresh_from_db()
        return call, Customer.objects.get(pk=call.customer_id)


def test_wrong_number_flags_the_profile(cr_a: Any, customers_a: Any, scoped: Any) -> None:
    call, customer = _call(cr_a, scoped, outcome="not_the_person")
    assert customer.accuracy_status == AccuracyStatus.WRONG
    assert customer.mobile_flagged_wrong and customer.last_verified_at is not None
    assert any(i["code"] == "mobile_wrong" for i in customer.quality_issues)
    assert call.attempts == 1 and call.caller == cr_a and not call.fully_valid


def test_valid_interview_verifies(cr_a: Any, customers_a: Any, scoped: Any) -> None:
    call, customer = _call(
        cr_a, scoped, outcome="reached", name_ok=True, mobile_ok=True, address_ok=True
    )
    assert customer.accuracy_status == AccuracyStatus.VERIFIED
    assert customer.last_verified_at is not None and not customer.mobile_flagged_wrong
    assert call.fully_valid and call.accepted_interview and not call.valid_for_direct_mail


def test_no_answer_changes_nothing(cr_a: Any, customers_a: Any, scoped: Any) -> None:
    call, customer = _call(cr_a, scoped, outcome="no_answer")
    assert customer.accuracy_status == AccuracyStatus.UNVERIFIED
    assert customer.last_verified_at is None
    with scoped(cr_a):
        assert next_call(call.sample) == call  # tried again


def test_corrections_are_validated_and_in_history(cr_a: Any, customers_a: Any, scoped) -> None:
    call, customer = _call(
        cr_a,
        scoped,
        outcome="reached",
        name_ok=True,
        address_ok=True,
        corrections={"mobile": "+86 139 1234 5678"},
    )
    assert customer.mobile == "+8613912345678"
    assert call.corrections["mobile"]["new"] == "+8613912345678"
    assert call.fully_valid  # the corrected mobile counts as confirmed
    with scoped(cr_a):
        changes = [
            h.diff_against(h.prev_record).changed_fields
            for h in customer.history.all()
            if h.prev_record is not None
        ]
    assert any("mobile" in c for c in changes)
    assert any("accuracy_status" in c for c in changes)


def test_bad_correction_names_the_field_and_saves_nothing(cr_a, customers_a, scoped) -> None:
    with pytest.raises(ValidationError) as exc:
        _call(cr_a, scoped, outcome="reached", corrections={"mobile": "12345"})
    assert "mobile" in exc.value.message_dict
    with scoped(cr_a):
        assert not VerificationCall.objects.exclude(outcome="").exists()
        assert not Customer.objects.filter(accuracy_status=AccuracyStatus.VERIFIED).exists()


def test_funnel_shares_of_the_sample(cr_a: Any, customers_a: Any, scoped: Any) -> None:
    plan = (
        ["no_answer", "disconnected", "refused"]
        + [("reached", False)] * 2
        + [("reached", True)] * 3
        + [("reached", "dm")] * 2
    )
    with scoped(cr_a):
        sample = verification_sample_draw(actor=cr_a, name="f", method="random", size=10, seed=3)
        for call, step in zip(sample.calls.order_by("id"), plan, strict=True):
            if isinstance(step, str):
                verification_call_record(actor=cr_a, call=call, outcome=step)
            else:
                ok = step[1] is not False
                verification_call_record(
                    actor=cr_a,
                    call=call,
                    outcome="reached",
                    name_ok=True,
                    mobile_ok=True,
                    address_ok=ok,
                    direct_mail_ok=step[1] == "dm",
                )
        funnel = sample_funnel(sample)
    shares = {s.key: (s.count, s.share) for s in funnel.stages}
    assert shares == {
        "reached": (8, 80.0),
        "accepted": (7, 70.0),
        "fully_valid": (5, 50.0),
        "direct_mail": (2, 20.0),
    }
    outcomes = {code: n for code, _label, n, _pct in funnel.outcomes}
    assert outcomes["disconnected"] == 1 and outcomes["reached"] == 7
    assert funnel.called == 10


def test_another_dealers_call_is_refused(cr_a: Any, customers_a: Any, make_staff, dealer_b, scoped):
    cr_b = make_staff(dealer_b, "customer_relations")
    with scoped(cr_a):
        sample = verification_sample_draw(actor=cr_a, name="s", method="random", size=1)
        call = sample.calls.get()
    with scoped(cr_b), pytest.raises(PermissionDenied):
        verification_call_record(actor=cr_b, call=call, outcome="busy")
