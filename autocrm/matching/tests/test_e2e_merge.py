"""End-to-end: the merge review in headless Chromium — queue, pair, choose, merge, undo.

Asserts on data-testid hooks and data, never on translated labels.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django_scopes import scope, scopes_disabled
from playwright.sync_api import expect

from autocrm.customers.models import Customer
from autocrm.matching import detection
from autocrm.matching.tests.legacy import same_id_twin
from autocrm.testing.browser import login, screenshot

pytestmark = pytest.mark.e2e


@pytest.fixture
def duplicates(cr_a: Any, make_customer: Any, dealer_a: Any) -> tuple[Any, Any]:
    first = make_customer(
        cr_a,
        name="任芳敏",
        mobile="13912345678",
        address="广东省广州市天河区天河路88号",
        email="ren@example.com",
    )
    second = make_customer(
        cr_a, name="任方敏", mobile="13912345679", address="广州市天河区天河路88号"
    )
    make_customer(cr_a, name="李雷", mobile="13700001111", address="广州市越秀区中山五路1号")
    with scope(dealer=dealer_a.pk):
        detection.duplicates_detect(dealer=dealer_a)
    return first, second


def test_review_merge_and_undo(page: Any, live_server: Any, cr_a: Any, duplicates: Any) -> None:
    first, second = duplicates
    login(page, live_server, cr_a)
    page.goto(f"{live_server.url}/duplicates/")
    table = page.get_by_test_id("candidate-table")
    expect(table).to_contain_text("任方敏")
    expect(table).not_to_contain_text("李雷")
    screenshot(page, "duplicates-queue")

    with page.expect_navigation():
        page.get_by_test_id("open-pair").first.click()
    expect(page.get_by_test_id("pair-table")).to_be_visible()
    expect(page.locator("tr[data-field=name]")).to_have_class(re.compile(r"cmp-close"))
    expect(page.locator("tr[data-field=address]")).to_have_class(re.compile(r"cmp-close"))
    # keep the first record, but take the second record's (correct) mobile
    page.get_by_test_id("survivor-low").check()
    page.get_by_test_id("f-name-low").check()
    page.get_by_test_id("f-mobile-high").check()
    screenshot(page, "duplicates-pair")
    with page.expect_navigation():
        page.get_by_test_id("merge").click()

    expect(page).to_have_url(re.compile(rf"/customers/{first.pk}/$"))
    expect(page.get_by_test_id("customer-name")).to_contain_text("任芳敏")
    expect(page.get_by_test_id("mobile")).to_contain_text("139 1234 5679")
    screenshot(page, "duplicates-merged-survivor")
    with scopes_disabled():
        assert Customer.objects.get(pk=second.pk).merged_into_id == first.pk

    page.goto(f"{live_server.url}/customers/{second.pk}/")
    expect(page.get_by_test_id("merged-banner")).to_be_visible()

    page.goto(f"{live_server.url}/duplicates/merges/")
    expect(page.get_by_test_id("merge-table")).to_contain_text("任方敏")
    screenshot(page, "duplicates-history")
    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        page.get_by_test_id("undo").click()
    expect(page.get_by_test_id("undo")).to_have_count(0)
    with scopes_disabled():
        assert Customer.objects.get(pk=second.pk).merged_into_id is None
        assert Customer.objects.get(pk=first.pk).mobile == "+8613912345678"
    page.goto(f"{live_server.url}/duplicates/")
    expect(page.get_by_test_id("candidate-table")).to_contain_text("任方敏")


def test_bulk_confirmation_and_hq_cross_dealer_page(
    page: Any,
    live_server: Any,
    cr_a: Any,
    make_staff: Any,
    make_customer: Any,
    dealer_b: Any,
    hq_analyst: Any,
) -> None:
    from autocrm.tenancy.roles import Role

    make_customer(cr_a, name="王强", id_type="resident_id", id_number="11010519491231002X")
    same_id_twin(make_customer, cr_a, name="王蔷", id_number="11010519491231002X")
    cr_b = make_staff(dealer_b, Role.CUSTOMER_RELATIONS)
    make_customer(cr_b, name="王强", id_type="resident_id", id_number="11010519491231002X")
    login(page, live_server, cr_a)
    page.goto(f"{live_server.url}/duplicates/exact/")
    expect(page.get_by_test_id("bulk-count")).to_be_visible()
    screenshot(page, "duplicates-bulk")
    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        page.get_by_test_id("bulk-merge").click()
    expect(page.get_by_test_id("merge-table")).to_contain_text("王")
    with scopes_disabled():
        assert Customer.objects.filter(dealer=cr_a.dealer, merged_into__isnull=True).count() == 1

    page.context.clear_cookies()
    login(page, live_server, hq_analyst)
    page.goto(f"{live_server.url}/duplicates/hq/")
    with page.expect_navigation():
        page.locator("form[method=post] button[type=submit]").last.click()
    table = page.get_by_test_id("hq-table")
    expect(table).to_contain_text("王*")
    expect(table).not_to_contain_text("王强")
    screenshot(page, "duplicates-hq")
