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
    # "客户" is not a known header: every row lacks a name until the mapping is corrected;
    # only the row with nothing else that identifies someone (a bad mobile, no VIN) is
    # rejected (issue #12).
    expect(page.get_by_test_id("count-rejected")).to_have_text("1")
    screenshot(page, "import-preview-unmapped")

    page.select_option("select[data-column='客户']", "name")
    page.fill("#save_as", "DMS 导出")
    with page.expect_navigation():
        page.get_by_test_id("mapping-form").locator("button[type=submit]").click()
    expect(page.get_by_test_id("count-new")).to_have_text("3")
    expect(page.get_by_test_id("count-rejected")).to_have_text("0")
    expect(page.get_by_test_id("count-problems")).to_have_text("1")
    problems = page.get_by_test_id("problem-table").locator("tbody tr")
    expect(problems).to_have_count(1)
    expect(problems.first.locator("td").nth(0)).to_have_text("6")  # title, blank, blank, header
    expect(problems.first.locator("td").nth(1)).to_have_text("手机号码")
    expect(problems.first.locator("td").nth(2)).to_have_text("1391234")
    screenshot(page, "import-preview")

    with page.expect_navigation():
        page.get_by_test_id("apply").click()
    expect(page).to_have_url(re.compile(r"/imports/\d+/$"))
    expect(page.locator("#progress .progress-bar")).to_have_text("100%")
    with scopes_disabled():
        assert set(Customer.objects.values_list("name", flat=True)) == {"张伟", "李娜", "王芳"}
        assert Customer.objects.get(name="李娜").mobile == ""  # left out, not the customer
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


def test_unknown_consultants_are_mapped_at_preview(
    page: Any, live_server: Any, cr_a: Any, consultant_a: Any, tmp_path: Any
) -> None:
    """Issue #12: consultant names that are no staff member here do not reject rows; the
    preview lists them with their counts, one is mapped to a consultant, the other left
    unassigned, and the mapping is saved for the source."""
    from autocrm.customers.models import Customer
    from autocrm.imports.models import ImportSource

    path = tmp_path / "其他系统导出.xlsx"
    path.write_bytes(
        xlsx(
            [
                ["客户姓名", "手机号码", "销售顾问"],
                ["张伟", "13912345678", "老刘"],
                ["李娜", "13912345679", "老刘"],
                ["王芳", "13912345600", "小陈"],
                ["赵六", "13912345601", ""],
            ]
        )
    )
    login(page, live_server, cr_a)
    page.goto(f"{live_server.url}/imports/upload/")
    page.set_input_files("input[type=file]", str(path))
    with page.expect_navigation():
        page.get_by_test_id("upload-form").locator("button[type=submit]").click()
    expect(page.get_by_test_id("count-rejected")).to_have_text("0")
    expect(page.get_by_test_id("count-new")).to_have_text("4")
    mapping = page.get_by_test_id("staff-mapping")
    rows = mapping.locator("tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0).locator("td").nth(0)).to_have_text("老刘")  # most rows first
    expect(rows.nth(0).locator("td").nth(1)).to_have_text("2")
    expect(rows.nth(1).locator("td").nth(0)).to_have_text("小陈")
    page.select_option("select[data-staff-name='老刘']", str(consultant_a.pk))
    # 小陈 stays "(leave unassigned)"
    screenshot(page, "import-preview-consultants")
    with page.expect_navigation():
        page.get_by_test_id("save-staff-mapping").click()
    expect(page.locator("select[data-staff-name='老刘']")).to_have_value(str(consultant_a.pk))
    expect(page.locator("select[data-staff-name='小陈']")).to_have_value("")

    with page.expect_navigation():
        page.get_by_test_id("apply").click()
    expect(page.locator("#progress .progress-bar")).to_have_text("100%")
    expect(page.get_by_test_id("import-result")).to_be_visible()
    with scopes_disabled():
        staff = dict(Customer.objects.values_list("name", "responsible_staff_id"))
        assert staff["张伟"] == staff["李娜"] == consultant_a.pk
        source = ImportSource.objects.get()
        assert source.staff_mapping == {"老刘": consultant_a.pk, "小陈": None}
    page.get_by_test_id("created-customers").click()
    expect(page.get_by_test_id("list-filters")).to_be_visible()


def test_unmapped_consultants_customers_stay_unassigned_with_the_name_kept(
    page: Any, live_server: Any, cr_a: Any, tmp_path: Any
) -> None:
    from autocrm.customers.models import Customer

    path = tmp_path / "导出.xlsx"
    path.write_bytes(xlsx([["客户姓名", "手机号码", "销售顾问"], ["王芳", "13912345600", "小陈"]]))
    login(page, live_server, cr_a)
    page.goto(f"{live_server.url}/imports/upload/")
    page.set_input_files("input[type=file]", str(path))
    with page.expect_navigation():
        page.get_by_test_id("upload-form").locator("button[type=submit]").click()
    with page.expect_navigation():
        page.get_by_test_id("apply").click()
    expect(page.locator("#progress .progress-bar")).to_have_text("100%")
    with scopes_disabled():
        wang = Customer.objects.get(name="王芳")
        assert wang.responsible_staff_id is None
        assert [(v["field"], v["value"]) for v in wang.rejected_values] == [
            ("responsible_staff", "小陈")
        ]
