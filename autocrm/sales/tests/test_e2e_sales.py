"""End-to-end in headless Chromium: a consultant's day (a platform lead arrives, is answered
within its clock, becomes an opportunity with a plan, moves through the funnel to a won deal,
and the car appears on the profile) and the director's lost-sale approval and rejection and the
forecast page.

Asserts on data-testid hooks, field names and numbers, never on translated labels.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from django_scopes import scope, scopes_disabled
from playwright.sync_api import expect

from autocrm.sales.tests.conftest import entry
from autocrm.testing.browser import login, screenshot

pytestmark = pytest.mark.e2e

VIN = "LSVAM4187C2184847"


def _plan_time(days: int = 1) -> str:
    return timezone.localtime(timezone.now() + timedelta(days=days)).strftime("%Y-%m-%dT%H:%M")


def test_a_consultants_day_from_platform_lead_to_delivered_car(
    page: Any, live_server: Any, consultant_a: Any, cr_a: Any, receive: Any, series: Any
) -> None:
    lead = receive(
        cr_a,
        source="autohome",
        external_id="AH-20261204-1",
        name="周先生",
        mobile="13812341234",
        model_text="朗逸 1.5L 舒适版",
    ).lead
    assert lead.consultant_id == consultant_a.pk and lead.series_id == series.pk
    login(page, live_server, consultant_a)
    # the workbench lists the lead waiting on its clock
    expect(page.get_by_test_id("waiting-leads")).to_contain_text("周先生")
    screenshot(page, "sales-consultant-home")
    page.get_by_test_id("waiting-leads").get_by_text("周先生").click()
    page.get_by_test_id("lead-answer").click()
    expect(page.get_by_test_id("lead-profile")).to_contain_text("周先生")
    # open the opportunity with its first plan
    form = page.get_by_test_id("opportunity-form")
    form.locator("[name=expected_amount]").fill("139900")
    form.locator("[name=expected_close_on]").fill(
        (timezone.localdate() + timedelta(days=14)).isoformat()
    )
    form.locator("[name=plan_kind]").select_option("test_drive")
    form.locator("[name=plan_due_at]").fill(_plan_time())
    form.get_by_test_id("open-opportunity").click()
    expect(page.get_by_test_id("current-stage")).to_be_visible()
    # through the funnel
    for stage in ("clarified", "confirmed", "negotiation", "contract"):
        page.get_by_test_id(f"move-{stage}").click()
        expect(page.get_by_test_id("current-stage")).to_be_visible()
    # the test drive happened: record it with the next activity
    plan = page.get_by_test_id("plan").first
    plan.locator("[name=outcome]").select_option("done")
    plan.locator("[name=outcome_note]").fill("试驾满意")
    plan.locator("[name=plan_kind]").select_option("delivery")
    plan.locator("[name=plan_due_at]").fill(_plan_time(2))
    plan.get_by_test_id("record-outcome").click()
    expect(page.get_by_test_id("done-plans")).to_contain_text("试驾满意")
    screenshot(page, "sales-opportunity")
    win = page.get_by_test_id("win-form")
    win.locator("[name=vin]").fill(VIN)
    win.locator("[name=sale_price]").fill("138800")
    win.get_by_test_id("win").click()
    expect(page.get_by_test_id("current-stage")).to_be_visible()
    # the car is on the customer's profile, bought here
    with scopes_disabled():
        from autocrm.customers.models import Vehicle
        from autocrm.sales.models import Lead

        vehicle = Vehicle.objects.get(vin=VIN)
        answered = Lead.objects.get(pk=lead.pk)
    assert vehicle.bought_here and vehicle.customer_id == lead.customer_id
    assert (
        answered.response_band == "on_time"
        or answered.due_at is None
        or (
            answered.responded_at > answered.due_at  # outside business hours the clock waits
        )
    )
    page.goto(f"{live_server.url}/customers/{lead.customer_id}/")
    expect(page.get_by_test_id("sales-panel")).to_contain_text("朗逸")
    expect(page.locator("body")).to_contain_text(VIN)


def test_the_director_approves_and_rejects_lost_requests_and_reads_the_forecast(
    page: Any, live_server: Any, consultant_a: Any, manager_a: Any, make_customer: Any,
    open_opportunity: Any, dealer_a: Any,
) -> None:  # fmt: skip
    from autocrm.sales.lost import lost_request_file

    price = entry(dealer_a, "lost_reason", "price")
    colour = entry(dealer_a, "lost_reason", "colour")
    first = open_opportunity(
        consultant_a,
        make_customer(consultant_a, name="李雷", mobile="13700001111"),
        expected_close_on=timezone.localdate().isoformat(),
    )
    second = open_opportunity(
        consultant_a,
        make_customer(consultant_a, name="韩梅", mobile="13700002222"),
        expected_amount="200000",
        expected_close_on=timezone.localdate().isoformat(),
    )
    with scope(dealer=dealer_a.pk):
        for opportunity, reason, note in ((first, price, "嫌贵"), (second, colour, "没有白色")):
            lost_request_file(
                actor=consultant_a,
                opportunity=opportunity,
                data={"reason": reason.pk, "note": note},
            )
    login(page, live_server, manager_a)
    expect(page.get_by_test_id("home-pending-lost")).to_contain_text("李雷")
    screenshot(page, "sales-director-home")
    page.goto(f"{live_server.url}/sales/lost-requests/")
    rows = page.get_by_test_id("lost-request")
    expect(rows).to_have_count(2)
    screenshot(page, "sales-lost-requests")
    rows.filter(has_text="李雷").get_by_test_id("approve").click()
    expect(page.get_by_test_id("lost-request")).to_have_count(1)
    row = page.get_by_test_id("lost-request").filter(has_text="韩梅")
    row.locator("[name=note]").fill("白色下周到店，再约")
    row.get_by_test_id("reject").click()
    expect(page.get_by_test_id("lost-request")).to_have_count(0)
    with scopes_disabled():
        first.refresh_from_db()
        second.refresh_from_db()
    assert first.status == "lost" and first.lost_reason_id == price.pk
    assert second.status == "open"
    # the audit table counts one rejection of two decided
    expect(page.get_by_test_id("lost-audit")).to_contain_text("50%")
    # the forecast: the open opportunity weighted by its stage (10 %)
    page.goto(f"{live_server.url}/sales/funnel/")
    expect(page.locator("[data-testid=forecast-chart] canvas")).to_have_count(1)
    expect(page.get_by_test_id("forecast-total")).to_contain_text("0.10")
    expect(page.get_by_test_id("forecast-total")).to_contain_text("¥20,000")
    screenshot(page, "sales-funnel")
