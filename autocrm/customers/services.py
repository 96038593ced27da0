"""Every write to a customer profile. One function per business action.

Each action validates everything first (nothing is half-saved), records who changed what
(django-simple-history, with the acting staff member), and publishes `customers_changed`, on
which quality re-scores the record in the same transaction, before returning.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import date, datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from autocrm.customers.activity import interaction_activity_record, mileage_activity_record
from autocrm.customers.catalogue_links import catalogue_choice, catalogue_set, vehicle_link_text
from autocrm.customers.choices import (
    Channel,
    CustomerKind,
    InteractionKind,
    MileageSource,
    PhoneKind,
    PhoneSource,
)
from autocrm.customers.cleaning import (
    clean_contact_fields,
    clean_customer_fields,
    clean_vehicle_fields,
)
from autocrm.customers.events import customers_changed
from autocrm.customers.models import (
    Contact,
    ContactPoint,
    Customer,
    Interaction,
    MileageReading,
    Vehicle,
)
from autocrm.customers.names import set_name_search_fields
from autocrm.customers.ownership import first_ownership_how, ownership_open
from autocrm.customers.policies import (
    can_assign_customers,
    can_create_customer,
    can_edit_customer,
    customer_masked_fields,
)
from autocrm.customers.writes import customer_writes
from autocrm.dictionaries.models import DictionaryEntry
from autocrm.rules.dates import (
    EARLIEST_EVENT_YEAR,
    implausible_distance,
    is_plausible_event_year,
)
from autocrm.rules.text import clean_text
from autocrm.tenancy.models import Staff


def _changed(customer: Customer) -> None:
    """Tell the apps above that the record changed (quality re-scores it, in this
    transaction, and brings the instance's scores up to date)."""
    customers_changed.publish(customer_ids=[customer.pk], instances=[customer], now=None)


#: Which dictionary list each classification field must come from.
DICTIONARY_FIELDS = {
    "trade_relationship": "trade_relationship",
    "nature": "customer_nature",
    "product_line": "product_line",
    "info_source": "info_source",
    "industry": "industry",
}


def _check_identity(dealer_id: int, values: Mapping[str, Any], *, customer_id: int | None) -> None:
    """Same ID number → same person (rules.identity): a second profile with an ID number or a
    USCC already on file at this dealer is refused at the field. The message says only that
    it exists (the one typing it knows the number); open that profile or merge."""
    for field in ("id_number", "uscc"):
        number = values.get(field)
        if not number:
            continue
        others = Customer.objects.filter(
            dealer_id=dealer_id, merged_into__isnull=True, **{field: number}
        )
        if customer_id is not None:
            others = others.exclude(pk=customer_id)
        if others.exists():
            raise ValidationError(
                {
                    field: [
                        ValidationError(
                            _("A customer with this number is already on file: one person has "
                              "one profile. Find that customer instead of creating another."),
                            code="identity_exists",
                        )
                    ]
                }
            )  # fmt: skip


def _check_dictionaries(customer_dealer_id: int, values: dict[str, Any]) -> None:
    errors: dict[str, list[ValidationError]] = {}
    for field, kind in DICTIONARY_FIELDS.items():
        entry = values.get(field)
        if entry is None:
            continue
        if not isinstance(entry, DictionaryEntry):
            entry = DictionaryEntry.objects.filter(pk=entry).first()
            values[field] = entry
        if entry is None or entry.dealer_id != customer_dealer_id or entry.kind != kind:
            errors.setdefault(field, []).append(ValidationError(_("Choose a valid option.")))
    hobbies = values.get("hobbies")
    if hobbies is not None:
        resolved = [
            h if isinstance(h, DictionaryEntry) else DictionaryEntry.objects.filter(pk=h).first()
            for h in hobbies
        ]
        if any(
            h is None or h.dealer_id != customer_dealer_id or h.kind != "hobby" for h in resolved
        ):
            errors.setdefault("hobbies", []).append(ValidationError(_("Choose a valid option.")))
        values["hobbies"] = resolved
    staff = values.get("responsible_staff")
    if staff is not None:
        if not isinstance(staff, Staff):
            staff = Staff.objects.filter(pk=staff).first()
            values["responsible_staff"] = staff
        if staff is None or staff.dealer_id != customer_dealer_id:
            errors.setdefault("responsible_staff", []).append(
                ValidationError(_("Choose a staff member of this dealer."))
            )
    if errors:
        raise ValidationError(errors)


def _refuse_masked_changes(actor: Staff, data: Mapping[str, Any], customer: Customer) -> None:
    """A field the actor only sees masked cannot be changed by the actor, nor a value read
    from it (the birth date and sex of an ID number): the answer to a change would tell a
    right guess from a wrong one ("does not match the ID number")."""
    masked = customer_masked_fields(actor, customer)
    refused = {
        field: [ValidationError(_("Your role may not change this field."), code="masked")]
        for field in data
        if field in masked
    }
    if refused:
        raise ValidationError(refused)


@transaction.atomic
def customer_create(*, actor: Staff, data: Mapping[str, Any]) -> Customer:
    """Create a customer profile for the actor's dealer; the actor becomes responsible for it
    unless another staff member is named."""
    if not can_create_customer(actor):
        raise PermissionDenied(_("Your role may not create customers."))
    kind = data.get("kind") or CustomerKind.PERSON
    if actor.dealer is None:  # HQ and operators create no customers (own_dealer_id refuses)
        raise PermissionDenied
    values = clean_customer_fields(
        {"name": "", **data, "kind": kind}, kind=kind, near_province=actor.dealer.province
    )
    responsible = values.pop("responsible_staff", None) or actor
    values["responsible_staff"] = responsible
    _check_dictionaries(actor.own_dealer_id, values)
    _check_identity(actor.own_dealer_id, values, customer_id=None)
    hobbies = values.pop("hobbies", None)
    customer = Customer(dealer_id=actor.own_dealer_id, created_by=actor, **values)
    set_name_search_fields(customer)
    customer._history_user = actor  # type: ignore[attr-defined]
    customer.save()
    if hobbies:
        customer.hobbies.set(hobbies)
    _changed(customer)
    return customer


@transaction.atomic
def customer_update(*, actor: Staff, customer: Customer, data: Mapping[str, Any]) -> Customer:
    """Change the fields present in `data`; the history keeps old → new with the actor."""
    _ensure_can_edit(actor, customer)
    _refuse_masked_changes(actor, data, customer)
    kind = data.get("kind") or customer.kind
    data = dict(data)
    if ("id_type" in data) != ("id_number" in data):
        # The ID type and number are validated together.
        data.setdefault("id_number", customer.id_number)
        data.setdefault("id_type", customer.id_type)
    if ("birth_date" in data or "gender" in data) and "id_number" not in data:
        # Cross-check a changed birth date or gender against the ID already on file.
        data.setdefault("id_number", customer.id_number)
        data.setdefault("id_type", customer.id_type)
        data.setdefault("birth_date", customer.birth_date)
        data.setdefault("gender", customer.gender)
    values = clean_customer_fields(data, kind=kind, near_province=customer.dealer.province)
    _check_dictionaries(customer.dealer_id, values)
    if (
        values.get("id_number", customer.id_number) != customer.id_number
        or values.get("uscc", customer.uscc) != customer.uscc
    ):
        _check_identity(customer.dealer_id, values, customer_id=customer.pk)
    hobbies = values.pop("hobbies", None)
    changed = False
    replaced = _replaced_numbers(customer, values)
    for field, value in values.items():
        if getattr(customer, field) != value:
            setattr(customer, field, value)
            changed = True
    _keep_numbers(customer, replaced)
    if "name" in values or "kind" in values:
        set_name_search_fields(customer)
    if changed:
        customer.updated_at = timezone.now()
        customer._history_user = actor  # type: ignore[attr-defined]
        customer.save()
    if hobbies is not None and {h.pk for h in hobbies} != set(
        customer.hobbies.values_list("pk", flat=True)
    ):
        customer._history_user = actor  # type: ignore[attr-defined]
        customer.hobbies.set(hobbies)
    _changed(customer)
    return customer


@transaction.atomic
def customers_assign(*, actor: Staff, customer_ids: Collection[int], staff: Staff) -> int:
    """Make `staff` responsible for the customers (a manager handing out the unassigned
    ones); history records the change with the actor. Only the actor's dealer's customers
    are touched: other ids are ignored, as if they did not exist. Returns how many changed."""
    if not can_assign_customers(actor):
        raise PermissionDenied(_("Your role may not assign customers."))
    if staff.dealer_id != actor.own_dealer_id or not staff.is_active:
        raise ValidationError({"staff": _("Choose a staff member of this dealer.")})
    now = timezone.now()
    customers = [
        customer
        for customer in Customer.objects.filter(
            dealer_id=actor.own_dealer_id, pk__in=list(customer_ids), merged_into__isnull=True
        )
        if customer.responsible_staff_id != staff.pk
    ]
    for customer in customers:
        customer.responsible_staff = staff
        customer.updated_at = now
    reason = str(_("Assigned to %(staff)s")) % {"staff": staff}
    with customer_writes(
        dealer_id=actor.own_dealer_id, actor=actor, reason=reason, now=now
    ) as writes:
        writes.update_customers(customers, {"responsible_staff", "updated_at"})
    return len(customers)


def _replaced_numbers(customer: Customer, values: Mapping[str, Any]) -> list[tuple[str, str, str]]:
    """(kind, number, as written) of the mobile and landline `values` replace: every number
    ever seen is kept (issue #12), the old one as another number of the customer."""
    out: list[tuple[str, str, str]] = []
    if values.get("mobile", customer.mobile) != customer.mobile and customer.mobile:
        out.append((PhoneKind.MOBILE, customer.mobile, customer.mobile_raw or customer.mobile))
    if values.get("landline", customer.landline) != customer.landline and customer.landline:
        out.append((PhoneKind.LANDLINE, customer.landline, customer.landline))
    return out


def _keep_numbers(customer: Customer, numbers: list[tuple[str, str, str]]) -> None:
    now = timezone.now()
    for kind, number, raw in numbers:
        if number in (customer.mobile, customer.landline):
            continue
        point, created = ContactPoint.objects.get_or_create(
            dealer_id=customer.dealer_id, customer=customer, number=number,
            defaults={"kind": kind, "raw": raw[:40], "source": PhoneSource.ENTRY,
                      "first_seen": now, "last_seen": now},
        )  # fmt: skip
        if not created:
            point.last_seen = now
            point.save(update_fields=["last_seen"])
    if customer.mobile or customer.landline:  # a number back as the contact number
        ContactPoint.objects.filter(
            customer=customer, number__in=[n for n in (customer.mobile, customer.landline) if n]
        ).delete()


@transaction.atomic
def customer_verification_set(
    *,
    actor: Staff,
    customer: Customer,
    accuracy_status: str | None,
    mobile_flagged_wrong: bool | None,
    verified_at: datetime | None,
    reason: str,
) -> Customer:
    """Store what a verification call found (quality's verification service decides it):
    the accuracy status, the wrong-number flag and the last-verified time; None leaves a
    value as it is. One history row with old → new and the reason, when anything changed."""
    changed = False
    if accuracy_status is not None and customer.accuracy_status != accuracy_status:
        customer.accuracy_status = accuracy_status
        changed = True
    if mobile_flagged_wrong is not None and customer.mobile_flagged_wrong != mobile_flagged_wrong:
        customer.mobile_flagged_wrong = mobile_flagged_wrong
        changed = True
    if verified_at is not None:
        customer.last_verified_at = verified_at
        changed = True
    if changed:
        customer._history_user = actor  # type: ignore[attr-defined]
        customer._change_reason = reason  # type: ignore[attr-defined]
        customer.save()
        _changed(customer)
    return customer


def merged_away_message(customer: Customer) -> str:
    """What an edit of a record merged into another is told (the record is read-only)."""
    return _(
        "This record was merged into customer #%(id)s and can no longer be changed; "
        "edit that customer instead."
    ) % {"id": customer.merged_into_id}


def ensure_not_merged(customer: Customer) -> None:
    """A merged-away record is read-only: every change goes to its survivor (issue #12)."""
    if customer.merged_into_id:
        raise ValidationError(merged_away_message(customer), code="merged")


def _ensure_can_edit(actor: Staff, customer: Customer) -> None:
    if not can_edit_customer(actor, responsible_staff_id=customer.responsible_staff_id):
        raise PermissionDenied(_("Your role may not change this customer."))
    ensure_not_merged(customer)


@transaction.atomic
def contact_add(*, actor: Staff, customer: Customer, data: Mapping[str, Any]) -> Contact:
    """Add a contact person (one of the six contact types) to the customer."""
    _ensure_can_edit(actor, customer)
    values = clean_contact_fields({"name": "", "contact_type": "", **data})
    contact = Contact(dealer_id=customer.dealer_id, customer=customer, **values)
    contact._history_user = actor  # type: ignore[attr-defined]
    contact.save()
    _changed(customer)
    return contact


@transaction.atomic
def vehicle_add(*, actor: Staff, customer: Customer, data: Mapping[str, Any]) -> Vehicle:
    """Register a vehicle for the customer. A VIN already on file at this dealer is refused:
    the same car entered twice by sales and service is how duplicates are born (seed 000)."""
    _ensure_can_edit(actor, customer)
    values, choice = _vehicle_values({"vin": "", **data})
    existing = (
        Vehicle.objects.filter(dealer_id=customer.dealer_id, vin=values["vin"])
        .select_related("customer")
        .first()
    )
    if existing is not None:
        raise ValidationError(
            {
                "vin": [
                    ValidationError(
                        _("This VIN is already on file for customer %(name)s."),
                        code="vin_exists",
                        params={"name": existing.customer.name},
                    )
                ]
            }
        )
    mileage = values.get("mileage_km")
    read_on = values.pop("mileage_read_on", None) or timezone.localdate()
    vehicle = Vehicle(dealer_id=customer.dealer_id, customer=customer, **values)
    catalogue_set(vehicle, choice, text_changed=False)
    if mileage is not None:
        vehicle.mileage_read_on = read_on
    vehicle._history_user = actor  # type: ignore[attr-defined]
    vehicle.save()
    vehicle_link_text(vehicle)
    # the vehicle's owner history starts here (customers.ownership)
    ownership_open(
        vehicle=vehicle,
        customer=customer,
        started_on=vehicle.purchase_date,
        how=first_ownership_how(vehicle),
        actor=actor,
    )
    if mileage is not None:
        reading = MileageReading.objects.create(
            dealer_id=customer.dealer_id,
            vehicle=vehicle,
            mileage_km=mileage,
            read_on=read_on,
            source=MileageSource.SALE if vehicle.bought_here else MileageSource.CUSTOMER,
            recorded_by=actor,
        )
        mileage_activity_record(actor=actor, reading=reading)
    _changed(customer)
    return vehicle


@transaction.atomic
def vehicle_update(*, actor: Staff, vehicle: Vehicle, data: Mapping[str, Any]) -> Vehicle:
    _ensure_can_edit(actor, vehicle.customer)
    data = {k: v for k, v in data.items() if k != "mileage_km"}
    values, choice = _vehicle_values(data)
    vin_changed = "vin" in values and values["vin"] != vehicle.vin
    same_vin = Vehicle.objects.filter(dealer_id=vehicle.dealer_id, vin=values.get("vin"))
    if vin_changed and same_vin.exclude(pk=vehicle.pk).exists():
        raise ValidationError({"vin": [_("This VIN is already on file.")]})
    text_changed = any(
        f in values and values[f] != getattr(vehicle, f) for f in ("brand", "model_name")
    )
    for field, value in values.items():
        setattr(vehicle, field, value)
    catalogue_set(vehicle, choice, text_changed=text_changed)
    vehicle._history_user = actor  # type: ignore[attr-defined]
    vehicle.save()
    vehicle_link_text(vehicle)
    _changed(vehicle.customer)
    return vehicle


def _vehicle_values(data: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The vehicle's cleaned values and its catalogue choice, every error of both at once."""
    errors: dict[str, Any] = {}
    values: dict[str, Any] = {}
    choice: dict[str, Any] = {}
    try:
        values = clean_vehicle_fields(data)
    except ValidationError as exc:
        errors.update(exc.error_dict)
    try:
        choice = catalogue_choice(data)
    except ValidationError as exc:
        errors.update(exc.error_dict)
    if errors:
        raise ValidationError(errors)
    return values, choice


def _reading_conflict(message: Any, other: MileageReading) -> ValidationError:
    """An odometer series only goes up: name the reading the new one contradicts."""
    return ValidationError(
        {
            "mileage_km": [
                ValidationError(message, params={"km": other.mileage_km, "date": other.read_on})
            ]
        }
    )


@transaction.atomic
def mileage_record(
    *,
    actor: Staff,
    vehicle: Vehicle,
    mileage_km: int,
    read_on: date,
    source: str,
    odometer_replaced: bool = False,
) -> MileageReading:
    """Record an odometer reading. Refused: a reading lower than an earlier one (unless the
    odometer was replaced), higher than a later one, dated before 1970 or in the future, or
    farther from the previous reading (or from a car bought new here) than a car can be
    driven in the days between (`rules.dates.MAX_KM_PER_DAY`)."""
    _ensure_can_edit(actor, vehicle.customer)
    values = clean_vehicle_fields({"mileage_km": mileage_km})
    km = values["mileage_km"]
    if km is None:
        raise ValidationError({"mileage_km": [_("Enter the mileage.")]})
    if source not in MileageSource.values:
        raise ValidationError({"source": [_("Choose where the reading comes from.")]})
    if read_on > timezone.localdate():
        raise ValidationError({"read_on": [_("The reading date cannot be in the future.")]})
    if not is_plausible_event_year(read_on.year):
        raise ValidationError(
            {"read_on": [_("Enter a date from %(year)s on.") % {"year": EARLIEST_EVENT_YEAR}]}
        )
    earlier = (
        MileageReading.objects.filter(vehicle=vehicle, read_on__lte=read_on)
        .order_by("-read_on", "-id")
        .first()
    )
    later = (
        MileageReading.objects.filter(vehicle=vehicle, read_on__gt=read_on)
        .order_by("read_on", "id")
        .first()
    )
    if later is not None and km > later.mileage_km:
        raise _reading_conflict(_("Higher than the %(km)s km read later, on %(date)s."), later)
    if earlier is not None and km < earlier.mileage_km and not odometer_replaced:
        raise _reading_conflict(
            _("Lower than the %(km)s km read on %(date)s (if the odometer was replaced, say so)."),
            earlier,
        )
    if earlier is not None and not odometer_replaced:
        if implausible_distance(km, earlier.mileage_km, (read_on - earlier.read_on).days):
            raise _reading_conflict(
                _("No car covers that distance since the %(km)s km read on %(date)s."), earlier
            )
    elif earlier is None and vehicle.bought_here and vehicle.purchase_date:
        days = (read_on - vehicle.purchase_date).days
        if days >= 0 and implausible_distance(km, 0, days):
            raise ValidationError(
                {
                    "mileage_km": [
                        _("No new car covers %(km)s km in the %(days)s days since its purchase.")
                        % {"km": f"{km:,}", "days": days}
                    ]
                }
            )
    reading = MileageReading.objects.create(
        dealer_id=vehicle.dealer_id,
        vehicle=vehicle,
        mileage_km=km,
        read_on=read_on,
        source=source,
        odometer_replaced=odometer_replaced,
        recorded_by=actor,
    )
    if vehicle.mileage_read_on is None or read_on >= vehicle.mileage_read_on:
        vehicle.mileage_km = km
        vehicle.mileage_read_on = read_on
        vehicle._history_user = actor  # type: ignore[attr-defined]
        vehicle.save(update_fields=["mileage_km", "mileage_read_on"])
    mileage_activity_record(actor=actor, reading=reading)
    return reading


@transaction.atomic
def interaction_record(*, actor: Staff, customer: Customer, data: Mapping[str, Any]) -> Interaction:
    """Record a contact with the customer (follow-up result, visit, event, referral …)."""
    if actor.dealer_id != customer.dealer_id or not can_create_customer(actor):
        raise PermissionDenied(_("Your role may not record interactions."))
    ensure_not_merged(customer)
    errors: dict[str, list[ValidationError]] = {}
    kind = data.get("kind")
    if kind not in InteractionKind.values:
        errors["kind"] = [ValidationError(_("Choose what kind of contact this was."))]
    channel = data.get("channel") or ""
    if channel and channel not in Channel.values:
        errors["channel"] = [ValidationError(_("Choose a valid channel."))]
    summary = clean_text(data.get("summary"))
    if not summary:
        errors["summary"] = [ValidationError(_("Describe the contact in a few words."))]
    occurred_at = data.get("occurred_at") or timezone.now()
    if not is_plausible_event_year(occurred_at.year):  # before comparing: year 1 overflows
        errors["occurred_at"] = [
            ValidationError(
                _("Enter a time from %(year)s on.") % {"year": EARLIEST_EVENT_YEAR},
                code="implausible",
            )
        ]
    elif occurred_at > timezone.now():
        errors["occurred_at"] = [ValidationError(_("The time cannot be in the future."))]
    cost = data.get("cost")
    if cost is not None and cost < 0:
        errors["cost"] = [ValidationError(_("The cost cannot be negative."))]
    if errors:
        raise ValidationError(errors)
    interaction = Interaction.objects.create(
        dealer_id=customer.dealer_id,
        customer=customer,
        kind=str(kind),
        channel=channel,
        occurred_at=occurred_at,
        place=clean_text(data.get("place")),
        summary=summary,
        outcome=clean_text(data.get("outcome")),
        cost=cost,
        staff=actor,
    )
    interaction_activity_record(actor=actor, interaction=interaction)
    _changed(customer)
    return interaction
