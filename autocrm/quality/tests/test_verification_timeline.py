"""A verification call on the customer's timeline: one entry per attempt, with the number that
was dialled masked for roles that may not see it, and what was confirmed or corrected."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import translation

from autocrm.core.models import Activity
from autocrm.customers.models import Customer
from autocrm.customers.selectors import customer_timeline
from autocrm.customers.timeline_display import timeline_rows
from autocrm.quality.services import verification_call_record, verification_sample_draw

pytestmark = pytest.mark.django_db


@pytest.fixture
def call(cr_a: Any, consultant_a: Any, make_customer: Any, scoped: Any) -> Any:
    """Consultant A's customer 张伟, drawn for a verification call by customer relations."""
    make_customer(
        consultant_a, name="张伟", mobile="13812345678", address="广东省深圳市南山区科苑路15号"
    )
    with scoped(cr_a):
        sample = verification_sample_draw(actor=cr_a, name="6月抽查", method="random", size=1)
        return sample.calls.get()


def calls_on_timeline(viewer: Any, customer_id: int, scoped: Any, language: str = "en") -> list:
    with scoped(viewer), translation.override(language):
        customer = Customer.objects.get(pk=customer_id)
        rows = timeline_rows(customer_timeline(customer), viewer=viewer, customer=customer)
    return [r for r in rows if r.kind == "verification_call"]


def test_every_attempt_is_on_the_timeline(call: Any, cr_a: Any, scoped: Any) -> None:
    with scoped(cr_a):
        verification_call_record(actor=cr_a, call=call, outcome="no_answer")
        verification_call_record(
            actor=cr_a,
            call=call,
            outcome="reached",
            name_ok=True,
            corrections={"mobile": "139 1234 5678"},
        )
        activity = Activity.objects.filter(kind="verification_call").latest("id")
    assert activity.target == call and activity.actor == cr_a
    assert activity.data["attempt"] == 2 and activity.data["sample_id"] == call.sample_id

    latest, first = calls_on_timeline(cr_a, call.customer_id, scoped)

    assert first.title == "Verification call · No answer"
    assert first.detail == "+8613812345678"  # the number dialled; nothing confirmed
    assert latest.title == "Verification call · Reached and interviewed"
    assert latest.detail == "+8613812345678 · Confirmed: name、mobile · Corrected: mobile"
    assert latest.actor == str(cr_a)
    (zh, _first) = calls_on_timeline(cr_a, call.customer_id, scoped, "zh-hans")
    assert zh.title == "核实回访 · 接通并完成访问"
    assert "已确认：姓名、手机" in zh.detail


@pytest.mark.parametrize(
    ("who", "shown"),
    [
        ("cr_a", "+8613812345678"),  # customer relations: clear
        ("consultant_a", "+8613812345678"),  # the responsible consultant: clear
        ("consultant_a2", "138****5678"),  # a colleague: masked
        ("gm_a", "138****5678"),  # the general manager: masked
        ("hq_analyst", "138****5678"),  # HQ: masked
    ],
)
def test_the_dialled_number_is_masked_per_role(
    request: Any, call: Any, cr_a: Any, scoped: Any, who: str, shown: str
) -> None:
    with scoped(cr_a):
        verification_call_record(actor=cr_a, call=call, outcome="not_the_person")
    viewer = request.getfixturevalue(who)

    (row,) = calls_on_timeline(viewer, call.customer_id, scoped)

    assert row.detail == shown
    if shown != "+8613812345678":
        assert "13812345678" not in repr(row)
