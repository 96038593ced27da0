"""Who may create and change customers (customers/policies.py) and who maintains dictionaries
(dictionaries/policies.py), per role (domain.md, "Who uses it")."""

from __future__ import annotations

import pytest

from autocrm.customers.policies import can_create_customer, can_edit_customer
from autocrm.dictionaries.policies import can_maintain_dictionaries
from autocrm.tenancy.models import Staff
from autocrm.tenancy.roles import Role

STAFF_ID = 7
COLLEAGUE_ID = 8


def staff(role: str, *, dealer_id: int | None = 1, **fields: object) -> Staff:
    """An unsaved staff member (the policies only read role, dealer and id)."""
    if role == Role.HQ_ANALYST:
        dealer_id = None
    return Staff(pk=STAFF_ID, role=role, dealer_id=dealer_id, **fields)


# --- create / edit / dictionaries -----------------------------------------------------------

#: role: (may create, may edit own, may edit a colleague's, may maintain dictionaries)
RIGHTS = {
    Role.SALES_CONSULTANT: (True, True, False, False),
    Role.SERVICE_ADVISOR: (True, True, True, False),
    Role.CUSTOMER_RELATIONS: (True, True, True, False),
    Role.MANAGER: (True, True, True, True),
    Role.GENERAL_MANAGER: (False, False, False, True),
    Role.HQ_ANALYST: (False, False, False, False),
}


@pytest.mark.parametrize("role", list(Role))
def test_rights_per_role(role):
    create, edit_own, edit_other, dictionaries = RIGHTS[role]
    member = staff(role)

    assert can_create_customer(member) is create
    assert can_edit_customer(member, responsible_staff_id=STAFF_ID) is edit_own
    assert can_edit_customer(member, responsible_staff_id=COLLEAGUE_ID) is edit_other
    assert can_edit_customer(member, responsible_staff_id=None) is edit_other
    assert can_maintain_dictionaries(member) is dictionaries


@pytest.mark.parametrize("role", [Role.SALES_CONSULTANT, Role.MANAGER, Role.GENERAL_MANAGER])
def test_staff_without_a_dealer_may_not_write(role):
    """Rights need a dealer: an editor role without one creates, edits and maintains nothing."""
    orphan = Staff(pk=STAFF_ID, role=role, dealer_id=None)

    assert can_create_customer(orphan) is False
    assert can_edit_customer(orphan, responsible_staff_id=STAFF_ID) is False
    assert can_maintain_dictionaries(orphan) is False
