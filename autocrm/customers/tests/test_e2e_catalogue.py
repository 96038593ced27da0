"""End-to-end: a manager maps an unmatched vehicle model to the catalogue from the menu, in
headless Chromium against the live server."""

from __future__ import annotations

from typing import Any

import pytest
from django_scopes import scope, scopes_disabled
from playwright.sync_api import expect

from autocrm.catalogue.models import Series
from autocrm.catalogue.services import catalogue_load
from autocrm.customers.models import Vehicle
from autocrm.customers.services import vehicle_add
from autocrm.testing.browser import login, screenshot

pytestmark = pytest.mark.e2e


def test_a_manager_maps_an_unmatched_model(
    page: Any, live_server: Any, make_customer: Any, consultant_a: Any, manager_a: Any
) -> None:
    catalogue_load()  # the live server's database is flushed between tests
    customer = make_customer(consultant_a, name="李娜", mobile="13812345678")
    with scope(dealer=consultant_a.dealer_id):
        for vin in ("LVGBE40K4R0000001", "LVGBE40K6R0000002"):
            vehicle_add(
                actor=consultant_a,
                customer=customer,
                data={"vin": vin, "brand": "广汽", "model_name": "凯美瑞"},
            )
    camry = Series.objects.get(brand__name="丰田", name="凯美瑞")
    login(page, live_server, manager_a)
    with page.expect_navigation():
        page.locator('a[href="/customers/catalogue/unmatched/"]').first.click()
    row = page.get_by_test_id("unmatched-model").first
    expect(row).to_contain_text("广汽")
    expect(row.get_by_test_id("unmatched-count")).to_have_text("2")
    row.locator("select[name=series]").select_option(str(camry.pk))
    screenshot(page, "catalogue-unmatched")
    with page.expect_navigation():
        row.get_by_test_id("map-submit").click()
    expect(page.locator(".alert-success")).to_contain_text("2")
    expect(page.get_by_test_id("unmatched-model")).to_have_count(0)
    with scopes_disabled():
        assert set(Vehicle.objects.values_list("series_id", flat=True)) == {camry.pk}
