"""Leads from an uploaded platform export: realistic exports (an 汽车之家 workbook with a title
row, a 懂车帝 CSV in GBK), the preview's counts and refusals, the apply through `lead_receive`,
an idempotent re-import, the pages and who may open them, and a crafted file refused fast."""

from __future__ import annotations

import csv
import io
import os
import time
import zipfile
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import pytest
import xlsxwriter
from django.core.exceptions import PermissionDenied
from django_scopes import scope

from autocrm.customers.models import Customer
from autocrm.imports.errors import ImportFileError
from autocrm.imports.reader import read_cells
from autocrm.sales import lead_import
from autocrm.sales.lead_import import (
    column_message,
    lead_import_apply,
    lead_import_claim,
    lead_import_upload,
    lead_upload_get,
    row_message,
)
from autocrm.sales.lead_import_columns import lead_mapping, received_time
from autocrm.sales.models import Lead, LeadStatus
from autocrm.sales.tests.conftest import local
from autocrm.testing.access import MISSING_ID, assert_denied, assert_forbidden

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Any) -> Any:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


# --- the files -----------------------------------------------------------------------------

AUTOHOME_HEADER = [
    "线索ID", "客户姓名", "手机号", "意向车系", "省份", "城市", "经销商名称", "留资时间", "备注",
]  # fmt: skip
DATE = object()  # a marker: write the cell as an Excel date cell


