"""Vehicle ownership over time (customers.ownership, identity_selectors.owner_on): vehicle_add
opens the first period, a transfer closes it and opens the next, the readings stay with the
vehicle, and a repair order's day tells its owner."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django_scopes import scope

from autocrm.core.models import Activity
from autocrm.customers.identity_selectors import former_vehicles, owner_history, owner_on
from autocrm.customers.models import Customer, MileageReading, Vehicle, VehicleOwnership
from autocrm.customers.ownership import (
    TRANSFERRED_IN,
    TRANSFERRED_OUT,
    vehicle_transfer,
)
from autocrm.customers.services import mileage_record, vehicle_add

pytestmark = pytest.mark.django_db

VIN = "LSVAM4187C2184847"
BOUGHT = date(2021, 3, 1)
SOLD = date(2024, 6, 15)


@pytest.fixture
def people(make_customer: Any, consultant_a: Any) -> tuple[Customer, Customer]:
    return (
        make_customer(consultant_a, name="张伟", mobile="13812345678"),
        make_customer(consultant_a, name="李娜", mobile="13900001111"),
    )


@pytest.fixture
def car(consultant_a: Any, people: tuple[Customer, Customer]) -> Vehicle:
    with scope(dealer=consultant_a.dealer_id):
        return vehicle_add(
            actor=consultant_a,
            customer=people[0],
            data={"vin": VIN, "plate_number": "粤B12345", "purchase_date": BOUGHT,
                  "bought_here": True},
        )  # fmt: skip


def test_vehicle_add_opens_the_first_period(consultant_a: Any, car: Vehicle, people: Any) -> None:
    with scope(dealer=consultant_a.dealer_id):
        (period,) = owner_history(car)
        assert (period.customer_id, period.started_on, period.ended_on, period.how) == (
            people[0].pk, BOUGHT, None, "bought_here",
        )  # fmt: skip


def test_a_transfer_moves_the_vehicle_with_its_history(
    consultant_a: Any, car: Vehicle, people: tuple[Customer, Customer]
) -> None:
    first, second = people
    with scope(dealer=consultant_a.dealer_id):
        for km, day in ((10, BOUGHT), (30000, SOLD)):
            mileage_record(
                actor=consultant_a, vehicle=car, mileage_km=km, read_on=day, source="workshop"
            )
        vehicle_transfer(
            vehicle=car, new_owner=second, on=SOLD, how="transferred", actor=consultant_a
        )
        car.refresh_from_db()
        assert car.customer_id == second.pk
        periods = [(p.customer_id, p.started_on, p.ended_on, p.how) for p in owner_history(car)]
        assert periods == [
            (first.pk, BOUGHT, SOLD, "bought_here"),
            (second.pk, SOLD, None, "transferred"),
        ]
        assert MileageReading.objects.filter(vehicle=car).count() == 2  # readings stay
        (former,) = former_vehicles(first)
        assert former.vehicle == car and former.period.ended_on == SOLD
        assert former.current_owner == second
        assert former_vehicles(second) == []
        out = Activity.objects.get(kind=TRANSFERRED_OUT)
        into = Activity.objects.get(kind=TRANSFERRED_IN)
        assert (out.customer_id, out.data["name"]) == (first.pk, "李娜")
        assert (into.customer_id, into.data["name"]) == (second.pk, "张伟")
        assert car.history.first().customer_id == second.pk


def test_owner_on_a_day(consultant_a: Any, car: Vehicle, people: tuple[Customer, Customer]) -> None:
    first, second = people
    with scope(dealer=consultant_a.dealer_id):
        vehicle_transfer(
            vehicle=car, new_owner=second, on=SOLD, how="transferred", actor=consultant_a
        )
        assert owner_on(car, BOUGHT - timedelta(days=1)) is None  # before it was bought
        assert owner_on(car, BOUGHT) == first
        assert owner_on(car, SOLD - timedelta(days=1)) == first
        assert owner_on(car, SOLD) == second  # the day of the transfer: the new owner's
        assert owner_on(car, timezone.localdate()) == second


def test_owner_on_for_a_vehicle_without_history(
    consultant_a: Any, car: Vehicle, people: Any
) -> None:
    with scope(dealer=consultant_a.dealer_id):
        VehicleOwnership.objects.all().delete()
        assert owner_on(car, date(2000, 1, 1)) == people[0]


def test_a_transfer_is_checked(
    consultant_a: Any, consultant_a2: Any, car: Vehicle, people: tuple[Customer, Customer]
) -> None:
    first, second = people
    with scope(dealer=consultant_a.dealer_id):
        with pytest.raises(ValidationError) as excinfo:
            vehicle_transfer(
                vehicle=car, new_owner=first, on=BOUGHT - timedelta(days=1), how="sold",
                actor=consultant_a,
            )  # fmt: skip
        assert set(excinfo.value.message_dict) == {"new_owner", "on", "how"}
        with pytest.raises(PermissionDenied):
            vehicle_transfer(
                vehicle=car, new_owner=second, on=SOLD, how="transferred", actor=consultant_a2
            )
        assert VehicleOwnership.objects.count() == 1
