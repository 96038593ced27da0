"""Merges and un-merges on the timelines: the survivor says which record was merged into it (by
id, not by its personal data) and gains that record's entries; an un-merge shows on both and
gives the entries back."""

from __future__ import annotations

import importlib
from datetime import date
from typing import Any

import pytest
from django.apps import apps
from django.utils import translation
from django_scopes import scopes_disabled

from autocrm.core.models import Activity
from autocrm.customers.models import Customer
from autocrm.customers.selectors import customer_timeline
from autocrm.customers.services import interaction_record, mileage_record, vehicle_add
from autocrm.customers.timeline_display import timeline_rows
from autocrm.matching import services
from autocrm.matching.models import Merge
from autocrm.matching.tests.legacy import same_id_twin

pytestmark = pytest.mark.django_db

legacy = importlib.import_module("autocrm.matching.migrations.0003_merge_moved_activities")
ACTIVITIES = "core.Activity.customer_id"


@pytest.fixture
def pair(cr_a: Any, make_customer: Any, scoped: Any) -> tuple[Customer, Customer]:
    """任芳敏 and her copy 任方敏, the copy with a car, a reading and a visit."""
    original = make_customer(cr_a, name="任芳敏", mobile="13912345678")
    copy = make_customer(cr_a, name="任方敏", mobile="13912345679", email="ren@example.com")
    with scoped(cr_a):
        car = vehicle_add(actor=cr_a, customer=copy, data={"vin": "LSVAU218XN2183294"})
        mileage_record(
            actor=cr_a, vehicle=car, mileage_km=12000, read_on=date(2025, 3, 1), source="workshop"
        )
        interaction_record(actor=cr_a, customer=copy, data={"kind": "visit", "summary": "保养"})
    return original, copy


def rows_for(viewer: Any, customer: Customer, scoped: Any) -> list[Any]:
    with scoped(viewer), translation.override("en"):
        fresh = Customer.objects.get(pk=customer.pk)
        return timeline_rows(customer_timeline(fresh), viewer=viewer, customer=fresh)


def kinds(rows: list[Any]) -> list[str]:
    return [r.kind for r in rows]


def of_kind(rows: list[Any], kind: str) -> list[Any]:
    return [r for r in rows if r.kind == kind]


def test_a_merge_and_its_undo_are_on_the_timelines(
    pair: tuple[Customer, Customer], cr_a: Any, gm_a: Any, scoped: Any
) -> None:
    original, copy = pair
    with scoped(cr_a):
        merge = services.customer_merge(actor=cr_a, survivor=original, merged=copy)

    survivor_rows = rows_for(cr_a, original, scoped)
    (merged_entry,) = of_kind(survivor_rows, "customer_merged")
    assert merged_entry.title == f"Record #{copy.pk} merged into this one"
    assert merged_entry.actor == str(cr_a) and merged_entry.detail == ""
    # the merged record's reading and visit moved with its rows
    assert {"mileage", "interaction"} <= set(kinds(survivor_rows))
    assert "interaction" not in kinds(rows_for(cr_a, copy, scoped))
    # its personal data is not in the entry, whoever reads it
    for viewer in (cr_a, gm_a):
        (entry,) = of_kind(rows_for(viewer, original, scoped), "customer_merged")
        for personal in ("任方敏", "13912345679", "ren@example.com"):
            assert personal not in repr(entry)

    with scoped(cr_a):
        services.customer_unmerge(actor=cr_a, merge=merge)

    survivor_rows = rows_for(cr_a, original, scoped)
    restored_rows = rows_for(cr_a, copy, scoped)
    (undone,) = of_kind(survivor_rows, "merge_undone")
    assert undone.title == f"Merge of record #{copy.pk} undone"
    (restored,) = of_kind(restored_rows, "customer_unmerged")
    assert restored.title == f"Restored from record #{original.pk} (merge undone)"
    assert undone.actor == restored.actor == str(cr_a)
    assert "customer_merged" in kinds(survivor_rows)  # the merge stays on the record
    assert {"mileage", "interaction"} <= set(kinds(restored_rows))
    assert not {"mileage", "interaction"} & set(kinds(survivor_rows))
    with scopes_disabled():
        assert Activity.objects.filter(target_id=merge.pk, kind="merge_undone").exists()


def test_a_bulk_merge_says_so(cr_a: Any, make_customer: Any, scoped: Any) -> None:
    make_customer(cr_a, name="王强", id_type="resident_id", id_number="11010519491231002X")
    same_id_twin(make_customer, cr_a, name="王蔷", id_number="11010519491231002X")
    with scoped(cr_a):
        (merge,) = services.exact_duplicates_merge(actor=cr_a)
        survivor = Customer.objects.get(pk=merge.survivor_id)
    (entry,) = of_kind(rows_for(cr_a, survivor, scoped), "customer_merged")
    assert entry.detail == "Exact duplicate (same ID number or VIN), merged in bulk"


def test_a_merge_made_before_the_activity_record_is_undone_completely(
    pair: tuple[Customer, Customer], cr_a: Any, scoped: Any
) -> None:
    """Migration 0003 lists the backfilled activities an earlier merge moved."""
    original, copy = pair
    with scoped(cr_a):
        merge = services.customer_merge(actor=cr_a, survivor=original, merged=copy)
    with scopes_disabled():
        listed = merge.moved[ACTIVITIES]
        assert len(listed) == 2  # the reading and the visit
        # as such a merge was stored: moved rows listed, the activities not
        Merge.objects.filter(pk=merge.pk).update(
            moved={k: v for k, v in merge.moved.items() if k != ACTIVITIES}
        )

    legacy.list_moved_activities(apps, None)

    with scopes_disabled():
        assert sorted(Merge.objects.get(pk=merge.pk).moved[ACTIVITIES]) == sorted(listed)
    with scoped(cr_a):
        services.customer_unmerge(actor=cr_a, merge=Merge.objects.get(pk=merge.pk))
    assert {"mileage", "interaction"} <= set(kinds(rows_for(cr_a, copy, scoped)))
