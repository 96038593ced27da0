"""The masking table: who may see which personal data in clear.

The role table is the single source of truth for masking; pages, API and exports all ask
`can_view_personal`. What each role may *do* is in the `policies.py` of the app concerned.
HQ analysts never see personal data in clear (domain.md §9: HQ works on de-identified data).
"""

from __future__ import annotations

from collections.abc import Container
from enum import Enum
from typing import TYPE_CHECKING

from autocrm.tenancy.roles import Role

if TYPE_CHECKING:
    from autocrm.tenancy.models import Staff

PERSONAL_FIELDS = ("mobile", "landline", "email", "address", "id_number")
#: Values read from a personal field, masked wherever it is (issue #13): the birth date and the
#: sex are digits 7-14 and 17 of an ID number. The birth date always follows the ID number's
#: rule (it is personal data on its own); the sex only on a record that holds an ID number.
DERIVED_FROM = {"birth_date": ("id_number", False), "gender": ("id_number", True)}


class Visibility(Enum):
    ALL = "all"  # clear for every customer of the dealer
    OWN = "own"  # clear only for customers the staff member is responsible for
    NONE = "none"  # always masked


_ALL, _OWN, _NONE = Visibility.ALL, Visibility.OWN, Visibility.NONE

#: Role table. Sales consultants see the contact data of their own customers (a consultant who
#: leaves must not take the whole showroom's phone list); service advisors phone owners about
#: their cars; customer relations verify phone numbers and addresses; department managers call
#: escalations; the general manager and HQ work on figures, not on people.
ROLE_VISIBILITY: dict[str, dict[str, Visibility]] = {
    Role.SALES_CONSULTANT: {
        "mobile": _OWN,
        "landline": _OWN,
        "email": _OWN,
        "address": _OWN,
        "id_number": _OWN,
    },
    Role.SERVICE_ADVISOR: {
        "mobile": _ALL,
        "landline": _ALL,
        "email": _NONE,
        "address": _NONE,
        "id_number": _NONE,
    },
    Role.CUSTOMER_RELATIONS: {
        "mobile": _ALL,
        "landline": _ALL,
        "email": _ALL,
        "address": _ALL,
        "id_number": _NONE,
    },
    Role.MANAGER: {
        "mobile": _ALL,
        "landline": _ALL,
        "email": _NONE,
        "address": _NONE,
        "id_number": _NONE,
    },
    Role.GENERAL_MANAGER: dict.fromkeys(PERSONAL_FIELDS, _NONE),
    Role.HQ_ANALYST: dict.fromkeys(PERSONAL_FIELDS, _NONE),
}


def visibility(staff: Staff, field: str) -> Visibility:
    """For which customers `staff` sees `field` in clear: all, its own, or none. A search
    asks it too: it never matches a record on a value the viewer sees masked (issue #13)."""
    if field not in PERSONAL_FIELDS:
        return Visibility.ALL
    if staff.is_superuser and staff.dealer_id is None and not staff.role:
        return Visibility.NONE  # a bare superuser is an operator, not a dealership user
    return ROLE_VISIBILITY.get(staff.role, {}).get(field, Visibility.NONE)


def can_view_personal(staff: Staff, field: str, *, responsible_staff_id: int | None) -> bool:
    """True when `staff` may see `field` of a customer in clear."""
    seen = visibility(staff, field)
    if seen is Visibility.ALL:
        return True
    if seen is Visibility.OWN:
        return responsible_staff_id is not None and responsible_staff_id == staff.pk
    return False


def masked_fields(
    staff: Staff, *, responsible_staff_id: int | None, held: Container[str]
) -> frozenset[str]:
    """The fields of a customer that `staff` sees masked, and so may neither change nor test
    a guess against: the personal fields of the role table, and the values derived from them
    (`DERIVED_FROM`). `held`: the fields the record holds a value in."""
    masked = {
        field
        for field in PERSONAL_FIELDS
        if not can_view_personal(staff, field, responsible_staff_id=responsible_staff_id)
    }
    for field, (source, only_when_held) in DERIVED_FROM.items():
        if source in masked and (not only_when_held or source in held):
            masked.add(field)
    return frozenset(masked)
