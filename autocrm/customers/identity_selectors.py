"""Reads of a customer's identity beyond the profile: the household, the other numbers, the
vehicles owned before, a vehicle's owner history and its owner on a given day."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import F, Q

from autocrm.customers.models import (
    ContactPoint,
    Customer,
    Household,
    HouseholdMember,
    Vehicle,
    VehicleOwnership,
)


def household_of(customer: Customer) -> Household | None:
    membership = HouseholdMember.objects.filter(customer=customer).order_by("id").first()
    return membership.household if membership is not None else None


def household_with_members(customer: Customer) -> tuple[Household | None, list[HouseholdMember]]:
    """The customer's household and its members (the head first, then as added), in one
    query: the customer page reads it on every visit."""
    own = HouseholdMember.objects.filter(customer=customer).values("household_id")[:1]
    members = list(
        HouseholdMember.objects.filter(household_id__in=own)
        .select_related("household", "customer")
        .order_by("added_at", "id")
    )
    return (members[0].household if members else None), members


def household_members(household: Household) -> list[HouseholdMember]:
    """The members of a household, the organization or the head first, then as added."""
    return list(
        household.members.select_related("customer", "customer__responsible_staff").order_by(
            "added_at", "id"
        )
    )


def other_numbers(customer: Customer) -> list[ContactPoint]:
    """The numbers seen for the customer beside the mobile and the landline, newest first."""
    return list(
        ContactPoint.objects.filter(customer=customer)
        .exclude(number__in=[n for n in (customer.mobile, customer.landline) if n])
        .order_by("-last_seen", "-id")
    )


def sharing_number(customer: Customer, number: str) -> list[Customer]:
    """The other customers of the dealer who hold `number` (as their mobile or another
    number): the people a shared contact point links."""
    holders = ContactPoint.objects.filter(number=number).values("customer_id")
    return list(
        Customer.objects.filter(Q(mobile=number) | Q(id__in=holders), merged_into__isnull=True)
        .exclude(pk=customer.pk)
        .order_by("id")
    )


@dataclass
class FormerVehicle:
    vehicle: Vehicle
    period: VehicleOwnership
    current_owner: Customer


def vehicle_periods(customer: Customer) -> tuple[list[VehicleOwnership], list[FormerVehicle]]:
    """The customer's open owner periods (current vehicles, newest first) and the vehicles
    the customer owned and no longer owns (the date each left, who owns it now), in one
    query."""
    periods = (
        VehicleOwnership.objects.filter(customer=customer)
        .select_related("vehicle", "vehicle__customer")
        .order_by(F("ended_on").desc(nulls_first=True), "-id")
    )
    current: list[VehicleOwnership] = []
    former: list[FormerVehicle] = []
    seen: set[int] = set()
    for period in periods:
        if period.ended_on is None:
            current.append(period)
        elif period.vehicle.customer_id != customer.pk and period.vehicle_id not in seen:
            seen.add(period.vehicle_id)
            former.append(FormerVehicle(period.vehicle, period, period.vehicle.customer))
    return current, former


def former_vehicles(customer: Customer) -> list[FormerVehicle]:
    """Vehicles the customer owned and no longer owns: the date each left, who owns it now."""
    return vehicle_periods(customer)[1]


def owner_history(vehicle: Vehicle) -> list[VehicleOwnership]:
    """The vehicle's owners, the first first: from, to (empty for the current one), how."""
    return list(
        VehicleOwnership.objects.filter(vehicle=vehicle)
        .select_related("customer", "customer__responsible_staff")
        .order_by("started_on", "id")
    )


def owner_on(vehicle: Vehicle, day: date) -> Customer | None:
    """Who owned the vehicle on `day`: a repair order belongs to the owner of that day.

    A period runs from `started_on` (included; empty: since before anyone recorded it) to
    `ended_on` (excluded: on the day of a transfer the new owner has the car). None before the
    first owner had it; a vehicle without an owner history belongs to its current owner."""
    period = (
        VehicleOwnership.objects.filter(vehicle=vehicle)
        .filter(Q(started_on__lte=day) | Q(started_on__isnull=True))
        .filter(Q(ended_on__gt=day) | Q(ended_on__isnull=True))
        .select_related("customer")
        .order_by(F("started_on").desc(nulls_last=True), "-id")
        .first()
    )
    if period is not None:
        return period.customer
    if not VehicleOwnership.objects.filter(vehicle=vehicle).exists():
        return vehicle.customer
    return None
