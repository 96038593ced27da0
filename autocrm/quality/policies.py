"""Who may make verification calls and see the team's quality figures."""

from __future__ import annotations

from typing import TYPE_CHECKING

from autocrm.tenancy.roles import DATA_STEWARD_ROLES, Role

if TYPE_CHECKING:
    from autocrm.tenancy.models import Staff


def can_make_verification_calls(staff: Staff) -> bool:
    """Draw verification samples and record verification calls (回访核实)."""
    return staff.role in DATA_STEWARD_ROLES and staff.dealer_id is not None


def can_view_team_quality(staff: Staff) -> bool:
    """See every employee's quality figures (others see only their own)."""
    return staff.role in (DATA_STEWARD_ROLES | {Role.GENERAL_MANAGER, Role.HQ_ANALYST})
