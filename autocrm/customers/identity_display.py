"""What a viewer may read of a customer's household, other numbers and vehicle owners: the
customer-page panels (registered in customers.registry) and the timeline renderers of the
household and transfer activities. Masking as everywhere else: a number follows the rule of
the customer's mobile (or landline), and names are de-identified for HQ."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _

from autocrm.core.registry import TimelineEntry
from autocrm.customers.choices import HouseholdRelation, OwnershipHow
from autocrm.customers.identity_selectors import (
    household_with_members,
    other_numbers,
    vehicle_periods,
)
from autocrm.customers.models import Customer, VehicleOwnership
from autocrm.customers.policies import can_edit_customer
from autocrm.customers.presenters import display_mobile
from autocrm.tenancy.masking import MASKERS, mask_name
from autocrm.tenancy.policies import can_view_personal


def sees_names(viewer: Any) -> bool:
    """HQ works on de-identified data: names of people are masked for it (domain.md §9)."""
    return not getattr(viewer, "is_hq", False) and getattr(viewer, "dealer_id", None) is not None


def name_for(viewer: Any, name: str) -> str:
    return name if sees_names(viewer) else mask_name(name)


def number_for(viewer: Any, customer: Customer, number: str) -> str:
    """A number as the viewer may see it on `customer`'s page: a mobile follows the mobile's
    rule, a landline the landline's, with the customer's responsible staff member."""
    if not number:
        return ""
    field = "mobile" if number.startswith("+861") and len(number) == 14 else "landline"
    if can_view_personal(viewer, field, responsible_staff_id=customer.responsible_staff_id):
        return display_mobile(number) if field == "mobile" else number
    return MASKERS[field](number)


@dataclass
class MemberRow:
    pk: int
    name: str
    relation: str
    shared_number: str
    customer_id: int | None
    is_self: bool


def household_panel(request: HttpRequest, customer: Customer) -> dict[str, Any]:
    """The household card: members, relation, shared number, links to their profiles; the
    customer's other numbers; "add family member" for those who may change the customer."""
    viewer = request.user
    household, rows = household_with_members(customer)
    members = []
    if household is not None:
        for member in rows:
            name = member.customer.name if member.customer is not None else member.name
            members.append(
                MemberRow(
                    pk=member.pk,
                    name=name_for(viewer, name),
                    relation=member.get_relation_display(),
                    shared_number=number_for(viewer, customer, member.shared_number),
                    customer_id=member.customer_id,
                    is_self=member.customer_id == customer.pk,
                )
            )
    numbers = [
        {
            "number": number_for(viewer, customer, point.number),
            "kind": point.get_kind_display(),
            "source": point.get_source_display(),
            "last_seen": point.last_seen,
        }
        for point in other_numbers(customer)
    ]
    return {
        "customer": customer,
        "household": household,
        "members": members,
        "numbers": numbers,
        "can_edit": can_edit_customer(viewer, responsible_staff_id=customer.responsible_staff_id),
    }


def _period_facts(viewer: Any, period: VehicleOwnership) -> dict[str, Any]:
    return {
        "started_on": period.started_on,
        "ended_on": period.ended_on,
        "how": period.get_how_display(),
    }


def vehicles_panel(request: HttpRequest, customer: Customer) -> dict[str, Any] | None:
    """Vehicles the customer owned before: the date each left and who owns it now. Shown
    when there is one; the current vehicles are the profile's vehicle card."""
    viewer = request.user
    current, former_list = vehicle_periods(customer)
    rows = [
        {
            "vehicle": former.vehicle,
            **_period_facts(viewer, former.period),
            "owner_id": former.current_owner.pk,
            "owner": name_for(viewer, former.current_owner.name),
        }
        for former in former_list
    ]
    if not rows and not current:
        return None
    return {
        "customer": customer,
        "former": rows,
        "current": [{"vehicle": p.vehicle, **_period_facts(viewer, p)} for p in current],
    }


# --- timeline renderers ---------------------------------------------------------------------


def _relation(value: str) -> str:
    return str(dict(HouseholdRelation.choices).get(value, "")) if value else ""


def member_detail(entry: TimelineEntry, viewer: Any) -> str:
    """李娜 · Spouse · shares 139****0000 (the name is in the detail, which knows the viewer:
    HQ reads it de-identified)."""
    parts = [name_for(viewer, str(entry.data.get("name", "")))]
    relation = _relation(str(entry.data.get("relation", "")))
    if relation:
        parts.append(relation)
    number = str(entry.data.get("shared_number", ""))
    if number and entry.customer is not None:
        parts.append(
            _("shares %(number)s") % {"number": number_for(viewer, entry.customer, number)}
        )
    return " · ".join(p for p in parts if p)


def transfer_subject(entry: TimelineEntry) -> str:
    return str(entry.data.get("vehicle", ""))


def transfer_detail(entry: TimelineEntry, viewer: Any) -> str:
    """2026-05-01 · Transferred (used car) · 李娜."""
    data = entry.data
    how = str(dict(OwnershipHow.choices).get(data.get("how"), ""))
    return " · ".join(
        p for p in (str(data.get("on", "")), how, name_for(viewer, str(data.get("name", "")))) if p
    )


def split_detail(entry: TimelineEntry, viewer: Any) -> str:
    """The people split off the record (or the record a person was split off)."""
    names = entry.data.get("names") or [entry.data.get("name", "")]
    return "、".join(name_for(viewer, str(n)) for n in names if n)
