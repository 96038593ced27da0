"""Who may import customer files."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

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
