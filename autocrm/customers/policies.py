"""Who may create and change customer profiles."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from autocrm.catalogue.policies import can_map_catalogue_text
from autocrm.tenancy.policies import masked_fields
from autocrm.tenancy.roles import DATA_STEWARD_ROLES, Role

if TYPE_CHECKING:
    from autocrm.tenancy.models import Staff

#: Roles that may create and change customer profiles.
EDITOR_ROLES = frozenset(
    {Role.SALES_CONSULTANT, Role.SERVICE_ADVISOR, Role.CUSTOMER_RELATIONS, Role.MANAGER}
)
#: Roles that may change any customer of the dealer (the others only their own).
EDIT_ANY_ROLES = frozenset({Role.SERVICE_ADVISOR, Role.CUSTOMER_RELATIONS, Role.MANAGER})


def can_create_customer(staff: Staff) -> bool:
    return staff.role in EDITOR_ROLES and staff.dealer_id is not None


def can_edit_customer(staff: Staff, *, responsible_staff_id: int | None) -> bool:
    if not can_create_customer(staff):
        return False
    if staff.role in EDIT_ANY_ROLES:
        return True
    return responsible_staff_id == staff.pk


def can_assign_customers(staff: Staff) -> bool:
    """Hand out customers to consultants, e.g. the imported ones no known consultant had
    (issue #12): the department managers and customer relations, who keep the data."""
    return staff.role in DATA_STEWARD_ROLES and staff.dealer_id is not None


def can_split_customers(staff: Staff) -> bool:
    """List the customers earlier imports merged wrongly and split them: the dealer's data
    stewards (customer relations and the managers), who also review duplicates."""
    return staff.role in DATA_STEWARD_ROLES and staff.dealer_id is not None


def can_map_vehicle_models(staff: Staff) -> bool:
    """List the dealer's vehicle models the catalogue did not recognize and map them to a
    series (the mapping is the catalogue's, `catalogue.policies.can_map_catalogue_text`): the
    dealer's department managers and its general manager. Not HQ, not the other roles."""
    return can_map_catalogue_text(staff)


def customer_masked_fields(viewer: Staff, customer: Any) -> frozenset[str]:
    """The fields of `customer` the viewer sees masked, the values read from them included
    (`tenancy.policies.masked_fields`): shown masked, and never changed by the viewer."""
    held = {"id_number"} if customer.id_number else set()
    return masked_fields(viewer, responsible_staff_id=customer.responsible_staff_id, held=held)


def ensure_can_read_records(staff: Staff) -> None:
    """Raise PermissionDenied, with the reason, unless `staff` may open record pages."""
    if not can_read_records(staff):
        raise PermissionDenied(
            _("HQ reads de-identified data: the customer list and the quality reports.")
        )


def can_read_records(staff: Staff) -> bool:
    """Open a customer's or a vehicle's own page or API record: every dealership user within
    their dealer. Not HQ: it works on de-identified data (domain.md §9), the de-identified
    list and the aggregates, where a record is a pseudonym (issue #13)."""
    return not getattr(staff, "is_hq", False)
