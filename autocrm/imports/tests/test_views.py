"""Import pages and the command: access rules (the five actors of autocrm.testing.access),
upload → preview → remap → apply → undo."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django_scopes import scope

from autocrm.customers.models import Customer
from autocrm.imports import services
from autocrm.imports.models import ImportBatch, ImportStatus
from autocrm.imports.reader import read_sheet
from autocrm.imports.tests.files import xlsx
from autocrm.testing.access import ACTORS, MISSING_ID, assert_allowed, assert_denied, client_as

pytestmark = pytest.mark.django_db

ROWS = [["客户", "手机", "地址"], ["张伟", "13912345678", "广东省深圳市南山区科技园路8号"],
        ["李娜", "139", ""],  # imported without the bad mobile (kept as written)
        ["", "138", ""]]  # nothing identifies anyone: rejected  # fmt: skip


def upload(client, rows=ROWS, name="客户.xlsx"):
    return client.post(
        reverse("imports:upload"),
        {"file": SimpleUploadedFile(name, xlsx(rows))},
    )


def test_upload_preview_remap_apply_undo(client, cr_a, dealer_a) -> None:
    client.force_login(cr_a)
    response = upload(client)
    with scope(dealer=dealer_a.pk):
        batch = ImportBatch.objects.get()
    assert response.status_code == 302  # to the check's progress, done at once in the tests
    assert response["Location"] == reverse("imports:checking", args=[batch.pk])
    checked = client.get(response["Location"])
    assert checked["Location"] == reverse("imports:preview", args=[batch.pk])
    page = client.get(checked["Location"]).content.decode()
    assert 'name="col0"' in page and batch.mapping == ["", "mobile", "address"]
    response = client.post(
        reverse("imports:preview", args=[batch.pk]),
        {"col0": "name", "col1": "mobile", "col2": "address", "save_as": "DMS"},
    )
    assert response["Location"] == reverse("imports:checking", args=[batch.pk])
    with scope(dealer=dealer_a.pk):
        batch.refresh_from_db()
        assert batch.mapping == ["name", "mobile", "address"]
        assert (batch.count_new, batch.count_problems, batch.count_rejected) == (2, 1, 1)
        assert batch.errors[0]["row"] == 4 and batch.errors[0]["column"] == "客户"
        assert batch.problems[0]["row"] == 3 and batch.problems[0]["column"] == "手机"
    page = client.get(reverse("imports:preview", args=[batch.pk])).content.decode()
    assert "13912345678" not in page  # only errors and problems are listed
    assert 'data-testid="problem-table"' in page and "<code>139</code>" in page
    assert 'data-testid="skip-problem-rows"' in page
    rejected = client.get(reverse("imports:rejected", args=[batch.pk]))
    assert rejected.status_code == 200
    sheet = read_sheet(rejected.content, "r.xlsx")
    assert [r[:2] for r in sheet.rows] == [["李娜", "139"], ["", "138"]]
    response = client.post(reverse("imports:apply", args=[batch.pk]))
    assert response.status_code == 302
    with scope(dealer=dealer_a.pk):
        batch.refresh_from_db()
        assert batch.status == ImportStatus.APPLIED
        assert Customer.objects.filter(name="张伟").exists()
        assert Customer.objects.get(name="李娜").mobile == ""  # imported without it
    page = client.get(reverse("imports:detail", args=[batch.pk])).content.decode()
    assert 'data-testid="undo"' in page
    assert 'data-testid="import-result"' in page
    assert f'href="/customers/?import={batch.pk}"' in page
    poll = client.get(reverse("imports:detail", args=[batch.pk]), HTTP_HX_REQUEST="true")
    assert poll["HX-Refresh"] == "true"
    undone = client.post(reverse("imports:undo", args=[batch.pk]), follow=True)
    said = undone.content.decode()  # what undo removed, by kind
    assert "2 customers and 0 vehicles deleted" in said or "删除了 2 位客户和 0 辆车" in said
    with scope(dealer=dealer_a.pk):
        batch.refresh_from_db()
        assert batch.status == ImportStatus.UNDONE
        assert not Customer.objects.exists()
    history = client.get(reverse("imports:history")).content.decode()
    assert "客户.xlsx" in history


def test_unreadable_upload_shows_the_reason(client, cr_a) -> None:
    """Read in the background: the check's page says why, and offers another upload."""
    client.force_login(cr_a)
    response = client.post(
        reverse("imports:upload"), {"file": SimpleUploadedFile("a.xlsx", b"garbage")}
    )
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="import-unreadable"' in html and reverse("imports:upload") in html
    # the detail and preview of the failed batch lead to the same page
    pk = int(response["Location"].rstrip("/").split("/")[-2])
    assert client.get(reverse("imports:detail", args=[pk]))["Location"] == response["Location"]
    poll = client.get(response["Location"], HTTP_HX_REQUEST="true")
    assert poll.status_code == 200 and 'data-testid="import-unreadable"' in poll.content.decode()
    assert "hx-get" not in poll.content.decode()  # the poll stops there


