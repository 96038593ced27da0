"""Who may review duplicates and merge customers."""

from __future__ import annotations

from typing import TYPE_CHECKING

from autocrm.tenancy.roles import DATA_STEWARD_ROLES

if TYPE_CHECKING:
    from autocrm.tenancy.models import Staff


def can_merge_customers(staff: Staff) -> bool:
    """Review duplicate candidates of the dealer, merge and un-merge them."""
    return staff.role in DATA_STEWARD_ROLES and staff.dealer_id is not None
