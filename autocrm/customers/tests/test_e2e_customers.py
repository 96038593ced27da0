"""End-to-end: customer profiles in headless Chromium against the live server.

Asserts on data-testid hooks, field names and numbers, never on translated labels.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django_scopes import scopes_disabled
from playwright.sync_api import expect

from autocrm.testing.browser import login, screenshot

pytestmark = pytest.mark.e2e

MOBILE_TYPED = "138 1234 5678"
MOBILE_WRONG = "1381234567"  # 10 digits
MOBILE_MASKED = "138****5678"
ADDRESS = "广东省深圳市南山区科苑路15号"


def _customer_count() -> int:
    from autocrm.customers.models import Customer

    with scopes_disabled():
        return Customer.objects.count()


@pytest.fixture
def zhang_wei(make_customer: Any, consultant_a: Any) -> Any:
    """Consultant A's customer 张伟 (13812345678) with a complete address."""
    return make_customer(consultant_a, name="张伟", mobile="13812345678", address=ADDRESS)


@pytest.fixture
def showroom(make_customer: Any, consultant_a: Any, zhang_wei: Any) -> list[Any]:
    """A few more customers of consultant A, good and poor, so lists are not trivially short."""
    return [
        zhang_wei,
        make_customer(
            consultant_a,
            name="李娜",
            mobile="13900001111",
            address="广东省深圳市福田区深南大道1001号",
        ),
        make_customer(consultant_a, name="欧阳明", mobile="13700002222"),
        make_customer(consultant_a, name="陈静"),
        make_customer(
            consultant_a,
            kind="organization",
            name="深圳市腾达物流有限公司",
            mobile="13600003333",
            address="广东省深圳市宝安区新安街道创业一路8号",
        ),
    ]


def test_consultant_creates_corrects_and_edits_a_customer(
    page: Any, live_server: Any, consultant_a: Any
) -> None:
    login(page, live_server, consultant_a)
    page.click("a.nav-link[href='/customers/new/']")
    expect(page).to_have_url(re.compile(r"/customers/new/$"))
    form = page.get_by_test_id("customer-form")
    expect(form).to_be_visible()

    before = _customer_count()
    page.fill("#id_name", "张伟")
    page.fill("#id_mobile", MOBILE_WRONG)
    page.fill("#id_address", ADDRESS)
    with page.expect_navigation():
        page.get_by_test_id("save").click()

    # The error is shown at the mobile field, the other input is kept, nothing is saved.
    expect(page.locator("[data-field-error=mobile]")).to_be_visible()
    expect(page.locator("#id_mobile")).to_have_class(re.compile(r"\bis-invalid\b"))
    expect(page.locator("#id_mobile")).to_have_value(MOBILE_WRONG)
    expect(page.locator("#id_address")).to_have_value(ADDRESS)
    expect(page.locator("#id_address")).not_to_have_class(re.compile(r"\bis-invalid\b"))
    assert _customer_count() == before
    screenshot(page, "customer-form-error")

    page.fill("#id_mobile", MOBILE_TYPED)
    with page.expect_navigation():
        page.get_by_test_id("save").click()
    expect(page).to_have_url(re.compile(r"/customers/\d+/$"))
    assert _customer_count() == before + 1
    pk = int(re.search(r"/customers/(\d+)/$", page.url).group(1))

    expect(page.get_by_test_id("customer-name")).to_contain_text("张伟")
    expect(page.get_by_test_id("quality-badges")).to_contain_text(re.compile(r"\d+"))
    expect(page.get_by_test_id("mobile")).to_contain_text(MOBILE_TYPED)  # own customer: clear
    expect(page.get_by_test_id("address")).to_contain_text(ADDRESS)

    # Edit the name: the timeline shows the old and the new value.
    with page.expect_navigation():
        page.click(f"a[href='/customers/{pk}/edit/']")
    expect(page.locator("#id_name")).to_have_value("张伟")
    page.fill("#id_name", "王芳")
    with page.expect_navigation():
        page.get_by_test_id("save").click()
    expect(page).to_have_url(re.compile(rf"/customers/{pk}/$"))
    expect(page.get_by_test_id("customer-name")).to_contain_text("王芳")
    change = page.get_by_test_id("timeline").locator(".chg").filter(has_text="王芳")
    expect(change).to_have_count(1)
    expect(change.locator("del")).to_have_text("张伟")
    expect(change.locator("ins")).to_have_text("王芳")
    screenshot(page, "customer-profile")


