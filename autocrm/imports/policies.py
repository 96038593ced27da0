"""Who may import customer files."""

from __future__ import annotations

from typing import TYPE_CHECKING

from autocrm.tenancy.roles import DATA_STEWARD_ROLES

if TYPE_CHECKING:
    from autocrm.tenancy.models import Staff


def can_import_customers(staff: Staff) -> bool:
    """Upload Excel/CSV exports into the dealer's customer profiles (and undo an import)."""
    return staff.role in DATA_STEWARD_ROLES and staff.dealer_id is not None
