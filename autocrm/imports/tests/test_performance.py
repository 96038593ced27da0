"""The import's speed-ups give exactly the results of the plain code paths."""

from __future__ import annotations

import datetime as dt
import itertools
import os
import random

import pytest
from django.utils import timezone, translation

from autocrm.imports import validation
from autocrm.imports.columns import auto_mapping
from autocrm.imports.reader import read_sheet
from autocrm.imports.rows import RowValidator
from autocrm.imports.tests.files import xlsx

HEADER = ["客户姓名", "手机号码", "联系地址", "身份证号", "车架号", "购车日期", "行驶里程"]


def _sheet_rows(n: int) -> list[list[object]]:
    rng = random.Random(7)
    rows: list[list[object]] = [HEADER]
    for i in range(n):
        mobile = f"13{rng.randrange(10**9):09d}"
        if i % 5 == 0:
            mobile = mobile[:-2]  # invalid
        vin = "LSVAM4187C2184847" if i % 7 == 0 else "LSVAM4187C218484X"  # bad check digit
        name = "" if i % 10 == 0 else f"张{i}"  # with the bad mobile and no VIN: no one
        rows.append(
            [name, mobile, "广东省深圳市南山区科技园路8号" if i % 3 else "深圳", "",
             vin if name else "", dt.date(2021, 5, 1 + i % 28), i * 100]
        )  # fmt: skip
        if i % 11 == 0:
            rows.append([None] * len(HEADER))  # blank rows are skipped either way
    return rows


def test_parallel_validation_gives_the_sequential_result(monkeypatch) -> None:
    sheet = read_sheet(xlsx(_sheet_rows(60)), "客户.xlsx")
    mapping = auto_mapping(sheet.headers, sheet.rows)
    with translation.override("en"):
        validator = RowValidator(sheet.headers, mapping, staff_by_name={}, today=dt.date.today())
        work = validation.ValidationWork(validator, sheet, "广东省", timezone.now())
        monkeypatch.setattr(validation, "PARALLEL_MIN_ROWS", 10_000)
        sequential = validation.validate_rows(work)
        monkeypatch.setattr(validation, "PARALLEL_MIN_ROWS", 1)
        monkeypatch.setattr(validation, "PARALLEL_CHUNK", 7)
        monkeypatch.setattr(validation.os, "cpu_count", lambda: 2)
        here: list[int] = []
        real = validation.validate_range

        def spy(*args):
            here.append(os.getpid())  # lands in this process's list only when run here
            return real(*args)

        monkeypatch.setattr(validation, "validate_range", spy)
        parallel = validation.validate_rows(work)
    assert len(here) == 1  # here only the warm-up rows; the chunks ran in worker processes
    assert [r.number for r in parallel] == [r.number for r in sequential]
    assert parallel == sequential
    assert any(r.errors for r in parallel) and any(not r.errors for r in parallel)
    assert any(r.problems and not r.errors for r in parallel)
    assert len(sequential) == 60
    assert all((r.derived is None) == bool(r.errors) for r in parallel)


def test_the_last_chunks_are_smaller_and_the_chunks_cover_every_row_once() -> None:
    for start, stop, size, workers in ((20, 100_000, 5000, 2), (20, 9000, 5000, 2), (5, 6, 4, 4)):
        bounds = validation.chunk_bounds(start, stop, size, workers)
        assert bounds[0][0] == start and bounds[-1][1] == stop
        assert all(a[1] == b[0] for a, b in itertools.pairwise(bounds))  # contiguous, in order
        assert all(0 < b - a <= size for a, b in bounds)
    bounds = validation.chunk_bounds(20, 100_000, 5000, 2)
    assert [b - a for a, b in bounds[:2]] == [5000, 5000]
    # the last two chunks' worth in quarters: 10,000 rows in chunks of 1,250
    assert [b - a for a, b in bounds[-8:]] == [1250] * 8 and bounds[-9][1] == 90_000


def test_no_fork_while_other_threads_run(monkeypatch) -> None:
    monkeypatch.setattr(validation.os, "cpu_count", lambda: 2)
    monkeypatch.setattr(validation.threading, "active_count", lambda: 1)
    assert validation.worker_count() == 2
    # e.g. a threaded web server (or a live test server left by an earlier test)
    monkeypatch.setattr(validation.threading, "active_count", lambda: 2)
    assert validation.worker_count() == 1


def test_json_written_once_per_distinct_list_is_the_json_of_each() -> None:
    """COPY writes a repeated list of issues from a cache: never the text of an equal-looking
    other value (True and 1 are equal in Python, not in JSON)."""
    import json

    from django.db.models import JSONField

    from autocrm.core.bulk import _converter

    field = JSONField()
    field.set_attributes_from_name("issues")
    convert = _converter(field)
    values = [
        [{"code": "a", "ok": True}], [{"code": "a", "ok": 1}], [{"code": "a", "ok": True}],
        [{"code": "a"}, {"code": "b"}], [{"code": "a", "code2": "b"}], [], [{"x": [1]}],
        [{"x": None}], [{"x": 1.5}],
    ]  # fmt: skip
    assert [convert(v) for v in values] == [json.dumps(v) for v in values]


