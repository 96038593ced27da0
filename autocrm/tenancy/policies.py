"""Access policies: who may see personal data in clear and who may change what.

The role table is the single source of truth for masking; pages, API and exports all ask
`can_view_personal`. HQ analysts never see personal data in clear (domain.md §9: HQ works on
de-identified data).
"""

from __future__ import annotations

from enum import Enum
from typing import TYPE_CHECKING

from autocrm.tenancy.roles import Role

if TYPE_CHECKING:
    from autocrm.tenancy.models import Staff

PERSONAL_FIELDS = ("mobile", "landline", "email", "address", "id_number")


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

#: Roles that may create and change customer profiles.
EDITOR_ROLES = frozenset(
    {Role.SALES_CONSULTANT, Role.SERVICE_ADVISOR, Role.CUSTOMER_RELATIONS, Role.MANAGER}
)
#: Roles that may change any customer of the dealer (the others only their own).
EDIT_ANY_ROLES = frozenset({Role.SERVICE_ADVISOR, Role.CUSTOMER_RELATIONS, Role.MANAGER})
#: Roles that may maintain the dealer's dictionaries (domain.md §3: the sales director).
DICTIONARY_ROLES = frozenset({Role.MANAGER, Role.GENERAL_MANAGER})


def can_view_personal(staff: Staff, field: str, *, responsible_staff_id: int | None) -> bool:
    """True when `staff` may see `field` of a customer in clear."""
    if field not in PERSONAL_FIELDS:
        return True
    if staff.is_superuser and staff.dealer_id is None and not staff.role:
        return False  # a bare superuser is an operator, not a dealership user
    visibility = ROLE_VISIBILITY.get(staff.role, {}).get(field, Visibility.NONE)
    if visibility is Visibility.ALL:
        return True
    if visibility is Visibility.OWN:
        return responsible_staff_id is not None and responsible_staff_id == staff.pk
    return False


def can_create_customer(staff: Staff) -> bool:
    return staff.role in EDITOR_ROLES and staff.dealer_id is not None


def can_edit_customer(staff: Staff, *, responsible_staff_id: int | None) -> bool:
    if not can_create_customer(staff):
        return False
    if staff.role in EDIT_ANY_ROLES:
        return True
    return responsible_staff_id == staff.pk


def can_maintain_dictionaries(staff: Staff) -> bool:
    return staff.role in DICTIONARY_ROLES and staff.dealer_id is not None


#: Roles that keep the dealer's data clean (domain.md §2: customer relations own data quality;
#: department managers answer for their people's records).
DATA_STEWARD_ROLES = frozenset({Role.CUSTOMER_RELATIONS, Role.MANAGER})


def can_import_customers(staff: Staff) -> bool:
    """Upload Excel/CSV exports into the dealer's customer profiles (and undo an import)."""
    return staff.role in DATA_STEWARD_ROLES and staff.dealer_id is not None


def can_merge_customers(staff: Staff) -> bool:
    """Review duplicate candidates of the dealer, merge and un-merge them."""
    return staff.role in DATA_STEWARD_ROLES and staff.dealer_id is not None


def can_make_verification_calls(staff: Staff) -> bool:
    """Draw verification samples and record verification calls (回访核实)."""
    return staff.role in DATA_STEWARD_ROLES and staff.dealer_id is not None


def can_view_team_quality(staff: Staff) -> bool:
    """See every employee's quality figures (others see only their own)."""
    return staff.role in (DATA_STEWARD_ROLES | {Role.GENERAL_MANAGER, Role.HQ_ANALYST})


def is_hq(staff: Staff) -> bool:
    """OEM headquarters: works across dealers, on de-identified data only."""
    return staff.role == Role.HQ_ANALYST and staff.dealer_id is None
