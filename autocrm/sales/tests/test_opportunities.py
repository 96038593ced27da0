"""Opportunities: a next activity always, outcomes on the timeline, the sale on the profile, the
lost-sale audit."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django_scopes import scope

from autocrm.core.models import Activity
from autocrm.customers.models import Vehicle
from autocrm.sales import lost, opportunities
from autocrm.sales.events import vehicle_delivered
from autocrm.sales.models import FollowUpPlan, OpportunityStatus, SalesSettings
from autocrm.sales.tests.conftest import entry, plan_data

pytestmark = pytest.mark.django_db

VIN = "LSVAM4187C2184847"


@pytest.fixture
def customer(make_customer: Any, consultant_a: Any) -> Any:
    return make_customer(consultant_a, name="陈立", mobile="13712345678")


def test_an_opportunity_opens_only_with_a_next_activity(
    open_opportunity: Any, consultant_a: Any, customer: Any
) -> None:
    with pytest.raises(ValidationError) as error:
        open_opportunity(consultant_a, customer, plan_kind="", plan_due_at="")
    assert {"plan_kind", "plan_due_at"} <= set(error.value.message_dict)
    opportunity = open_opportunity(consultant_a, customer)
    assert opportunity.next_due_at is not None
    assert opportunity.stage == "obtained" and opportunity.consultant_id == consultant_a.pk


def test_recording_the_last_plan_requires_the_next_one(
    open_opportunity: Any, consultant_a: Any, customer: Any
) -> None:
    opportunity = open_opportunity(consultant_a, customer)
    with scope(dealer=consultant_a.dealer_id):
        plan = FollowUpPlan.objects.get(opportunity=opportunity)
        with pytest.raises(ValidationError) as error:
            opportunities.plan_record(actor=consultant_a, plan=plan, data={"outcome": "done"})
        assert "plan_kind" in error.value.message_dict
        opportunities.plan_record(
            actor=consultant_a,
            plan=plan,
            data={"outcome": "done", "outcome_note": "约了周六试驾", **plan_data(3)},
        )
        assert (
            FollowUpPlan.objects.filter(opportunity=opportunity, done_at__isnull=True).count() == 1
        )
        kinds = set(Activity.objects.filter(customer_id=customer.pk).values_list("kind", flat=True))
    assert {"opportunity_opened", "follow_up_done"} <= kinds


def test_moving_through_the_funnel_and_winning_puts_the_car_on_the_profile(
    open_opportunity: Any, consultant_a: Any, customer: Any, series: Any
) -> None:
    opportunity = open_opportunity(consultant_a, customer)
    delivered: list[Any] = []
    vehicle_delivered.subscribe("test", lambda **kw: delivered.append(kw))
    with scope(dealer=consultant_a.dealer_id):
        for stage in ("clarified", "confirmed", "negotiation", "contract"):
            opportunities.opportunity_move(actor=consultant_a, opportunity=opportunity, stage=stage)
        with pytest.raises(ValidationError):
            opportunities.opportunity_move(
                actor=consultant_a, opportunity=opportunity, stage="delivered"
            )
        opportunities.opportunity_win(
            actor=consultant_a,
            opportunity=opportunity,
            data={"vin": VIN, "sale_price": "148800", "plate_number": "粤B12345"},
        )
        vehicle = Vehicle.objects.get(vin=VIN)
        customer.refresh_from_db()
    assert opportunity.status == OpportunityStatus.WON and opportunity.stage == "delivered"
    assert opportunity.furthest_rank == 5 and opportunity.next_due_at is None
    assert vehicle.customer_id == customer.pk and vehicle.bought_here
    assert (
        vehicle.purchase_date == timezone.localdate() and str(vehicle.purchase_price) == "148800.00"
    )
    assert vehicle.series_id == series.pk
    assert customer.trade_relationship.standard_code == "new"
    assert delivered and delivered[0]["vehicle"].pk == vehicle.pk


def test_a_consultant_cannot_close_as_lost_alone(
    open_opportunity: Any, consultant_a: Any, customer: Any, manager_a: Any, dealer_a: Any
) -> None:
    opportunity = open_opportunity(consultant_a, customer)
    price = entry(dealer_a, "lost_reason", "price")
    with scope(dealer=dealer_a.pk):
        request = lost.lost_request_file(
            actor=consultant_a, opportunity=opportunity, data={"reason": price.pk, "note": "嫌贵"}
        )
        assert opportunity.status == OpportunityStatus.LOST_REQUESTED
        with pytest.raises(PermissionDenied):
            lost.lost_request_approve(actor=consultant_a, request=request)
        with pytest.raises(ValidationError) as error:
            lost.lost_request_reject(actor=manager_a, request=request, note="")
        assert "note" in error.value.message_dict
        lost.lost_request_reject(actor=manager_a, request=request, note="再约一次试驾")
        opportunity.refresh_from_db()
        assert opportunity.status == OpportunityStatus.OPEN
        plan = FollowUpPlan.objects.filter(opportunity=opportunity, done_at__isnull=True).latest(
            "id"
        )
        assert plan.note == "再约一次试驾"
        assert plan.due_at <= timezone.now() + timedelta(days=2, minutes=1)


def test_approval_loses_the_opportunity_with_its_reason_and_samples_a_call(
    open_opportunity: Any, consultant_a: Any, customer: Any, manager_a: Any, cr_a: Any,
    dealer_a: Any, other_series: Any,
) -> None:  # fmt: skip
    with scope(dealer=dealer_a.pk):
        SalesSettings.objects.create(dealer=dealer_a, lost_call_sample_percent=100)
    opportunity = open_opportunity(consultant_a, customer)
    competitor = entry(dealer_a, "lost_reason", "competitor")
    with scope(dealer=dealer_a.pk):
        with pytest.raises(ValidationError) as error:
            lost.lost_request_file(
                actor=consultant_a, opportunity=opportunity,
                data={"reason": competitor.pk, "note": "买了凯美瑞"},
            )  # fmt: skip
        assert "competitor_series" in error.value.message_dict
        request = lost.lost_request_file(
            actor=consultant_a, opportunity=opportunity,
            data={
                "reason": competitor.pk,
                "competitor_series": other_series.pk,
                "note": "买了凯美瑞",
            },
        )  # fmt: skip
        lost.lost_request_approve(actor=manager_a, request=request)
        opportunity.refresh_from_db()
        assert opportunity.status == OpportunityStatus.LOST
        assert opportunity.lost_reason_id == competitor.pk
        assert opportunity.lost_to_series_id == other_series.pk
        assert request.call_sampled
        lost.lost_call_record(actor=cr_a, request=request, result="nothing", note="还没买")
        lost.opportunity_reopen(actor=manager_a, opportunity=opportunity, data=plan_data())
        opportunity.refresh_from_db()
    assert opportunity.status == OpportunityStatus.OPEN
    assert opportunity.lost_reason_id is None and opportunity.lost_to_series_id is None


def test_another_consultants_opportunity_is_not_mine(
    open_opportunity: Any, consultant_a: Any, consultant_a2: Any, customer: Any
) -> None:
    opportunity = open_opportunity(consultant_a, customer)
    with scope(dealer=consultant_a.dealer_id), pytest.raises(PermissionDenied):
        opportunities.opportunity_move(
            actor=consultant_a2, opportunity=opportunity, stage="clarified"
        )
