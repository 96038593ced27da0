"""The timeline entry of a record an import created or updated (kind "customer_imported").

The import writer is to record it through core.activity.activities_record_bulk; this checks the
contract it will rely on: the data it passes and how the entry then reads."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import translation

from autocrm.core.activity import ActivityRow, activities_record_bulk
from autocrm.customers.models import Customer
from autocrm.customers.selectors import customer_timeline
from autocrm.customers.timeline_display import timeline_rows
from autocrm.imports.models import ImportBatch
from autocrm.imports.registry import CUSTOMER_IMPORTED

pytestmark = pytest.mark.django_db


def test_an_imported_record_reads_its_file_and_batch(
    cr_a: Any, make_customer: Any, scoped: Any
) -> None:
    new, updated = make_customer(cr_a, name="王芳"), make_customer(cr_a, name="李娜")
    with scoped(cr_a):
        batch = ImportBatch.objects.create(
            dealer_id=cr_a.dealer_id, uploaded_by=cr_a, file_name="6月客户.xlsx", sha256="0" * 64
        )
    activities_record_bulk(
        ActivityRow(
            dealer_id=batch.dealer_id,
            customer_id=customer.pk,
            kind=CUSTOMER_IMPORTED,
            actor=cr_a,
            target=batch,
            data={"batch_id": batch.pk, "file": batch.file_name, "created": created},
        )
        for customer, created in ((new, True), (updated, False))
    )

    shown = {}
    for customer in (new, updated):
        with scoped(cr_a), translation.override("en"):
            fresh = Customer.objects.get(pk=customer.pk)
            rows = timeline_rows(customer_timeline(fresh), viewer=cr_a, customer=fresh)
        (row,) = [r for r in rows if r.kind == CUSTOMER_IMPORTED]
        shown[customer.name] = (row.title, row.detail, row.actor)
    assert shown == {
        "王芳": ("Imported from 6月客户.xlsx", f"New record · import #{batch.pk}", str(cr_a)),
        "李娜": ("Imported from 6月客户.xlsx", f"Record updated · import #{batch.pk}", str(cr_a)),
    }
    with scoped(cr_a), translation.override("zh-hans"):
        fresh = Customer.objects.get(pk=new.pk)
        rows = timeline_rows(customer_timeline(fresh), viewer=cr_a, customer=fresh)
    (row,) = [r for r in rows if r.kind == CUSTOMER_IMPORTED]
    assert (row.title, row.detail) == ("从 6月客户.xlsx 导入", f"新建档案 · 导入 #{batch.pk}")
