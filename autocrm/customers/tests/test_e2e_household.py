"""End-to-end: a household on the customer page, the vehicle page and the wrong-merge repair,
in headless Chromium against the live server. Asserts on data-testid hooks and numbers."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django_scopes import scope
from playwright.sync_api import expect

from autocrm.customers.services import vehicle_add
from autocrm.customers.tests.test_splitting import merged  # noqa: F401 - the fixture
from autocrm.testing.browser import LOCALE, VIEWPORT, login, screenshot

pytestmark = pytest.mark.e2e


def test_a_family_member_is_added_and_listed_masked_for_a_colleague(
    page: Any, browser: Any, live_server: Any, make_customer: Any, consultant_a: Any,
    consultant_a2: Any,
) -> None:  # fmt: skip
    zhang = make_customer(consultant_a, name="张伟", mobile="13812345678")
    make_customer(consultant_a, name="王芳", mobile="13700002222")
    login(page, live_server, consultant_a)
    page.goto(f"{live_server.url}/customers/{zhang.pk}/")
    with page.expect_navigation():
        page.get_by_test_id("household-add").click()
    # find 王芳, link her, she is the spouse and they share a second number
    page.fill("input[name=q]", "王芳")
    with page.expect_navigation():
        page.get_by_test_id("member-search").locator("button").click()
    with page.expect_navigation():
        page.get_by_test_id("member-choose").first.click()
    expect(page.get_by_test_id("member-chosen")).to_contain_text("王芳")
    page.select_option("#id_relation", "spouse")
    page.fill("#id_shared_number", "139 0000 1111")
    screenshot(page, "household-add")
    with page.expect_navigation():
        page.get_by_test_id("member-save").click()
    # and a son known by name only
    with page.expect_navigation():
        page.get_by_test_id("household-add").click()
    page.fill("#id_name", "张小明")
    page.select_option("#id_relation", "child")
    with page.expect_navigation():
        page.get_by_test_id("member-save").click()

    panel = page.get_by_test_id("household-panel")
    members = panel.get_by_test_id("household-member")
    expect(members).to_have_count(3)
    expect(members.filter(has_text="王芳").get_by_test_id("shared-number")).to_have_text(
        "139 0000 1111"
    )
    expect(members.filter(has_text="王芳").locator("a")).to_have_attribute(
        "href", f"/customers/{zhang.pk + 1}/"
    )
    expect(panel.get_by_test_id("other-numbers")).to_contain_text("139 0000 1111")
    screenshot(page, "household-panel")

    # a colleague (who sees other consultants' customers' mobiles masked) sees it masked
    other = browser.new_context(locale=LOCALE, viewport=VIEWPORT).new_page()
    login(other, live_server, consultant_a2)
    other.goto(f"{live_server.url}/customers/{zhang.pk}/")
    masked = other.get_by_test_id("household-panel")
    expect(masked.get_by_test_id("household-member").filter(has_text="王芳")).to_contain_text(
        "139****1111"
    )
    expect(masked).not_to_contain_text("139 0000 1111")
    expect(masked.get_by_test_id("household-add")).to_have_count(0)
    screenshot(other, "household-panel-masked")
    other.context.close()


def test_a_vehicle_is_transferred_and_its_owners_listed(
    page: Any, live_server: Any, make_customer: Any, consultant_a: Any
) -> None:
    zhang = make_customer(consultant_a, name="张伟", mobile="13812345678")
    lina = make_customer(consultant_a, name="李娜", mobile="13900001111")
    with scope(dealer=consultant_a.dealer_id):
        car = vehicle_add(
            actor=consultant_a, customer=zhang,
            data={"vin": "LSVAM4187C2184847", "plate_number": "粤B12345",
                  "purchase_date": date(2021, 3, 1)},
        )  # fmt: skip
    login(page, live_server, consultant_a)
    page.goto(f"{live_server.url}/customers/vehicles/{car.pk}/")
    page.fill("#id_new_owner", str(lina.pk))
    page.fill("#id_on", "2024-06-15")
    with page.expect_navigation():
        page.get_by_test_id("transfer-form").locator("button[type=submit]").click()
    expect(page.get_by_test_id("owner-period")).to_have_count(2)
    screenshot(page, "vehicle-owner-history")
    page.goto(f"{live_server.url}/customers/{zhang.pk}/")
    former = page.get_by_test_id("former-vehicle")
    expect(former.get_by_test_id("left-on")).to_have_text("2024-06-15")
    expect(former.get_by_test_id("owner-now")).to_have_text("李娜")
    screenshot(page, "customer-former-vehicles")


def test_a_steward_splits_a_wrong_merge(
    page: Any,
    live_server: Any,
    merged: Any,  # noqa: F811
    cr_a: Any,
) -> None:
    login(page, live_server, cr_a)
    page.goto(f"{live_server.url}/customers/wrong-merges/")
    expect(page.get_by_test_id("wrong-merge")).to_have_count(1)
    screenshot(page, "wrong-merges")
    with page.expect_navigation():
        page.get_by_test_id("split-open").click()
    expect(page.get_by_test_id("split-other")).to_contain_text("李娜")
    screenshot(page, "wrong-merge-split")
    with page.expect_navigation():
        page.get_by_test_id("split-confirm").click()
    expect(page.get_by_test_id("customer-name")).to_contain_text("张伟")
    expect(page.get_by_test_id("household-member").filter(has_text="李娜")).to_have_count(1)
    screenshot(page, "wrong-merge-after-split")
