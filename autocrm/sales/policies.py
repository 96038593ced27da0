"""Who may do what in sales (domain.md "Who uses it").

A sales consultant works their own leads and opportunities; the sales director (a manager of
the sales department) and the general manager see and steer the whole team and decide lost
requests; customer relations make the lost-sale verification calls; HQ sees aggregates only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from autocrm.tenancy.roles import Department, Role

if TYPE_CHECKING:
    from autocrm.tenancy.models import Staff


def _at_dealer(staff: Any) -> bool:
    return getattr(staff, "dealer_id", None) is not None and staff.is_authenticated


def is_sales_director(staff: Staff) -> bool:
    """销售总监: a manager of the sales department (or of the whole dealership)."""
    return (
        _at_dealer(staff)
        and staff.role == Role.MANAGER
        and staff.department in (Department.SALES, Department.MANAGEMENT)
    )


def sees_whole_team(staff: Staff) -> bool:
    """Sees every consultant's leads, opportunities and figures at the dealer."""
    return _at_dealer(staff) and (is_sales_director(staff) or staff.role == Role.GENERAL_MANAGER)


def can_use_sales(staff: Any) -> bool:
    """Opens the sales pages at all (the menu entries)."""
    return _at_dealer(staff) and (staff.role == Role.SALES_CONSULTANT or sees_whole_team(staff))


def can_receive_leads(staff: Staff) -> bool:
    """Enters or pushes leads: consultants, the sales director, customer relations (who take
    the phoned-in ones at the call centre). A lead opens or finds a customer profile, so the
    roles are those that may create one (the general manager may not)."""
    return _at_dealer(staff) and (
        staff.role in (Role.SALES_CONSULTANT, Role.CUSTOMER_RELATIONS) or is_sales_director(staff)
    )


def can_work_lead(staff: Staff, *, consultant_id: int | None) -> bool:
    """Answers a lead, opens its opportunity: its consultant, or the team's heads."""
    if not _at_dealer(staff):
        return False
    if sees_whole_team(staff):
        return True
    return staff.role == Role.SALES_CONSULTANT and consultant_id == staff.pk


def can_assign(staff: Staff) -> bool:
    """Hands leads, opportunities and customers to another consultant."""
    return sees_whole_team(staff)


def can_work_opportunity(staff: Staff, *, consultant_id: int) -> bool:
    return can_work_lead(staff, consultant_id=consultant_id)


def can_decide_lost(staff: Staff) -> bool:
    """战败审核: only the sales director (and the GM) approve or reject a lost request."""
    return sees_whole_team(staff)


def can_make_lost_calls(staff: Staff) -> bool:
    """The verification calls on a sample of lost sales (主观战败 audit): customer relations."""
    return _at_dealer(staff) and staff.role in (Role.CUSTOMER_RELATIONS, Role.MANAGER)


def can_maintain_sales_setup(staff: Staff) -> bool:
    """Targets, the lead rules, capacities and absences, the sales dictionaries."""
    return sees_whole_team(staff)


def can_view_analysis(staff: Any) -> bool:
    """The director's and the general manager's analysis pages (a dealer's own data)."""
    return sees_whole_team(staff)
