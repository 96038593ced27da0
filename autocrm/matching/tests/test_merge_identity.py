"""Merges people can trust (issue #12, part 9): one vehicle per VIN, every number kept as a
contact point without breaking (customer, number), best values by default, an exact undo."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from autocrm.core.models import Activity
from autocrm.customers.models import (
    ContactPoint,
    Customer,
    MileageReading,
    Vehicle,
    VehicleOwnership,
)
from autocrm.customers.services import mileage_record, vehicle_add
from autocrm.matching import services
from autocrm.matching.tests.test_services import _dump_related
from autocrm.tenancy.models import Dealer, Staff

pytestmark = pytest.mark.django_db(transaction=False)

VIN = "LSVAU218XN2183294"
AUDIT = {"customer_merged", "merge_undone", "customer_unmerged"}


def _without_audit(rows: dict[str, list[Any]]) -> dict[str, list[Any]]:
    kind = [f.attname for f in Activity._meta.concrete_fields].index("kind")
    rows["core.Activity"] = [r for r in rows["core.Activity"] if r[kind] not in AUDIT]
    return rows


@pytest.fixture
def pair(cr_a: Staff, make_customer: Any, dealer_a: Dealer) -> tuple[Customer, Customer]:
    survivor = make_customer(cr_a, name="张女士", mobile="13912345678")
    merged = make_customer(
        cr_a,
        name="张丽华",
        mobile="15820417369",
        landline="020-38881234",
        address="广东省广州市天河区天河路385号5栋1201室",
    )
    with scope(dealer=dealer_a.pk):
        mine = vehicle_add(actor=cr_a, customer=survivor, data={"vin": VIN})
    with scopes_disabled():  # as an import left it: entry refuses a VIN held by another
        theirs = Vehicle.objects.create(
            dealer=dealer_a, customer=merged, vin=VIN, plate_number="粤A12345", color="白"
        )
    with scope(dealer=dealer_a.pk):
        mileage_record(actor=cr_a, vehicle=mine, mileage_km=8000, read_on=date(2024, 3, 1),
                       source="workshop")  # fmt: skip
        mileage_record(actor=cr_a, vehicle=theirs, mileage_km=15000, read_on=date(2025, 3, 1),
                       source="workshop")  # fmt: skip
    with scopes_disabled():
        for vehicle, owner, since in ((mine, survivor, 2022), (theirs, merged, 2021)):
            VehicleOwnership.objects.create(
                dealer=dealer_a, vehicle=vehicle, customer=owner, started_on=date(since, 1, 1),
                how="entered",
            )  # fmt: skip
        shared = "+8613700001111"
        for customer in (survivor, merged):
            ContactPoint.objects.create(
                dealer=dealer_a, customer=customer, kind="mobile", number=shared, source="entry"
            )
        ContactPoint.objects.create(
            dealer=dealer_a, customer=merged, kind="mobile", number="+8613700002222",
            source="entry",
        )  # fmt: skip
        # the merged record was updated later: its mobile is the newer one
        Customer.objects.filter(pk=merged.pk).update(updated_at=timezone.now() + timedelta(days=1))
    merged.refresh_from_db()
    return survivor, merged


def test_one_vehicle_per_vin_with_the_best_of_each_field(
    cr_a: Staff, pair: tuple[Customer, Customer], dealer_a: Dealer
) -> None:
    survivor, merged = pair
    with scope(dealer=dealer_a.pk):
        services.customer_merge(actor=cr_a, survivor=survivor, merged=merged)
        (car,) = survivor.vehicles.all()
        assert car.vin == VIN
        assert (car.plate_number, car.color) == ("粤A12345", "白")
        assert (car.mileage_km, car.mileage_read_on) == (15000, date(2025, 3, 1))
    with scopes_disabled():
        assert MileageReading.objects.filter(vehicle=car).count() == 2
        periods = list(VehicleOwnership.objects.filter(vehicle=car))
        assert [(p.customer_id, p.started_on, p.ended_on) for p in periods] == [
            (survivor.pk, date(2021, 1, 1), None)
        ]


def test_every_number_is_kept_once_as_a_contact_point(
    cr_a: Staff, pair: tuple[Customer, Customer], dealer_a: Dealer
) -> None:
    survivor, merged = pair
    with scope(dealer=dealer_a.pk):
        services.customer_merge(actor=cr_a, survivor=survivor, merged=merged)
        survivor.refresh_from_db()
    assert survivor.mobile == "+8615820417369"  # the newer mobile is the contact number
    assert survivor.landline == "+862038881234"
    with scopes_disabled():
        numbers = sorted(
            ContactPoint.objects.filter(customer=survivor).values_list("number", flat=True)
        )
    # the shared number once, the merged record's second one, the survivor's older mobile
    assert numbers == ["+8613700001111", "+8613700002222", "+8613912345678"]


def test_best_values_are_the_default(
    cr_a: Staff, pair: tuple[Customer, Customer], dealer_a: Dealer
) -> None:
    survivor, merged = pair
    with scope(dealer=dealer_a.pk):
        merge = services.customer_merge(actor=cr_a, survivor=survivor, merged=merged)
        survivor.refresh_from_db()
    assert survivor.name == "张丽华"  # a real name over the placeholder
    assert survivor.address == "广东省广州市天河区天河路385号5栋1201室"
    assert merge.chosen["name"] == services.MERGED


def test_undo_restores_every_row_exactly(
    cr_a: Staff, pair: tuple[Customer, Customer], dealer_a: Dealer
) -> None:
    survivor, merged = pair
    before = _dump_related()
    with scope(dealer=dealer_a.pk):
        merge = services.customer_merge(actor=cr_a, survivor=survivor, merged=merged)
        assert merge.rewrites[0]["removed"]  # a vehicle was joined
        services.customer_unmerge(actor=cr_a, merge=merge)
    after = _dump_related()
    before, after = _without_audit(before), _without_audit(after)
    for label, rows in before.items():
        assert after[label] == rows, label


def test_a_merged_away_record_is_read_only_and_points_to_its_survivor(
    cr_a: Staff, pair: tuple[Customer, Customer], dealer_a: Dealer, client: Any,
    api_client_for: Any,
) -> None:  # fmt: skip
    from django.core.exceptions import ValidationError

    from autocrm.customers.services import customer_update

    survivor, merged = pair
    with scope(dealer=dealer_a.pk):
        services.customer_merge(actor=cr_a, survivor=survivor, merged=merged)
        merged.refresh_from_db()
        with pytest.raises(ValidationError, match=f"#{survivor.pk}"):
            customer_update(actor=cr_a, customer=merged, data={"remarks": "late change"})
    client.force_login(cr_a)
    response = client.get(f"/customers/{merged.pk}/edit/", follow=True)
    page = response.content.decode()
    assert response.redirect_chain and f"/customers/{survivor.pk}/" in page
    assert f"#{survivor.pk}" in page and 'data-testid="merged-banner"' in page
    api = api_client_for(cr_a).patch(
        f"/api/customers/{merged.pk}/", {"remarks": "late change"}, format="json"
    )
    assert api.status_code == 400 and f"#{survivor.pk}" in api.content.decode()
