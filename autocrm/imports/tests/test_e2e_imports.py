"""End-to-end: upload a file, correct a column mapping, read the errors, apply, undo."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django_scopes import scopes_disabled
from playwright.sync_api import expect

from autocrm.imports.tests.files import xlsx
from autocrm.testing.browser import login, screenshot

pytestmark = pytest.mark.e2e


def test_import_preview_correct_mapping_apply_and_undo(
    page: Any, live_server: Any, cr_a: Any, tmp_path: Any
) -> None:
    from autocrm.customers.models import Customer

    path = tmp_path / "DMS导出.xlsx"
    path.write_bytes(
        xlsx(
            [
                ["客户", "手机号码", "联系地址", "车架号"],
                ["张伟", "13912345678", "广东省深圳市南山区科技园路8号", "LSVAM4187C2184847"],
                ["李娜", "1391234", "广东省深圳市福田区深南大道1001号", ""],
                ["王芳", "13912345600", "", "lfv2a21k9f3000001"],
            ],
            title="客户档案导出",
        )
    )
    login(page, live_server, cr_a)
    page.goto(f"{live_server.url}/imports/upload/")
    page.set_input_files("input[type=file]", str(path))
    with page.expect_navigation():
        page.get_by_test_id("upload-form").locator("button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/imports/\d+/preview/$"))
    # "客户" is not a known header: every row lacks a name until the mapping is corrected.
    expect(page.get_by_test_id("count-rejected")).to_have_text("3")
    screenshot(page, "import-preview-unmapped")

    page.select_option("select[data-column='客户']", "name")
    page.fill("#save_as", "DMS 导出")
    with page.expect_navigation():
        page.get_by_test_id("mapping-form").locator("button[type=submit]").click()
    expect(page.get_by_test_id("count-new")).to_have_text("2")
    expect(page.get_by_test_id("count-rejected")).to_have_text("1")
    errors = page.get_by_test_id("error-table").locator("tbody tr")
    expect(errors).to_have_count(1)
    expect(errors.first.locator("td").nth(0)).to_have_text("6")  # title, blank, blank, header
    expect(errors.first.locator("td").nth(1)).to_have_text("手机号码")
    expect(errors.first.locator("td").nth(2)).to_have_text("1391234")
    screenshot(page, "import-preview")

    with page.expect_navigation():
        page.get_by_test_id("apply").click()
    expect(page).to_have_url(re.compile(r"/imports/\d+/$"))
    expect(page.locator("#progress .progress-bar")).to_have_text("100%")
    with scopes_disabled():
        assert set(Customer.objects.values_list("name", flat=True)) == {"张伟", "王芳"}
    screenshot(page, "import-result")

    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        page.get_by_test_id("undo").click()
    expect(page.locator(".alert-success")).to_be_visible()
    with scopes_disabled():
        assert not Customer.objects.exists()
    page.goto(f"{live_server.url}/imports/")
    expect(page.get_by_test_id("import-history").locator("tbody tr")).to_have_count(1)
    screenshot(page, "import-history")