def test_copy_insert_writes_the_history_bulk_create_with_history_writes(cr_a, dealer_a) -> None:
    """On PostgreSQL new records go in by COPY and their history rows are copied from them by
    the server; on any database the records and history rows equal those of Django's
    bulk_create_with_history."""
    from decimal import Decimal

    from django_scopes import scope
    from simple_history.utils import bulk_create_with_history

    from autocrm.core.bulk import build, insert_with_history
    from autocrm.customers.models import Customer, Vehicle

    now = timezone.now()

    def records(tag: str) -> tuple[list[Customer], list[dict]]:
        values = [
            {"dealer_id": dealer_a.pk, "name": f"{tag}张伟{i}", "mobile": f"+86139{i:08d}",
             "quality_issues": [{"code": "x", "kind": "missing", "field": "f"}],
             "birth_date": dt.date(1990, 1, 1 + i), "created_at": now, "updated_at": now,
             "responsible_staff_id": cr_a.pk}
            for i in range(3)
        ]  # fmt: skip
        return [build(Customer, v) for v in values], values

    def state(customers: list[Customer]) -> list[tuple]:
        skip = {"id", "history_id", "name", "mobile"}
        rows = []
        for model in (Customer, Customer.history.model):
            for row in (
                model.objects.filter(id__in=[c.pk for c in customers]).order_by("id").values()
            ):
                rows.append(tuple((k, v) for k, v in sorted(row.items()) if k not in skip))
        return rows

    with scope(dealer=dealer_a.pk):
        ours, _ = records("a")
        insert_with_history(Customer, ours, user=cr_a, reason="导入", date=now)
        theirs, _ = records("b")
        bulk_create_with_history(
            theirs, Customer, default_user=cr_a, default_change_reason="导入", default_date=now
        )
        assert len(state(ours)) == 6
        assert state(ours) == state(theirs)
        vehicle = build(Vehicle, {"dealer_id": dealer_a.pk, "customer_id": ours[0].pk,
                                  "vin": "LSVAM4187C2184847", "purchase_price": Decimal("1.50"),
                                  "created_at": now})  # fmt: skip
        insert_with_history(Vehicle, [vehicle], user=None, reason="导入", date=now)
        history = Vehicle.history.get(id=vehicle.pk)
        assert (history.vin, history.purchase_price, history.history_type) == (
            "LSVAM4187C2184847",
            Decimal("1.50"),
            "+",
        )
        assert history.history_user_id is None and history.history_date == now


@pytest.mark.postgres_only
def test_records_inserted_as_values_equal_records_inserted_as_instances(cr_a, dealer_a) -> None:
    """`insert_values_with_history` (values with reserved ids, no instances) writes the same
    records and history rows as `insert_with_history` of instances built from those values,
    defaults included; a record without its id, or with an unknown field, is refused."""
    from django_scopes import scope

    from autocrm.core.bulk import build, insert_values_with_history, insert_with_history, next_ids
    from autocrm.customers.models import Customer

    now = timezone.now()

    def values(tag: str) -> list[dict]:
        return [
            {"dealer_id": dealer_a.pk, "name": f"{tag}王芳{i}", "mobile": f"+86137{i:08d}",
             "quality_issues": [{"code": "x", "kind": "missing", "field": "f"}],
             "rejected_values": [] if i else [{"field": "email", "value": "a@"}],
             "birth_date": dt.date(1985, 2, 1 + i), "created_at": now, "updated_at": now}
            for i in range(3)
        ]  # fmt: skip

    def state(ids: list[int]) -> list[tuple]:
        skip = {"id", "history_id", "name", "mobile"}
        return [
            tuple((k, v) for k, v in sorted(row.items()) if k not in skip)
            for model in (Customer, Customer.history.model)
            for row in model.objects.filter(id__in=ids).order_by("id").values()
        ]

    with scope(dealer=dealer_a.pk):
        as_values = values("a")
        for row, pk in zip(as_values, next_ids(Customer, 3), strict=True):
            row["id"] = pk
        ours = insert_values_with_history(Customer, as_values, user=cr_a, reason="导入", date=now)
        assert ours == [row["id"] for row in as_values]
        theirs = [build(Customer, v) for v in values("b")]
        insert_with_history(Customer, theirs, user=cr_a, reason="导入", date=now)
        assert len(state(ours)) == 6
        assert state(ours) == state([c.pk for c in theirs])
        with pytest.raises(ValueError, match="primary key"):
            insert_values_with_history(Customer, values("c"), user=cr_a, reason="", date=now)
        with pytest.raises(TypeError, match="no_such_field"):
            insert_values_with_history(
                Customer, [{"id": 1, "no_such_field": 1}], user=cr_a, reason="", date=now
            )


def test_checked_rows_are_freed_without_a_garbage_collection() -> None:
    """Refused values keep their errors, but not the frames that raised them: the rows a
    chunk checked are freed by reference counting alone once dropped (an import runs with
    the cyclic collector off). Kept with their tracebacks, the errors held the frames, and
    through them every row of the chunk, until a collection."""
    import gc
    import weakref

    sheet = read_sheet(xlsx(_sheet_rows(40)), "客户.xlsx")
    mapping = auto_mapping(sheet.headers, sheet.rows)
    validator = RowValidator(sheet.headers, mapping, staff_by_name={}, today=dt.date.today())
    work = validation.ValidationWork(validator, sheet, "广东省", timezone.now())
    enabled = gc.isenabled()
    gc.disable()
    try:
        rows = validation.validate_range(work, 0, len(sheet.rows))
        assert any(r.problems for r in rows)  # refused values were kept as problems
        refs = [weakref.ref(r) for r in rows]
        del rows
        assert [ref for ref in refs if ref() is not None] == []
    finally:
        if enabled:
            gc.enable()
