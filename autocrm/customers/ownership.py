"""Vehicle ownership over time: the writes (domain.md §2, issue #12 part 3).

A VIN identifies a vehicle, not its owner: a used car sold on keeps its VIN, its readings and
its history, and changes owner. `Vehicle.customer` is the current owner, the open period of the
vehicle's owner history (`VehicleOwnership`, `ended_on` empty); a previous owner keeps the
vehicle as a former vehicle, with the date it left.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from autocrm.core.activity import activity_record
from autocrm.customers.choices import OwnershipHow
from autocrm.customers.events import customers_changed
from autocrm.customers.models import Customer, Vehicle, VehicleOwnership
from autocrm.customers.policies import can_edit_customer
from autocrm.tenancy.models import Staff

#: The activity kinds of a transfer, one on each owner's timeline (customers.registry).
TRANSFERRED_OUT = "vehicle_transferred_out"
TRANSFERRED_IN = "vehicle_transferred_in"


def _ensure_can_edit(actor: Staff, customer: Customer) -> None:
    if not can_edit_customer(actor, responsible_staff_id=customer.responsible_staff_id):
        raise PermissionDenied(_("Your role may not change this customer."))


def ownership_open(
    *, vehicle: Vehicle, customer: Customer, started_on: date | None, how: str, actor: Staff | None
) -> VehicleOwnership:
    """Open the owner period of `customer` for `vehicle` (inside the caller's transaction)."""
    period = VehicleOwnership(
        dealer_id=vehicle.dealer_id,
        vehicle=vehicle,
        customer=customer,
        started_on=started_on,
        how=how,
    )
    period._history_user = actor  # type: ignore[attr-defined]
    period.save()
    return period


def first_ownership_how(vehicle: Vehicle) -> str:
    return OwnershipHow.BOUGHT_HERE if vehicle.bought_here else OwnershipHow.ENTERED


def _vehicle_label(vehicle: Vehicle) -> str:
    return vehicle.plate_number or vehicle.vin


@transaction.atomic
def vehicle_transfer(
    *, vehicle: Vehicle, new_owner: Customer, on: date, how: str, actor: Staff
) -> VehicleOwnership:
    """The vehicle changes owner on `on` (a used car sold on, a transfer between family
    members): the previous owner's period closes that day, the new owner's opens, and the
    vehicle moves with its history and readings. Both owners' timelines record it."""
    vehicle = Vehicle.objects.select_for_update().select_related("customer").get(pk=vehicle.pk)
    previous = vehicle.customer
    _ensure_can_edit(actor, previous)
    _ensure_can_edit(actor, new_owner)
    errors: dict[str, list[ValidationError]] = {}
    if new_owner.pk == previous.pk:
        errors["new_owner"] = [ValidationError(_("This customer already owns the vehicle."))]
    elif new_owner.dealer_id != vehicle.dealer_id or new_owner.merged_into_id is not None:
        errors["new_owner"] = [ValidationError(_("Choose a customer of this dealer."))]
    if how not in OwnershipHow.values:
        errors["how"] = [ValidationError(_("Choose how the vehicle changed owner."))]
    if on > timezone.localdate():
        errors["on"] = [ValidationError(_("The date cannot be in the future."))]
    current = (
        VehicleOwnership.objects.filter(vehicle=vehicle, ended_on__isnull=True)
        .order_by("-id")
        .first()
    )
    if current is not None and current.started_on is not None and on < current.started_on:
        errors["on"] = [
            ValidationError(
                _("The current owner has had the vehicle since %(date)s."),
                params={"date": current.started_on},
            )
        ]
    if errors:
        raise ValidationError(errors)
    if current is None:  # a vehicle recorded before owner histories: its owner's period
        current = ownership_open(
            vehicle=vehicle,
            customer=previous,
            started_on=vehicle.purchase_date,
            how=first_ownership_how(vehicle),
            actor=actor,
        )
    current.ended_on = on
    current._history_user = actor  # type: ignore[attr-defined]
    current.save(update_fields=["ended_on"])
    period = ownership_open(
        vehicle=vehicle, customer=new_owner, started_on=on, how=how, actor=actor
    )
    vehicle.customer = new_owner
    vehicle._history_user = actor  # type: ignore[attr-defined]
    vehicle.save(update_fields=["customer"])
    facts = {"vehicle_id": vehicle.pk, "vehicle": _vehicle_label(vehicle), "on": on.isoformat(),
             "how": how}  # fmt: skip
    activity_record(
        dealer_id=vehicle.dealer_id,
        customer_id=previous.pk,
        kind=TRANSFERRED_OUT,
        actor=actor,
        target=period,
        data={**facts, "customer_id": new_owner.pk, "name": new_owner.name},
    )
    activity_record(
        dealer_id=vehicle.dealer_id,
        customer_id=new_owner.pk,
        kind=TRANSFERRED_IN,
        actor=actor,
        target=period,
        data={**facts, "customer_id": previous.pk, "name": previous.name},
    )
    customers_changed.publish(customer_ids=[previous.pk, new_owner.pk], instances=[], now=None)
    return period