def test_consultant_of_another_dealer_gets_404(
    page: Any, live_server: Any, zhang_wei: Any, consultant_b: Any
) -> None:
    login(page, live_server, consultant_b)
    for path in (f"/customers/{zhang_wei.pk}/", f"/customers/{zhang_wei.pk}/edit/"):
        response = page.goto(f"{live_server.url}{path}")
        assert response is not None
        assert response.status == 404, path
        assert "张伟" not in page.content()
        assert "5678" not in page.content()
    screenshot(page, "not-found")


def test_customer_relations_sees_mobile_in_clear(
    page: Any, live_server: Any, zhang_wei: Any, cr_a: Any
) -> None:
    login(page, live_server, cr_a)
    response = page.goto(f"{live_server.url}/customers/{zhang_wei.pk}/")
    assert response is not None and response.status == 200
    expect(page.get_by_test_id("mobile")).to_contain_text(MOBILE_TYPED)
    expect(page.get_by_test_id("address")).to_contain_text(ADDRESS)


def test_general_manager_sees_mobile_masked(
    page: Any, live_server: Any, zhang_wei: Any, gm_a: Any
) -> None:
    login(page, live_server, gm_a)
    response = page.goto(f"{live_server.url}/customers/{zhang_wei.pk}/")
    assert response is not None and response.status == 200
    expect(page.get_by_test_id("mobile")).to_contain_text(MOBILE_MASKED)
    html = page.content()
    for clear in ("13812345678", MOBILE_TYPED, "1234 5678", "138 1234", "科苑路15号"):
        assert clear not in html, clear

    # The list shows the mobile masked too.
    page.goto(f"{live_server.url}/customers/")
    table = page.get_by_test_id("customer-table")
    expect(table).to_contain_text(MOBILE_MASKED)
    assert "13812345678" not in page.content()
    assert MOBILE_TYPED not in page.content()


def _search(page: Any, term: str) -> None:
    """Type into the search box and wait for htmx to swap in the results."""
    with page.expect_response(
        lambda r: (
            "/customers/" in r.url
            and f"q={term}" in r.url
            and r.request.headers.get("hx-request") == "true"
        )
    ) as info:
        page.fill("#q", term)
    assert info.value.status == 200


def test_customer_list_search_and_language_switch(
    page: Any, live_server: Any, consultant_a: Any, showroom: list[Any]
) -> None:
    login(page, live_server, consultant_a)
    page.goto(f"{live_server.url}/customers/")
    table = page.get_by_test_id("customer-table")
    for customer in showroom:
        expect(table).to_contain_text(customer.name)
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    page.wait_for_load_state("networkidle")
    screenshot(page, "customer-list")

    # Last 4 digits of the mobile: only 张伟, swapped in by htmx (no page load).
    page.evaluate("window.__notReloaded = true")
    _search(page, "5678")
    expect(table.locator("tbody tr")).to_have_count(1)
    expect(table).to_contain_text("张伟")
    expect(table).not_to_contain_text("李娜")
    assert page.evaluate("window.__notReloaded") is True
    expect(page).to_have_url(re.compile(r"[?&]q=5678"))

    # Pinyin initials.
    _search(page, "zw")
    expect(table.locator("tbody tr")).to_have_count(1)
    expect(table).to_contain_text("张伟")
    _search(page, "ln")
    expect(table.locator("tbody tr")).to_have_count(1)
    expect(table).to_contain_text("李娜")
    assert page.evaluate("window.__notReloaded") is True

    # Language switch to English and back.
    with page.expect_navigation():
        page.click("button[name=language][value=en]")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_test_id("customer-table")).to_be_visible()
    with page.expect_navigation():
        page.click("button[name=language][value=zh-hans]")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.get_by_test_id("customer-table")).to_be_visible()


