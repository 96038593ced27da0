"""End-to-end: a customer-relations officer draws a sample, phones records, reads the funnel.

Asserts on data-testid hooks, field names and numbers, never on translated labels.
"""

from __future__ import annotations

from typing import Any

import pytest
from django_scopes import scopes_disabled
from playwright.sync_api import expect

from autocrm.testing.browser import login, screenshot

pytestmark = pytest.mark.e2e

ADDRESS = "广东省深圳市南山区科苑路15号"


@pytest.fixture
def records(make_customer: Any, cr_a: Any) -> list[Any]:
    return [
        make_customer(cr_a, name=name, mobile=mobile, address=ADDRESS)
        for name, mobile in (("张伟", "13812345678"), ("李娜", "13900001111"))
    ]


def test_verification_flow(context: Any, live_server: Any, cr_a: Any, records: list[Any]) -> None:
    page = context.new_page()
    login(page, live_server, cr_a)
    page.goto("/quality/verification/")
    page.fill("#id_name", "抽样核实")
    page.fill("#id_size", "2")
    page.fill("#id_seed", "5")
    page.click("[data-testid=draw]")
    expect(page.locator("[data-testid=calls-table] tbody tr")).to_have_count(2)
    screenshot(page, "verification-sample-new")

    page.click("[data-testid=start-calling]")
    expect(page.locator("[data-testid=mobile]")).to_contain_text("138 1234 5678")
    page.check("input[name=outcome][value=reached]")
    page.check("#id_name_ok")
    page.check("#id_address_ok")
    page.check("#id_direct_mail_ok")
    page.fill("#id_mobile", "13812345679")  # corrected during the call
    screenshot(page, "verification-call")
    page.click("[data-testid=save-call]")

    # on to the second record: the number is someone else's
    expect(page.locator("[data-testid=mobile]")).to_contain_text("139 0000 1111")
    page.check("input[name=outcome][value=not_the_person]")
    page.click("[data-testid=save-call]")

    expect(page.locator("[data-testid=funnel-table]")).to_be_visible()
    expect(page.locator("tr[data-stage=reached]")).to_contain_text("50.0%")
    expect(page.locator("tr[data-stage=fully_valid]")).to_contain_text("50.0%")
    expect(page.locator("tr[data-stage=direct_mail]")).to_contain_text("50.0%")
    expect(page.locator("tr[data-outcome=not_the_person]")).to_contain_text("50.0%")
    screenshot(page, "verification-funnel")

    from autocrm.customers.models import Customer

    with scopes_disabled():
        first, second = (Customer.objects.get(pk=r.pk) for r in records)
    assert first.mobile == "+8613812345679" and first.accuracy_status == "verified"
    assert second.mobile_flagged_wrong and second.accuracy_status == "wrong"
