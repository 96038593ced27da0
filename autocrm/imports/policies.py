"""Who may import customer files."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from autocrm.tenancy.policies import masked_fields
from autocrm.tenancy.roles import DATA_STEWARD_ROLES

if TYPE_CHECKING:
    from autocrm.tenancy.models import Staff


def can_import_customers(staff: Staff) -> bool:
    """Upload Excel/CSV exports into the dealer's customer profiles (and undo an import)."""
    return staff.role in DATA_STEWARD_ROLES and staff.dealer_id is not None


def ensure_can_import(actor: Staff) -> None:
    """Raise PermissionDenied unless `actor` may import customers."""
    if not can_import_customers(actor):
        raise PermissionDenied(_("Your role may not import customers."))


def import_masked_fields(actor: Staff) -> frozenset[str]:
    """The fields an import by `actor` may not change on a stored customer: those the role
    does not see in clear on every customer, and the values read from them (the birth date
    and sex of an ID number). As the API refuses such a change, an import leaves the stored
    value as it is, without comparing it with the file's: an "updated" or "unchanged" would
    tell a right guess of the hidden value from a wrong one (issue #13). A new customer takes
    the file's values, as one entered by hand does."""
    # on no customer in particular (no one responsible): a field seen on some customers only
    # counts as masked; holding an ID number: the sex read from it counts too (the plan leaves
    # the sex of a stored customer without one to change, `matching._without_masked`)
    return masked_fields(actor, responsible_staff_id=None, held={"id_number"})
