"""The masking table (tenancy/policies.py): who sees which personal field in clear (domain.md,
"Who uses it")."""

from __future__ import annotations

import pytest

from autocrm.tenancy.models import Staff
from autocrm.tenancy.policies import PERSONAL_FIELDS, ROLE_VISIBILITY, Visibility, can_view_personal
from autocrm.tenancy.roles import Role

ALL, OWN, NONE = "all", "own", "none"
FIELDS = ("mobile", "landline", "email", "address", "id_number")

#: The expected table, written out: sales consultants only for their own customers, service
#: advisors phone owners, customer relations verify phones and addresses (no ID), managers call
#: escalations, the general manager and HQ never see a person's data in clear.
EXPECTED = {
    Role.SALES_CONSULTANT: {
        "mobile": OWN, "landline": OWN, "email": OWN, "address": OWN, "id_number": OWN,
    },
    Role.SERVICE_ADVISOR: {
        "mobile": ALL, "landline": ALL, "email": NONE, "address": NONE, "id_number": NONE,
    },
    Role.CUSTOMER_RELATIONS: {
        "mobile": ALL, "landline": ALL, "email": ALL, "address": ALL, "id_number": NONE,
    },
    Role.MANAGER: {
        "mobile": ALL, "landline": ALL, "email": NONE, "address": NONE, "id_number": NONE,
    },
    Role.GENERAL_MANAGER: {
        "mobile": NONE, "landline": NONE, "email": NONE, "address": NONE, "id_number": NONE,
    },
    Role.HQ_ANALYST: {
        "mobile": NONE, "landline": NONE, "email": NONE, "address": NONE, "id_number": NONE,
    },
}  # fmt: skip

STAFF_ID = 7
COLLEAGUE_ID = 8

CASES = [(role, field, EXPECTED[role][field]) for role in Role for field in FIELDS]


def staff(role: str, *, dealer_id: int | None = 1, **fields: object) -> Staff:
    """An unsaved staff member (the policies only read role, dealer and id)."""
    if role == Role.HQ_ANALYST:
        dealer_id = None
    return Staff(pk=STAFF_ID, role=role, dealer_id=dealer_id, **fields)


def test_personal_fields():
    assert PERSONAL_FIELDS == FIELDS


def test_role_table_matches_the_documented_table():
    table = {
        role: {f: v.value for f, v in fields.items()} for role, fields in ROLE_VISIBILITY.items()
    }

    assert table == {role: dict(fields) for role, fields in EXPECTED.items()}


@pytest.mark.parametrize(("role", "field", "visibility"), CASES, ids=lambda v: str(v))
def test_own_customer(role, field, visibility):
    """The viewer is the customer's responsible staff member: ALL and OWN see it in clear."""
    result = can_view_personal(staff(role), field, responsible_staff_id=STAFF_ID)

    assert result is (visibility in (ALL, OWN))


@pytest.mark.parametrize(("role", "field", "visibility"), CASES, ids=lambda v: str(v))
def test_colleagues_customer(role, field, visibility):
    """Another staff member is responsible: only ALL sees it in clear (OWN is masked)."""
    result = can_view_personal(staff(role), field, responsible_staff_id=COLLEAGUE_ID)

    assert result is (visibility == ALL)


@pytest.mark.parametrize(("role", "field", "visibility"), CASES, ids=lambda v: str(v))
def test_customer_without_responsible_staff(role, field, visibility):
    """Nobody is responsible: OWN never matches (None is nobody's id)."""
    result = can_view_personal(staff(role), field, responsible_staff_id=None)

    assert result is (visibility == ALL)


@pytest.mark.parametrize("role", list(Role))
def test_non_personal_fields_are_always_visible(role):
    for field in ("name", "gender", "remarks", "vin"):
        assert can_view_personal(staff(role), field, responsible_staff_id=None) is True


@pytest.mark.parametrize("field", FIELDS)
def test_bare_superuser_sees_nothing_in_clear(field):
    """An operator account (superuser without dealer or role) is no dealership user."""
    operator = Staff(pk=STAFF_ID, is_superuser=True, dealer_id=None, role="")

    assert can_view_personal(operator, field, responsible_staff_id=STAFF_ID) is False


@pytest.mark.parametrize("field", FIELDS)
def test_unknown_role_sees_nothing_in_clear(field):
    stranger = Staff(pk=STAFF_ID, dealer_id=1, role="intern")

    assert can_view_personal(stranger, field, responsible_staff_id=STAFF_ID) is False


def test_superuser_with_a_role_follows_the_role():
    admin_cr = Staff(pk=STAFF_ID, is_superuser=True, dealer_id=1, role=Role.CUSTOMER_RELATIONS)

    assert can_view_personal(admin_cr, "address", responsible_staff_id=None) is True
    assert can_view_personal(admin_cr, "id_number", responsible_staff_id=None) is False


def test_visibility_values():
    assert [v.value for v in Visibility] == ["all", "own", "none"]