def test_workbench_and_quality_overview(
    page: Any, live_server: Any, consultant_a: Any, showroom: list[Any]
) -> None:
    login(page, live_server, consultant_a)
    response = page.goto(f"{live_server.url}/")
    assert response is not None and response.status == 200
    expect(page.locator("main .stat").first).to_have_text(re.compile(r"\d"))
    page.wait_for_load_state("networkidle")
    screenshot(page, "workbench")

    response = page.goto(f"{live_server.url}/quality/")
    assert response is not None and response.status == 200
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(800)  # let the charts finish their entry animation
    screenshot(page, "quality-overview")


@pytest.fixture
def full_timeline(zhang_wei: Any, consultant_a: Any, dict_entry: Any) -> Any:
    """张伟 with every kind of timeline entry: created, changed, vehicle added and changed,
    two mileage readings, a contact with the customer, a contact added and changed."""
    from datetime import date, datetime
    from zoneinfo import ZoneInfo

    from django_scopes import scope

    from autocrm.customers.models import Contact
    from autocrm.customers.services import (
        contact_add,
        customer_update,
        interaction_record,
        mileage_record,
        vehicle_add,
    )

    actor = consultant_a
    long_term = dict_entry(actor.dealer, "trade_relationship", "long_term")
    with scope(dealer=actor.dealer_id):
        customer_update(
            actor=actor,
            customer=zhang_wei,
            data={"mobile": "13987654321", "trade_relationship": long_term},
        )
        vehicle = vehicle_add(
            actor=actor,
            customer=zhang_wei,
            data={
                "vin": "LSVAM4187C2184847",
                "plate_number": "粤B12345",
                "mileage_km": 12000,
                "mileage_read_on": date(2024, 1, 10),
                "bought_here": True,
            },
        )
        mileage_record(
            actor=actor, vehicle=vehicle, mileage_km=20000, read_on=date(2024, 6, 1),
            source="workshop",
        )  # fmt: skip
        interaction_record(
            actor=actor,
            customer=zhang_wei,
            data={
                "kind": "follow_up",
                "channel": "phone",
                "summary": "交车回访",
                "outcome": "满意",
                "occurred_at": datetime(2024, 6, 2, 10, 30, tzinfo=ZoneInfo("Asia/Shanghai")),
            },
        )
        contact_add(
            actor=actor, customer=zhang_wei, data={"contact_type": "referrer", "name": "赵强"}
        )
        contact = Contact.objects.get(customer=zhang_wei)
        contact.mobile = "+8613511112222"
        contact._history_user = actor
        contact.save()
    return zhang_wei


def test_customer_360_timeline_shows_every_kind_of_entry(
    page: Any, live_server: Any, full_timeline: Any, consultant_a: Any, gm_a: Any
) -> None:
    """The profile page's timeline, as the responsible consultant and masked for the GM."""
    login(page, live_server, consultant_a)
    page.goto(f"{live_server.url}/customers/{full_timeline.pk}/")
    timeline = page.get_by_test_id("timeline")
    expect(timeline.locator("li")).to_have_count(9)
    expect(timeline).to_contain_text("粤B12345")
    expect(timeline).to_contain_text("20000 km")
    expect(timeline).to_contain_text("交车回访")
    expect(timeline).to_contain_text("+8613987654321")
    expect(timeline).to_contain_text("+8613511112222")
    screenshot(page, "customer-timeline")

    page.context.clear_cookies()
    login(page, live_server, gm_a)
    page.goto(f"{live_server.url}/customers/{full_timeline.pk}/")
    timeline = page.get_by_test_id("timeline")
    expect(timeline.locator("li")).to_have_count(9)
    expect(timeline).to_contain_text("139****4321")
    expect(timeline).to_contain_text("135****2222")
    html = page.content()
    for clear in ("13987654321", "13511112222", "13812345678"):
        assert clear not in html, clear
    screenshot(page, "customer-timeline-masked")


def test_hq_workbench(page: Any, live_server: Any, hq_analyst: Any, showroom: list[Any]) -> None:
    """HQ's workbench: the dealers' figures, no person (the card quality registers for HQ)."""
    login(page, live_server, hq_analyst)
    response = page.goto(f"{live_server.url}/")
    assert response is not None and response.status == 200
    table = page.get_by_test_id("dealer-table")
    expect(table).to_be_visible()
    expect(table.locator("tbody tr")).to_have_count(1)
    expect(page.get_by_test_id("my-quality")).to_have_count(0)
    screenshot(page, "workbench-hq")
