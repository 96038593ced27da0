"""Leads: idempotent pushes, the identity rules, repeats counted once, assignment, the clock."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django_scopes import scope

from autocrm.customers.models import Customer, HouseholdMember
from autocrm.sales.clock import response_deadlines, response_measure
from autocrm.sales.leads import lead_answer
from autocrm.sales.models import Absence, ConsultantCapacity, Lead, LeadStatus, SalesSettings
from autocrm.sales.tests.conftest import local

pytestmark = pytest.mark.django_db


def test_a_push_is_idempotent_on_source_and_external_id(receive: Any, cr_a: Any) -> None:
    first = receive(cr_a, source="autohome", external_id="AH-1001")
    again = receive(cr_a, source="autohome", external_id="AH-1001", name="别的名字")
    assert first.created and not again.created
    assert again.lead.pk == first.lead.pk
    with scope(dealer=cr_a.dealer_id):
        assert Lead.objects.count() == 1
        assert Customer.objects.count() == 1
    # the same id from another platform is another lead
    other = receive(cr_a, source="yiche", external_id="AH-1001", mobile="13812345679")
    assert other.created


def test_a_known_person_attaches_to_the_profile(
    receive: Any, cr_a: Any, consultant_a: Any, make_customer: Any
) -> None:
    known = make_customer(consultant_a, name="王建国", mobile="13912345678")
    receipt = receive(cr_a, name="王先生")  # a platform sends a title
    lead = receipt.lead
    assert lead.customer_id == known.pk and lead.match == "known"
    assert lead.consultant_id == consultant_a.pk  # the consultant who owns the customer
    with scope(dealer=cr_a.dealer_id):
        assert Customer.objects.count() == 1


def test_a_shared_number_under_another_name_is_a_new_household_member(
    receive: Any, cr_a: Any, consultant_a: Any, make_customer: Any
) -> None:
    wife = make_customer(consultant_a, name="李秀英", mobile="13912345678")
    lead = receive(cr_a, name="王建国").lead
    assert lead.match == "household"
    assert lead.customer_id != wife.pk
    with scope(dealer=cr_a.dealer_id):
        assert Customer.objects.count() == 2
        households = {m.household_id for m in HouseholdMember.objects.all() if m.customer_id}
        assert len(households) == 1
        assert lead.customer.mobile == "+8613912345678"


def test_a_repeat_within_the_window_is_counted_once(
    receive: Any, cr_a: Any, consultant_a: Any
) -> None:
    first = receive(cr_a, source="autohome").lead
    second = receive(cr_a, source="dongchedi", name="王建国").lead
    assert second.status == LeadStatus.REPEAT and second.repeat_of_id == first.pk
    assert second.due_at is None  # no second clock
    first.refresh_from_db()
    assert first.repeat_count == 1
    # a family member's lead on the same number is not a repeat
    third = receive(cr_a, name="李秀英").lead
    assert third.status == LeadStatus.NEW and third.customer_id != first.customer_id


def test_bad_input_names_the_fields(receive: Any, cr_a: Any) -> None:
    with pytest.raises(ValidationError) as error:
        receive(cr_a, source="fax", name="", mobile="12345")
    assert set(error.value.message_dict) == {"source", "name", "mobile"}


def test_who_may_receive_leads(receive: Any, advisor_a: Any, gm_a: Any, hq_analyst: Any) -> None:
    for actor in (advisor_a, gm_a):
        with pytest.raises(PermissionDenied):
            receive(actor)


def test_round_robin_with_capacity_and_absence(
    receive: Any, cr_a: Any, make_staff: Any, dealer_a: Any
) -> None:
    team = [make_staff(dealer_a, "sales_consultant") for _ in range(3)]
    with scope(dealer=dealer_a.pk):
        Absence.objects.create(
            dealer=dealer_a, consultant=team[2], starts_on=date.today() - timedelta(days=1),
            ends_on=date.today() + timedelta(days=1), reason="leave",
        )  # fmt: skip
        ConsultantCapacity.objects.create(
            dealer=dealer_a, consultant=team[0], daily_lead_capacity=3
        )
        ConsultantCapacity.objects.create(
            dealer=dealer_a, consultant=team[1], daily_lead_capacity=1
        )
    picks = [
        receive(cr_a, name=f"客户{i}", mobile=f"1381234{i:04d}").lead.consultant_id
        for i in range(5)
    ]
    assert team[2].pk not in picks  # on leave
    assert picks.count(team[1].pk) == 1  # capacity 1
    assert picks.count(team[0].pk) == 3
    assert picks[4] is None  # everyone full: the lead waits for the director


def test_the_clock_runs_in_business_hours_and_the_answer_keeps_its_band(dealer_a: Any) -> None:
    rules = SalesSettings(dealer=dealer_a)  # 15 minutes on time, 30 missed
    # 11:55 with a 15-minute target: 5 minutes before lunch, 10 after 13:30
    due, missed = response_deadlines(dealer_a.pk, local(2026, 11, 18, 11, 55), rules)
    assert due == local(2026, 11, 18, 13, 40) and missed == local(2026, 11, 18, 13, 55)
    seconds, band = response_measure(
        dealer_a.pk, local(2026, 11, 18, 11, 55), local(2026, 11, 18, 13, 45), rules
    )
    assert (seconds, band) == (20 * 60, "late")  # 11:55–12:00 and 13:30–13:45
    # across a night: 17:50 → 10 minutes before closing, 5 after 08:30 the next morning
    due, _missed = response_deadlines(dealer_a.pk, local(2026, 11, 18, 17, 50), rules)
    assert due == local(2026, 11, 19, 8, 35)
    # across National Day (closed 1–7 October 2026): 30 September 17:55 → 8 October 08:40
    due, _missed = response_deadlines(dealer_a.pk, local(2026, 9, 30, 17, 55), rules)
    assert due == local(2026, 10, 8, 8, 40)


def test_a_fresh_lead_runs_its_clock_and_an_old_export_row_does_not(
    receive: Any, cr_a: Any, consultant_a: Any
) -> None:
    fresh = receive(cr_a, source="dongchedi").lead
    assert fresh.due_at is not None and fresh.due_at > fresh.received_at
    with scope(dealer=cr_a.dealer_id):
        lead_answer(actor=consultant_a, lead=fresh)
    assert fresh.response_band in ("on_time", "late", "missed")
    old = receive(cr_a, name="赵敏", mobile="13612345678", received_at=local(2026, 11, 18, 11, 55))
    assert old.lead.due_at is None  # a month-old export row: no clock
