"""Who may do what with what core keeps for every app: the dealer's business calendar."""

from __future__ import annotations

from typing import TYPE_CHECKING

from autocrm.tenancy.roles import Role

if TYPE_CHECKING:
    from autocrm.tenancy.models import Staff

#: The roles that set a dealer's opening hours and days off (the clocks of leads and
#: complaints run in them).
CALENDAR_EDITOR_ROLES = frozenset({Role.MANAGER, Role.GENERAL_MANAGER})


def can_view_business_calendar(staff: Staff) -> bool:
    """See the dealer's business calendar: everyone at a dealer (HQ and operators have none)."""
    return bool(getattr(staff, "is_authenticated", False) and getattr(staff, "dealer_id", None))


def can_edit_business_calendar(staff: Staff) -> bool:
    """Change the dealer's opening hours and exception days: its managers and general manager.
    The services also check that the calendar is of the staff member's own dealer."""
    return can_view_business_calendar(staff) and staff.role in CALENDAR_EDITOR_ROLES