def test_a_finished_check_sends_the_page_to_the_preview(client, cr_a, dealer_a) -> None:
    """The progress partial is polled: the answer once the check is done takes the page (not
    the partial) to the preview."""
    client.force_login(cr_a)
    response = upload(client)
    poll = client.get(response["Location"], HTTP_HX_REQUEST="true")
    with scope(dealer=dealer_a.pk):
        batch = ImportBatch.objects.get()
    assert poll.status_code == 204
    assert poll["HX-Redirect"] == reverse("imports:preview", args=[batch.pk])


def test_an_empty_or_foreign_file_is_refused_at_once(client, cr_a) -> None:
    client.force_login(cr_a)
    for name, content in (("a.xlsx", b""), ("a.pdf", b"%PDF-1.4")):
        response = client.post(
            reverse("imports:upload"), {"file": SimpleUploadedFile(name, content)}
        )
        assert response.status_code == 200
        assert "invalid-feedback" in response.content.decode()


def test_the_rows_with_errors_download_without_reading_the_file_again(
    client, cr_a, dealer_a, monkeypatch
) -> None:
    """The check keeps its workbook of rows with errors (issue #13: the download re-read and
    re-checked the whole file, 18.7 s for 300,000 rows, even with nothing to list)."""
    client.force_login(cr_a)
    upload(client)
    with scope(dealer=dealer_a.pk):
        batch = ImportBatch.objects.get()
    assert batch.status == ImportStatus.PREVIEWED and batch.report_path

    def no_second_check(*args, **kwargs):
        raise AssertionError("the file was read again")

    monkeypatch.setattr("autocrm.imports.analysis.read_sheet", no_second_check)
    kept = client.get(reverse("imports:rejected", args=[batch.pk]))
    assert kept.status_code == 200
    assert [r[:2] for r in read_sheet(kept.content, "r.xlsx").rows] == [
        ["李娜", "139"],
        ["", "138"],
    ]
    # a file with nothing to list: an empty workbook, nothing read either
    monkeypatch.undo()
    upload(client, rows=ROWS[:2], name="clean.xlsx")
    with scope(dealer=dealer_a.pk):
        clean = ImportBatch.objects.get(file_name="clean.xlsx")
    assert clean.report_path == "" and clean.count_rejected == 0
    monkeypatch.setattr("autocrm.imports.analysis.read_sheet", no_second_check)
    empty = client.get(reverse("imports:rejected", args=[clean.pk]))
    assert empty.status_code == 200
    assert read_sheet(empty.content, "e.xlsx").headers[:3] == ["客户", "手机", "地址"]


def test_the_check_reports_its_progress(cr_a, dealer_a, monkeypatch) -> None:
    seen: list[int] = []
    monkeypatch.setattr(services, "PROGRESS_EVERY", 1)
    real_update = ImportBatch.objects.filter

    def spy(*args, **kwargs):
        queryset = real_update(*args, **kwargs)
        original = queryset.update

        def update(**values):
            if "rows_done" in values and values.get("status") is None:
                seen.append(values["rows_done"])
            return original(**values)

        queryset.update = update
        return queryset

    with scope(dealer=dealer_a.pk):
        monkeypatch.setattr(ImportBatch.objects, "filter", spy)
        batch = services.import_upload(actor=cr_a, content=xlsx(ROWS), filename="a.xlsx")
        monkeypatch.undo()
        batch.refresh_from_db()
    assert batch.status == ImportStatus.PREVIEWED
    assert batch.rows_done == batch.rows_total == 3 and seen and max(seen) == 3


