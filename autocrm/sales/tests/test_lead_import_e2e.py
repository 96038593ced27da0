"""End-to-end: a platform export uploaded in the browser, its preview, the apply, the result."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from autocrm.sales.tests.test_lead_import import autohome_rows, bomb, xlsx
from autocrm.testing.browser import login, screenshot

pytestmark = pytest.mark.e2e


def test_an_export_uploaded_previewed_and_received(
    page: Any, live_server: Any, cr_a: Any, consultant_a: Any, tmp_path: Any, settings: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    path = tmp_path / "汽车之家线索.xlsx"
    path.write_bytes(xlsx(autohome_rows(), title="汽车之家 线索明细 2026-11"))
    login(page, live_server, cr_a)
    page.goto(f"{live_server.url}/sales/leads/")
    with page.expect_navigation():
        page.locator("a[href='/sales/leads/import/']").click()
    crafted = tmp_path / "线索.xlsx"
    crafted.write_bytes(bomb())
    page.select_option("select[name=source]", "autohome")
    page.set_input_files("input[type=file]", str(crafted))
    with page.expect_navigation():
        page.get_by_test_id("check").click()
    expect(page.get_by_test_id("file-error")).to_contain_text("XFD")
    screenshot(page, "lead-import-refused-file")

    page.select_option("select[name=source]", "autohome")
    page.set_input_files("input[type=file]", str(path))
    with page.expect_navigation():
        page.get_by_test_id("check").click()
    expect(page).to_have_url(re.compile(r"/sales/leads/import/[0-9a-f]{32}/$"))
    expect(page.get_by_test_id("count-new")).to_have_text("6")
    expect(page.get_by_test_id("count-repeat")).to_have_text("1")
    expect(page.get_by_test_id("count-refused")).to_have_text("3")
    expect(page.get_by_test_id("refusals").locator("li")).to_have_count(3)
    expect(page.get_by_test_id("ignored-columns")).to_contain_text("经销商名称")
    screenshot(page, "lead-import-preview")

    with page.expect_navigation():
        page.get_by_test_id("apply").click()
    expect(page.get_by_test_id("lead-import-result")).to_be_visible()
    expect(page.get_by_test_id("count-new")).to_have_text("6")
    screenshot(page, "lead-import-result")
