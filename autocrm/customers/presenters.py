"""What a viewer may see of a customer: personal data in clear or masked, per the role table."""

from __future__ import annotations

from typing import Any

from autocrm.customers.policies import customer_masked_fields
from autocrm.tenancy.masking import MASK, MASKERS, mask_address, mask_birth_date
from autocrm.tenancy.policies import can_view_personal


def personal_value(viewer: Any, customer: Any, field: str) -> str:
    """The value of a personal field as `viewer` may see it (masked unless allowed)."""
    value = getattr(customer, field, "") or ""
    if not value:
        return ""
    if can_view_personal(viewer, field, responsible_staff_id=customer.responsible_staff_id):
        return value
    if field == "address":
        keep = f"{customer.province}{customer.city if customer.city != customer.province else ''}"
        return mask_address(value, keep=keep + (customer.district or ""))
    return MASKERS[field](value)


def birth_date_display(viewer: Any, customer: Any) -> str:
    """The birth date is read from the ID card, so it follows the ID number's rule."""
    if customer.birth_date is None:
        return ""
    if "birth_date" in customer_masked_fields(viewer, customer):
        return mask_birth_date(customer.birth_date)
    return customer.birth_date.isoformat()


def gender_display(viewer: Any, customer: Any) -> str:
    """The sex as the viewer may read it: hidden with the ID number it is read from."""
    if not customer.gender:
        return ""
    if "gender" in customer_masked_fields(viewer, customer):
        return MASK
    return str(customer.get_gender_display())


def contact_mobile(viewer: Any, customer: Any, mobile: str) -> str:
    """A contact's mobile follows the customer's mobile rule."""
    if not mobile:
        return ""
    if can_view_personal(viewer, "mobile", responsible_staff_id=customer.responsible_staff_id):
        return mobile
    return MASKERS["mobile"](mobile)


def display_mobile(e164: str) -> str:
    """+8613812345678 → 138 1234 5678 for reading aloud on the phone."""
    if e164.startswith("+86") and len(e164) == 14:
        d = e164[3:]
        return f"{d[:3]} {d[3:7]} {d[7:]}"
    return e164