def test_template_download(client, manager_a) -> None:
    client.force_login(manager_a)
    response = client.get(reverse("imports:template"))
    assert response.status_code == 200
    sheet = read_sheet(response.content, "t.xlsx")
    assert sheet.headers[:3] == ["姓名", "手机", "电话"]


LIST_PAGES = ["imports:history", "imports:upload", "imports:template"]
BATCH_PAGES = ["imports:preview", "imports:detail", "imports:rejected"]
BATCH_POSTS = ["imports:apply", "imports:undo"]


@pytest.fixture
def batch_a(steward_actors, dealer_a) -> ImportBatch:
    """A previewed import of dealer A, uploaded by the owner (cr_a)."""
    owner = steward_actors.owner
    with scope(dealer=dealer_a.pk):
        batch, _ = services.import_preview(actor=owner, content=xlsx(ROWS), filename="a.xlsx")
    return batch


#: The five actors, and a sales consultant of the dealer: a colleague whose role may not import.
WHO = [*ACTORS, "consultant"]


@pytest.fixture
def client_of(steward_actors, consultant_a):
    def _client(who):
        if who == "consultant":
            return client_as("colleague", consultant_a)  # refused with 403, as a colleague
        return steward_actors.client(who)

    return _client


@pytest.mark.parametrize("name", LIST_PAGES)
def test_consultant_and_hq_get_403(client_of, name) -> None:
    for who in ("consultant", "hq"):
        assert_denied(client_of(who).get(reverse(name)))  # 403


@pytest.mark.parametrize("who", WHO)
def test_who_may_open_the_import_pages(client_of, who) -> None:
    """The data stewards of any dealer (at their own dealer); not HQ, a consultant, nobody."""
    client = client_of(who)
    for name in LIST_PAGES:
        response = client.get(reverse(name))
        if who in ("hq", "anonymous", "consultant"):
            assert_denied(response)
        else:
            assert_allowed(response)


@pytest.mark.parametrize("who", WHO)
def test_who_may_open_an_import(client_of, who, batch_a) -> None:
    """Any data steward of the dealer (not only the uploader); another dealer: 404."""
    client = client_of(who)
    for name in BATCH_PAGES:
        response = client.get(reverse(name, args=[batch_a.pk]))
        if who in ("owner", "colleague", "manager"):
            assert_allowed(response)
        else:
            missing = client.get(reverse(name, args=[MISSING_ID]))
            assert_denied(response, like=missing if who == "other_dealer" else None)


@pytest.mark.parametrize("who", ["hq", "anonymous", "consultant"])  # other_dealer: below
def test_refused_apply_and_undo_change_nothing(client_of, who, batch_a) -> None:
    client = client_of(who)
    for name in BATCH_POSTS:
        assert_denied(client.post(reverse(name, args=[batch_a.pk])))
    with scope(dealer=batch_a.dealer_id):
        batch_a.refresh_from_db()
        assert batch_a.status == ImportStatus.PREVIEWED
        assert not Customer.objects.exists()


def test_another_dealers_import_is_404(steward_actors, batch_a) -> None:
    client = steward_actors.client("other_dealer")  # cr_b, a data steward of dealer B
    for name in ("imports:preview", "imports:detail", "imports:rejected"):
        assert_denied(client.get(reverse(name, args=[batch_a.pk])))  # 404
    for name in ("imports:apply", "imports:undo"):
        assert_denied(client.post(reverse(name, args=[batch_a.pk])))
    with scope(dealer=batch_a.dealer_id):
        batch_a.refresh_from_db()
        assert batch_a.status == ImportStatus.PREVIEWED


def test_consultant_cannot_apply_via_service(consultant_a, dealer_a) -> None:
    from django.core.exceptions import PermissionDenied

    with scope(dealer=dealer_a.pk), pytest.raises(PermissionDenied):
        services.import_preview(actor=consultant_a, content=xlsx(ROWS), filename="a.xlsx")


