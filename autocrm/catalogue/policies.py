"""Who may change the model catalogue from the dealer's side."""

from __future__ import annotations

from typing import TYPE_CHECKING

from autocrm.tenancy.roles import Role

if TYPE_CHECKING:
    from autocrm.tenancy.models import Staff

#: Roles that map a dealer's free-text models to the catalogue (domain.md §3: the managers
#: keep the dealer's pick lists and what they report on). The catalogue itself is edited in
#: the back office.
CATALOGUE_MAPPER_ROLES = frozenset({Role.MANAGER, Role.GENERAL_MANAGER})


def can_map_catalogue_text(staff: Staff) -> bool:
    """Write an alias (a free text that means a series): a manager or the general manager of
    a dealer; not HQ, which reads."""
    return staff.role in CATALOGUE_MAPPER_ROLES and staff.dealer_id is not None
