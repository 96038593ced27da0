"""Who may maintain the dealer's dictionaries (pick lists)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from autocrm.tenancy.roles import Role

if TYPE_CHECKING:
    from autocrm.tenancy.models import Staff

#: Roles that may maintain the dealer's dictionaries (domain.md §3: the sales director).
DICTIONARY_ROLES = frozenset({Role.MANAGER, Role.GENERAL_MANAGER})


def can_maintain_dictionaries(staff: Staff) -> bool:
    return staff.role in DICTIONARY_ROLES and staff.dealer_id is not None