def xlsx(rows: Sequence[Sequence[Any]], *, title: str | None = None) -> bytes:
    """An .xlsx as a platform's back office writes it; with `title`, a merged title row and an
    export-time row above the header. datetime values are date cells, floats number cells."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet("线索明细")
    when = book.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
    offset = 0
    if title:
        sheet.merge_range(0, 0, 0, len(rows[0]) - 1, title)
        sheet.write_string(1, 0, "导出时间：2026-12-01 09:00")
        offset = 2
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is None:
                continue
            if isinstance(value, datetime):
                sheet.write_datetime(r + offset, c, value, when)
            elif isinstance(value, (int, float)):
                sheet.write_number(r + offset, c, value)
            else:
                sheet.write_string(r + offset, c, str(value))
    book.close()
    return buffer.getvalue()


def csv_bytes(rows: Sequence[Sequence[Any]], encoding: str) -> bytes:
    text = io.StringIO()
    csv.writer(text).writerows(rows)
    return text.getvalue().encode(encoding)


def autohome_rows() -> list[list[Any]]:
    """Header in row 3 (title and export time above): the data rows are rows 4 to 13."""
    return [
        AUTOHOME_HEADER,
        # 4: full-width digits
        ["AH-1001", "王建国", "１３９１２３４５６７８", "朗逸", "广东省", "深圳市", "XX大众4S店",
         "2026-11-03 14:22:05", "想看白色"],
        # 5: +86 and dashes; a date cell
        ["AH-1002", "刘芳", "+86 139-1234-5679", "凯美瑞 2.0G 豪华版", "广东", "广州",
         "XX大众4S店", datetime(2026, 11, 4, 9, 30), ""],
        # 6: no lead id (a synthetic one), an Excel serial
        ["", "陈立", "13712345678", "", "", "佛山", "XX大众4S店", 46330.5, "—"],
        # 7: not a mobile
        ["AH-1004", "赵敏", "12345", "朗逸", "", "", "XX大众4S店", "2026/11/5 10:00", ""],
        # 8: no mobile at all
        ["AH-1005", "孙丽", "", "朗逸", "", "", "XX大众4S店", "2026/11/5 11:00", ""],
        # 9: the same person as row 4 two days later: a repeat
        ["AH-1006", "王先生", "13912345678", "朗逸", "", "深圳", "XX大众4S店",
         "2026-11-05 16:00", ""],
        # 10: a number a known customer holds, under another name: her household
        ["AH-1007", "周杰", "13600001111", "", "", "", "XX大众4S店", "2026-11-06 10:00", ""],
        # 11: received before through the platform's push
        ["AH-0999", "吴昊", "13500002222", "", "", "", "XX大众4S店", "2026-11-02 10:00", ""],
        # 12: a time that is no time
        ["AH-1009", "郑爽", "13500003333", "", "", "", "XX大众4S店", "上周三", ""],
        # 13: a full row with a 12-hour time
        ["AH-1010", "冯伟", "13500004444", "宝来", "", "", "XX大众4S店",
         "2026年11月7日 下午3:05", "留言：周末到店"],
    ]  # fmt: skip


@pytest.fixture
def household_anchor(make_customer: Any, consultant_a: Any) -> Any:
    return make_customer(consultant_a, name="李秀英", mobile="13600001111")


@pytest.fixture
def pushed_before(receive: Any, cr_a: Any) -> Any:
    return receive(
        cr_a, source="autohome", external_id="AH-0999", name="吴昊", mobile="13500002222"
    ).lead


def upload(actor: Any, content: bytes, filename: str, source: str = "autohome") -> Any:
    with scope(dealer=actor.dealer_id):
        return lead_import_upload(actor=actor, content=content, filename=filename, source=source)


def apply(actor: Any, kept: Any, **options: Any) -> Any:
    with scope(dealer=actor.dealer_id):
        claim = lead_import_claim(actor=actor, upload=kept)
        assert claim
        lead_import_apply(actor=actor, upload=kept, claim=claim, **options)
    kept.reload()
    return kept


def leads_of(actor: Any) -> dict[str, Lead]:
    with scope(dealer=actor.dealer_id):
        return {
            lead.external_id: lead
            for lead in Lead.objects.filter(dealer_id=actor.dealer_id).select_related("customer")
        }


def refusals(kept: Any) -> set[tuple[int, str]]:
    return {(e["row"], e["column"]) for e in kept.state["refused"]}


# --- preview and apply ---------------------------------------------------------------------


def test_an_autohome_export_is_previewed_then_received(
    cr_a: Any, consultant_a: Any, household_anchor: Any, pushed_before: Any
) -> None:
    kept = upload(cr_a, xlsx(autohome_rows(), title="汽车之家 线索明细 2026-11"), "线索.xlsx")
    state = kept.state
    assert state["header_row"] == 3 and state["total"] == 10
    assert state["preview"] == {"new": 5, "replay": 1, "repeat": 1, "refused": 3}
    assert "经销商名称" in state["ignored"]
    assert refusals(kept) == {(7, "手机号"), (8, "手机号"), (12, "留资时间")}
    rows = {r["row"]: r for r in kept.rows()}
    assert rows[4]["mobile"] == "139 1234 5678" and rows[4]["at"] == "2026-11-03 14:22"
    assert rows[9]["outcome"] == "repeat" and "4" in rows[9]["remark"]
    assert rows[11]["outcome"] == "replay"
    # 第 7 行：手机号 — 请输入有效的中国大陆手机号（以1开头的11位数字）。
    mobile_rule = "请输入有效的中国大陆手机号（以1开头的11位数字）。"
    assert rows[7]["messages"] == [column_message("手机号", mobile_rule)]
    assert rows[12]["messages"][0].startswith(column_message("留资时间", ""))
    assert row_message(7, "手机号", mobile_rule) in {
        row_message(e["row"], e["column"], e["message"]) for e in state["refused"]
    }
    with scope(dealer=cr_a.dealer_id):
        assert Lead.objects.count() == 1  # the preview writes nothing

    kept = apply(cr_a, kept)
    assert kept.status == "applied"
    result = kept.state["result"]
    assert (result["new"], result["repeat"], result["replay"], result["refused"]) == (5, 1, 1, 3)
    assert result["match_household"] == 1
    leads = leads_of(cr_a)
    assert len(leads) == 1 + 6
    first = leads["AH-1001"]
    assert first.mobile == "+8613912345678" and first.city == "广东省深圳市"
    assert first.received_at == local(2026, 11, 3, 14, 22, 5)
    assert first.series is not None and first.series.name == "朗逸"
    assert first.note == "想看白色" and first.raw["row"] == 4
    assert first.due_at is None  # a month-old export row starts no clock (leads.CLOCK_HORIZON)
    assert leads["AH-1002"].mobile == "+8613912345679"
    assert leads["AH-1002"].received_at == local(2026, 11, 4, 9, 30)
    assert leads["AH-1006"].status == LeadStatus.REPEAT
    assert leads["AH-1006"].repeat_of_id == first.pk
    household = leads["AH-1007"]
    assert household.match == "household" and household.customer_id != household_anchor.pk
    assert leads["AH-1010"].received_at == local(2026, 11, 7, 15, 5)
    synthetic = [lead for key, lead in leads.items() if key.startswith("file-")]
    assert len(synthetic) == 1
    assert synthetic[0].name == "陈立" and synthetic[0].raw["synthetic_id"] is True
    assert synthetic[0].received_at == local(2026, 11, 4, 12, 0)  # 46330.5
    assert synthetic[0].note == ""  # "—" is no note


def test_importing_the_same_file_again_changes_nothing(
    cr_a: Any, household_anchor: Any, pushed_before: Any
) -> None:
    content = xlsx(autohome_rows(), title="汽车之家 线索明细 2026-11")
    apply(cr_a, upload(cr_a, content, "线索.xlsx"))
    with scope(dealer=cr_a.dealer_id):
        before = (Lead.objects.count(), Customer.objects.count())
        counts = sorted(Lead.objects.values_list("repeat_count", flat=True))
    again = upload(cr_a, content, "线索(1).xlsx")
    assert again.state["preview"] == {"new": 0, "replay": 7, "repeat": 0, "refused": 3}
    again = apply(cr_a, again)
    assert again.state["result"]["replay"] == 7
    assert again.state["result"].get("new", 0) == 0
    with scope(dealer=cr_a.dealer_id):
        assert (Lead.objects.count(), Customer.objects.count()) == before
        assert sorted(Lead.objects.values_list("repeat_count", flat=True)) == counts


def test_a_dongchedi_csv_in_gbk(cr_a: Any) -> None:
    rows = [
        ["订单号", "用户名", "联系电话", "车型", "所在城市", "下单时间", "门店", "门店电话"],
        ["7301234567890123456", "张伟", "139 1234 0001", "大众 朗逸", "北京", "2026/11/3 14:22",
         "XX店", "010-88886666"],
        ["7301234567890123457", "李娜", "13912340002.0", "", "上海", "2026-11-03 15:00:00",
         "XX店", "010-88886666"],
    ]  # fmt: skip
    kept = upload(cr_a, csv_bytes(rows, "gbk"), "懂车帝线索.csv", source="dongchedi")
    assert kept.state["preview"]["new"] == 2
    assert {c["header"]: c["field"] for c in kept.state["columns"]}["门店电话"] == ""
    apply(cr_a, kept)
    leads = leads_of(cr_a)
    first = leads["7301234567890123456"]
    assert first.source == "dongchedi" and first.name == "张伟"
    assert first.received_at == datetime(2026, 11, 3, 6, 22, tzinfo=UTC)  # Beijing 14:22
    assert leads["7301234567890123457"].mobile == "+8613912340002"


def test_an_id_excel_rounded_is_refused(cr_a: Any) -> None:
    rows = [["线索ID", "姓名", "手机"], [7.301234567890123e18, "张伟", "13912340001"]]
    kept = upload(cr_a, xlsx(rows), "线索.xlsx")
    assert refusals(kept) == {(2, "线索ID")}


def test_utf8_with_bom_and_the_note_columns_joined(cr_a: Any) -> None:
    rows = [
        ["线索编号", "姓名", "手机", "意向车型", "备注", "留言", "创建时间"],
        ["YC-1", "张伟", "13912340001", "朗逸", "要现车", "周末来", "2026-11-03 14:22"],
    ]
    apply(cr_a, upload(cr_a, csv_bytes(rows, "utf-8-sig"), "易车.csv", source="yiche"))
    assert leads_of(cr_a)["YC-1"].note == "备注: 要现车; 留言: 周末来"


def test_a_file_without_a_mobile_column_is_refused_with_the_reason(cr_a: Any) -> None:
    rows = [["线索ID", "客户姓名", "城市"], ["AH-1", "张伟", "深圳"]]
    with pytest.raises(ImportFileError) as refused:
        upload(cr_a, xlsx(rows), "线索.xlsx")
    assert "线索ID、客户姓名、城市" in str(refused.value)


def test_a_failed_chunk_stops_the_import_and_applying_again_resumes(
    cr_a: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = [["线索ID", "姓名", "手机", "留资时间"]]
    rows += [[f"AH-{i}", f"客户{i}", f"1391234{i:04d}", f"2026-11-0{1 + i // 3} 10:0{i % 3}"]
             for i in range(6)]  # fmt: skip
    kept = upload(cr_a, xlsx(rows), "线索.xlsx")
    real = lead_import.lead_receive

    def failing(*, actor: Any, data: Any) -> Any:
        if data["external_id"] == "AH-3":
            raise RuntimeError("database went away")
        return real(actor=actor, data=data)

    monkeypatch.setattr(lead_import, "lead_receive", failing)
    kept = apply(cr_a, kept, chunk_size=2)
    assert kept.status == "failed"
    message = kept.state["error_message"]  # AH-2 and AH-3 are rows 4 and 5: from row 4 on
    assert " 4 " in message and "database went away" in message
    assert len(leads_of(cr_a)) == 2  # the first chunk; the second was rolled back
    monkeypatch.setattr(lead_import, "lead_receive", real)
    kept = apply(cr_a, kept, chunk_size=2)
    assert kept.status == "applied"
    assert (kept.state["result"]["replay"], kept.state["result"]["new"]) == (2, 4)
    assert len(leads_of(cr_a)) == 6


def test_one_claim_at_a_time_and_a_stalled_one_is_taken_over(cr_a: Any) -> None:
    rows = [["线索ID", "姓名", "手机"], ["AH-1", "张伟", "13912340001"]]
    kept = upload(cr_a, xlsx(rows), "线索.xlsx")
    with scope(dealer=cr_a.dealer_id):
        first = lead_import_claim(actor=cr_a, upload=kept)
        assert first and not lead_import_claim(actor=cr_a, upload=kept)  # a second click
        state = kept.folder / "state.json"
        old = time.time() - (lead_import.STALLED_MINUTES + 1) * 60
        os.utime(state, (old, old))  # its worker never ran
        assert kept.stalled
        second = lead_import_claim(actor=cr_a, upload=kept)
        assert second and second != first
        lead_import_apply(actor=cr_a, upload=kept, claim=first)  # the stale worker: no-op
        assert kept.status == "queued" and not leads_of(cr_a)
        lead_import_apply(actor=cr_a, upload=kept, claim=second)
    assert kept.status == "applied" and set(leads_of(cr_a)) == {"AH-1"}


# --- cells and columns ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-11-03 14:22:05", local(2026, 11, 3, 14, 22, 5)),
        ("2026/11/3 14:22", local(2026, 11, 3, 14, 22)),
        ("2026年11月3日 14时22分", local(2026, 11, 3, 14, 22)),
        ("２０２６－１１－０３　１４：２２", local(2026, 11, 3, 14, 22)),
        ("2026-11-03", local(2026, 11, 3)),
        (46329.5, local(2026, 11, 3, 12)),
        ("46329.5", local(2026, 11, 3, 12)),
        (datetime(2026, 11, 3, 14, 22), local(2026, 11, 3, 14, 22)),
        ("2026-11-03T06:22:00Z", local(2026, 11, 3, 14, 22)),
        ("1793686920", local(2026, 11, 3, 14, 22)),  # a Unix time
        ("", None),
    ],
)
def test_received_times(value: Any, expected: datetime | None) -> None:
    assert received_time(value) == expected


def test_the_column_table() -> None:
    headers = ["序号", "线索ID", "客户姓名", "电话", "手机号码", "意向车系", "品牌",
               "所在城市", "经销商电话", "销售顾问", "下单时间", "创建时间", "用户留言",
               "线索状态"]  # fmt: skip
    mapping = dict(zip(headers, lead_mapping(headers), strict=True))
    assert mapping["序号"] == ""  # a row counter is no lead id
    assert (mapping["线索ID"], mapping["客户姓名"]) == ("external_id", "name")
    assert (mapping["手机号码"], mapping["电话"]) == ("mobile", "")  # the more specific name
    assert (mapping["意向车系"], mapping["品牌"], mapping["所在城市"]) == (
        "model_text", "brand", "city"
    )  # fmt: skip
    assert mapping["经销商电话"] == mapping["销售顾问"] == ""  # the dealer's, not the customer's
    assert (mapping["下单时间"], mapping["创建时间"]) == ("received_at", "")
    assert (mapping["用户留言"], mapping["线索状态"]) == ("note", "")


# --- pages and access ----------------------------------------------------------------------


def test_the_pages_upload_preview_apply_and_download(client: Any, cr_a: Any) -> None:
    client.force_login(cr_a)
    assert client.get("/sales/leads/").status_code == 200  # links to the import
    assert client.get("/sales/leads/import/").status_code == 200
    content = xlsx(autohome_rows(), title="汽车之家 线索明细")
    response = client.post(
        "/sales/leads/import/",
        {"source": "autohome", "file": _file(content, "线索.xlsx")},
    )
    assert response.status_code == 302
    page = client.get(response["Location"])
    text = page.content.decode()
    assert page.status_code == 200 and 'data-testid="count-new">6<' in text
    assert "手机号 — 请输入有效的中国大陆手机号" in text and "139 1234 5678" in text
    refused = client.get(response["Location"] + "refused.xlsx")
    sheet = read_cells(refused.content, "refused.xlsx")
    assert sheet[0][: len(AUTOHOME_HEADER)] == AUTOHOME_HEADER and "错误" in sheet[0]
    assert [row[1] for row in sheet[1:]] == ["赵敏", "孙丽", "郑爽"]  # the file's refused rows
    applied = client.post(response["Location"] + "apply/")
    assert applied.status_code == 302
    result = client.get(applied["Location"]).content.decode()
    assert 'data-testid="lead-import-result"' in result
    assert len(leads_of(cr_a)) == 7
    again = client.post(response["Location"] + "apply/", follow=True)
    assert again.status_code == 200 and len(leads_of(cr_a)) == 7
    polled = client.get(response["Location"], headers={"HX-Request": "true"})
    assert polled.status_code == 200 and polled["HX-Refresh"] == "true"
    discarded = client.post(response["Location"] + "discard/")
    assert discarded.status_code == 302
    assert client.get(response["Location"]).status_code == 404


def _file(content: bytes, name: str) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content)


def test_a_bad_file_is_refused_on_the_page_not_a_500(client: Any, cr_a: Any) -> None:
    client.force_login(cr_a)
    for name, content in (
        ("线索.pdf", b"%PDF-1.4"),
        ("线索.xlsx", b"PK\x03\x04 not really a zip"),
        ("线索.csv", b"\x00\x01\x02\xff\xfe" * 100),
        ("线索.xlsx", xlsx([["a", "b"], ["1", "2"]])),
    ):
        response = client.post(
            "/sales/leads/import/", {"source": "yiche", "file": _file(content, name)}
        )
        assert response.status_code == 200, name
        assert 'data-testid="file-error"' in response.content.decode(), name


def bomb() -> bytes:
    """The issue's crafted workbook: A1 and XFD1048576, dimension A1:XFD1048576 (512 GiB for a
    reader that allocates the rectangle), 1.6 KB."""
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.'
            'org/package/2006/content-types"><Default Extension="rels" ContentType="application/'
            'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType='
            '"application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName='
            '"/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.spreadsheetml.worksheet+xml"/></Types>'
        ),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
            'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http:'
            '//schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
            'Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats'
            '.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/'
            'officeDocument/2006/relationships"><sheets><sheet name="线索" sheetId="1" r:id='
            '"rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
            'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http:'
            '//schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target='
            '"worksheets/sheet1.xml"/></Relationships>'
        ),
        "xl/worksheets/sheet1.xml": (
            '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.'
            'openxmlformats.org/spreadsheetml/2006/main"><dimension ref="A1:XFD1048576"/>'
            '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>姓名</t></is></c></row>'
            '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'
            "</sheetData></worksheet>"
        ),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def test_a_crafted_workbook_is_refused_fast_with_the_reason(client: Any, cr_a: Any) -> None:
    content = bomb()
    assert len(content) < 2000
    client.force_login(cr_a)
    started = time.perf_counter()
    response = client.post(
        "/sales/leads/import/", {"source": "autohome", "file": _file(content, "线索.xlsx")}
    )
    assert time.perf_counter() - started < 5
    assert response.status_code == 200
    text = response.content.decode()
    assert 'data-testid="file-error"' in text and "XFD" in text and "16,384" in text


def test_who_may_import(client: Any, advisor_a: Any, gm_a: Any, hq_analyst: Any) -> None:
    for staff in (advisor_a, gm_a, hq_analyst):
        client.force_login(staff)
        assert_forbidden(client.get("/sales/leads/import/"))
    with pytest.raises(PermissionDenied), scope(dealer=advisor_a.dealer_id):
        lead_import_upload(
            actor=advisor_a, content=xlsx(autohome_rows()), filename="x.xlsx", source="autohome"
        )


@pytest.mark.parametrize("who", ["colleague", "manager", "other_dealer", "hq", "anonymous"])
@pytest.mark.parametrize("suffix", ["", "refused.xlsx", "apply/", "discard/"])
def test_only_the_uploader_opens_an_upload(steward_actors: Any, who: str, suffix: str) -> None:
    kept = upload(steward_actors.owner, xlsx(autohome_rows()), "线索.xlsx")
    client = steward_actors.client(who)
    send = client.post if suffix in ("apply/", "discard/") else client.get
    url = f"/sales/leads/import/{kept.id}/{suffix}"
    missing = send(f"/sales/leads/import/{MISSING_ID}/{suffix}")
    assert_denied(send(url), like=missing)
    kept.reload()
    assert kept.status == "previewed"
    with scope(dealer=steward_actors.owner.dealer_id):
        assert lead_upload_get(actor=steward_actors.owner, upload_id=kept.id).status == "previewed"