def test_command_dry_run_errors_file_and_apply(cr_a, dealer_a, tmp_path, capsys) -> None:
    path = tmp_path / "export.xlsx"
    path.write_bytes(
        xlsx([["姓名", "手机"], ["张伟", "13912345678"], ["李娜", "139"], ["", "138"]])
    )
    errors = tmp_path / "errors.xlsx"
    with translation.override("en"):
        call_command("import_customers", str(path), dealer="A001", dry_run=True, errors=str(errors))
    out = capsys.readouterr().out
    assert "new 2, updated 0, unchanged 0, rejected 1" in out
    assert "rows written 2 (imported with problems 1), rejected 1" in out
    assert "row 3, 手机 «139»" in out and "row 4, 姓名 «»" in out and "dry run" in out
    assert [r[:2] for r in read_sheet(errors.read_bytes(), "e.xlsx").rows] == [
        ["李娜", "139"], ["", "138"],
    ]  # fmt: skip
    with scope(dealer=dealer_a.pk):
        assert not Customer.objects.exists()
    call_command("import_customers", str(path), dealer="A001", user="cr_a")
    assert "created customers: /customers/?import=" in capsys.readouterr().out
    with scope(dealer=dealer_a.pk):
        assert sorted(Customer.objects.values_list("name", flat=True)) == ["张伟", "李娜"]
    call_command("import_customers", str(path), dealer="A001")
    # 张伟 found by his mobile; 李娜 has no key to be found by (a name alone matches nobody)
    assert "updated 0, unchanged 1, rejected 1" in capsys.readouterr().out


def test_command_refuses_clearly(cr_a, consultant_a, dealer_a, tmp_path) -> None:
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"not a workbook")
    with pytest.raises(CommandError, match="bad.xlsx: 无法作为电子表格读取该文件"):
        call_command("import_customers", str(bad), dealer="A001")  # Chinese first
    with (
        translation.override("en"),
        pytest.raises(CommandError, match="bad.xlsx: The file could not be read"),
    ):
        call_command("import_customers", str(bad), dealer="A001")
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_customers", str(tmp_path / "missing.xlsx"), dealer="A001")
    good = tmp_path / "good.csv"
    good.write_text("姓名,手机\n张伟,13912345678\n", encoding="utf-8")
    with pytest.raises(CommandError, match="Unknown dealer code 'NOPE'"):
        call_command("import_customers", str(good), dealer="NOPE")
    with pytest.raises(CommandError, match="may not import"):
        call_command("import_customers", str(good), dealer="A001", user="consultant_a")


def test_command_exit_code_is_non_zero(tmp_path) -> None:
    import subprocess
    import sys

    missing = tmp_path / "missing.xlsx"  # refused before any database access
    result = subprocess.run(
        [sys.executable, "manage.py", "import_customers", str(missing), "--dealer", "X"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "CommandError: Cannot read" in result.stderr and "missing.xlsx" in result.stderr


def test_the_customers_an_import_created(cr_a, dealer_a, dealer_b, make_customer) -> None:
    """`?import=<batch>` keeps the customers the import's rows created (ImportRow "new")."""
    from autocrm.imports.models import ImportBatch, ImportRow

    created = make_customer(cr_a, name="张伟", mobile="13912345678")
    updated = make_customer(cr_a, name="李娜", mobile="13912345679")
    make_customer(cr_a, name="王芳", mobile="13912345600")
    with scope(dealer=dealer_a.pk):
        batch = ImportBatch.objects.create(dealer=dealer_a, file_name="a.xlsx", sha256="0")
        ImportRow.objects.bulk_create(
            [
                ImportRow(dealer=dealer_a, batch=batch, number=2, customer_id=created.pk,
                          status="new"),
                ImportRow(dealer=dealer_a, batch=batch, number=3, customer_id=updated.pk,
                          status="updated"),
            ]
        )  # fmt: skip
    client = Client(headers={"accept-language": "en"})
    client.force_login(cr_a)
    page = client.get(reverse("customers:list"), {"import": batch.pk}).content.decode()
    assert "张伟" in page and "李娜" not in page and "王芳" not in page
    assert f"Created by import #{batch.pk}" in page
    everyone = client.get(reverse("customers:list"), {"import": "x"}).content.decode()
    assert "王芳" in everyone  # not a batch id: no filter
