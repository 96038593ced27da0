"""Merge and un-merge restoring every related row, bulk merges, HQ cross-dealer runs."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django_scopes import scope, scopes_disabled

from autocrm.core.models import Activity
from autocrm.customers.models import Contact, Customer, Interaction, MileageReading, Vehicle
from autocrm.customers.selectors import customer_queryset
from autocrm.customers.services import (
    contact_add,
    interaction_record,
    mileage_record,
    vehicle_add,
)
from autocrm.matching import detection, selectors, services
from autocrm.matching.models import CandidateStatus, DuplicateCandidate, MatchRun, Merge
from autocrm.matching.tests.legacy import same_id_twin
from autocrm.tenancy.models import Dealer, Staff
from autocrm.tenancy.roles import Role

pytestmark = pytest.mark.django_db(transaction=False)


def _dump_related() -> dict[str, list[tuple[Any, ...]]]:
    """Every non-history row of every table that points at customers (and the customers)."""
    out: dict[str, list[tuple[Any, ...]]] = {}
    tables = {Customer, Contact, Vehicle, MileageReading, Interaction, Customer.hobbies.through}
    for model, _field in services.customer_references():
        if not model.__name__.startswith("Historical"):
            tables.add(model)
    with scopes_disabled():
        for model in tables:
            columns = [f.attname for f in model._meta.concrete_fields]
            out[model._meta.label] = sorted(
                model._base_manager.values_list(*columns), key=lambda r: r[0]
            )
    return out


@pytest.fixture
def two_records(cr_a: Staff, make_customer: Any, dict_entry: Any, dealer_a: Dealer) -> Any:
    golf = dict_entry(dealer_a, "hobby")
    original = make_customer(
        cr_a,
        name="任芳敏",
        mobile="13912345678",
        address="广东省广州市天河区天河路88号",
        id_type="resident_id",
        id_number="",
        responsible_staff=cr_a,
    )
    copy = make_customer(
        cr_a,
        name="任方敏",
        mobile="13912345679",
        address="广州市天河区天河路88号",
        email="ren@example.com",
        birth_date=date(1985, 5, 17),
        referred_by=original,
    )
    third = make_customer(cr_a, name="李雷", referred_by=copy)
    with scope(dealer=dealer_a.pk):
        original.hobbies.add(golf)
        copy.hobbies.add(golf)
        car = vehicle_add(actor=cr_a, customer=copy, data={"vin": "LSVAU218XN2183294"})
        mileage_record(
            actor=cr_a,
            vehicle=car,
            mileage_km=12000,
            read_on=date(2025, 3, 1),
            source="workshop",
        )
        contact_add(actor=cr_a, customer=copy, data={"contact_type": "private", "name": "王丽"})
        interaction_record(actor=cr_a, customer=copy, data={"kind": "visit", "summary": "保养"})
    return original, copy, third


def test_merge_moves_everything_and_unmerge_restores_every_row(
    cr_a: Staff, two_records: Any, dealer_a: Dealer
) -> None:
    original, copy, third = two_records
    before = _dump_related()
    with scope(dealer=dealer_a.pk):
        merge = services.customer_merge(
            actor=cr_a,
            survivor=original,
            merged=copy,
            chosen={"name": "survivor", "mobile": "merged"},
        )
        survivor = Customer.objects.get(pk=original.pk)
        gone = Customer.objects.get(pk=copy.pk)
        assert survivor.mobile == "+8613912345679"
        assert survivor.email == "ren@example.com"  # empty on the survivor: taken over
        assert survivor.birth_date == date(1985, 5, 17)
        assert survivor.name == "任芳敏"
        assert list(survivor.vehicles.values_list("vin", flat=True)) == ["LSVAU218XN2183294"]
        assert survivor.contacts.count() == 1 and survivor.interactions.count() >= 1
        assert list(survivor.hobbies.all()) == list(original.hobbies.all())
        assert Customer.objects.get(pk=third.pk).referred_by_id == survivor.pk
        assert survivor.referred_by_id is None  # it referred to itself through the copy
        assert not gone.is_active and gone.merged_into_id == survivor.pk
        assert not copy.vehicles.exists() and not copy.contacts.exists()
        # the change shows in the survivor's history
        assert survivor.history.first().history_change_reason.startswith("merge")
        # merged records disappear from lists and searches, even with inactive ones
        listed, _term = customer_queryset(viewer=cr_a, include_inactive=True)
        assert copy.pk not in set(listed.values_list("id", flat=True))
        assert merge.moved and merge.removed  # the shared hobby row was removed
        services.customer_unmerge(actor=cr_a, merge=merge)
        assert Merge.objects.get(pk=merge.pk).undone_at is not None
    after = _dump_related()
    # Every row is back; the merge and its undo added their own timeline entries.
    audit = {"customer_merged", "merge_undone", "customer_unmerged"}
    kind = [f.attname for f in Activity._meta.concrete_fields].index("kind")
    added = sorted(r[kind] for r in after["core.Activity"] if r[kind] in audit)
    assert added == sorted(audit)
    after["core.Activity"] = [r for r in after["core.Activity"] if r[kind] not in audit]
    for label, rows in before.items():
        assert after[label] == rows, label


def test_merge_of_a_reviewed_pair_and_dismiss(
    cr_a: Staff, two_records: Any, dealer_a: Dealer
) -> None:
    original, copy, _third = two_records
    with scope(dealer=dealer_a.pk):
        run = detection.duplicates_detect(dealer=dealer_a)
        assert run.candidates_found == 1
        candidate = DuplicateCandidate.objects.get()
        assert candidate.fields["name"] == "homophone"
        assert candidate.fields["mobile"] == "typo"
        services.candidate_dismiss(actor=cr_a, candidate=candidate)
        detection.duplicates_detect(dealer=dealer_a)  # a re-run keeps the dismissal
        candidate.refresh_from_db()
        assert candidate.status == CandidateStatus.DISMISSED
        assert DuplicateCandidate.objects.count() == 1
        DuplicateCandidate.objects.update(status=CandidateStatus.OPEN)
        candidate.refresh_from_db()
        merge = services.candidate_merge(
            actor=cr_a, candidate=candidate, survivor_id=copy.pk, chosen={}
        )
        assert merge.survivor_id == copy.pk
        assert DuplicateCandidate.objects.get().status == CandidateStatus.MERGED
        with pytest.raises(ValidationError):
            services.candidate_merge(
                actor=cr_a, candidate=candidate, survivor_id=copy.pk, chosen={}
            )
        services.customer_unmerge(actor=cr_a, merge=merge)
        assert DuplicateCandidate.objects.get().status == CandidateStatus.OPEN
        with pytest.raises(ValidationError):
            services.customer_unmerge(actor=cr_a, merge=merge)


def test_roles_without_the_right_cannot_merge(
    consultant_a: Staff, make_staff: Any, two_records: Any, dealer_a: Dealer, dealer_b: Dealer
) -> None:
    original, copy, _third = two_records
    manager_b = make_staff(dealer_b, Role.MANAGER)
    with scope(dealer=dealer_a.pk):
        for actor in (consultant_a, manager_b):
            with pytest.raises(PermissionDenied):
                services.customer_merge(actor=actor, survivor=original, merged=copy)
    assert not Merge.objects.exists()


def test_bulk_merge_of_exact_duplicates(cr_a: Staff, make_customer: Any, dealer_a: Dealer) -> None:
    a = make_customer(cr_a, name="王强", id_type="resident_id", id_number="11010519491231002X")
    b = same_id_twin(make_customer, cr_a, name="王蔷", id_number="11010519491231002X")
    c = make_customer(cr_a, name="王强")
    with scope(dealer=dealer_a.pk):
        vehicle_add(actor=cr_a, customer=b, data={"vin": "LSVAU218XN2183294"})
        # legacy data entered before the VIN check existed
        Vehicle.objects.create(dealer=dealer_a, customer=c, vin="LSVAU218XN2183294")
        groups = selectors.exact_duplicate_groups()
        assert [g.ids for g in groups] == [sorted([a.pk, b.pk, c.pk])]
        merges = services.exact_duplicates_merge(actor=cr_a)
        assert len(merges) == 2 and all(m.bulk for m in merges)
        survivors = {m.survivor_id for m in merges}
        assert len(survivors) == 1
        assert Customer.objects.filter(merged_into__isnull=True).count() == 1
        assert selectors.exact_duplicate_groups() == []


def test_every_customer_relation_is_moved() -> None:
    """A relation another app adds is found without listing it here."""
    keys = {f"{m._meta.label}.{f.name}" for m, f in services.customer_references()}
    assert {
        "customers.Contact.customer",
        "customers.Vehicle.customer",
        "customers.Interaction.customer",
        "customers.Customer.referred_by",
        "customers.Customer_hobbies.customer",
        "customers.HistoricalContact.customer",
        "core.Activity.customer_id",  # a customer id kept without a foreign key
    } <= keys
    assert "matching.DuplicateCandidate.customer_low" not in keys
    for model in apps.get_models(include_auto_created=True):
        for field in model._meta.concrete_fields:
            if (
                getattr(field, "related_model", None) is Customer
                and model.__module__.startswith("autocrm.")
                and model._meta.app_label not in ("matching",)
                and not model.__name__.startswith("HistoricalCustomer")
                and field.name != "merged_into"
            ):
                assert f"{model._meta.label}.{field.name}" in keys


def test_hq_cross_dealer_run_is_de_identified(
    cr_a: Staff, make_staff: Any, make_customer: Any, dealer_b: Dealer
) -> None:
    cr_b = make_staff(dealer_b, Role.CUSTOMER_RELATIONS)
    make_customer(cr_a, name="赵晓明", mobile="13912345678", address="广州市天河区天河路1号")
    make_customer(cr_b, name="赵晓明", mobile="13912345678", address="广州市天河区天河路1号")
    run = detection.cross_dealer_duplicates_detect()
    assert isinstance(run, MatchRun) and run.dealer_id is None
    with scopes_disabled():
        rows = list(selectors.cross_dealer_candidates(run))
    assert len(rows) == 1
    row = rows[0]
    assert row.masked_name_low == "赵**" and row.masked_mobile_low == "139****5678"
    assert {row.dealer_low_id, row.dealer_high_id} == {cr_a.dealer_id, dealer_b.pk}
