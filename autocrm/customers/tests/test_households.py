"""Households and shared numbers (customers.households), the family-members lists turned into
households (customers.family_members), and the search by any number a customer holds."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django_scopes import scope, scopes_disabled

from autocrm.core.models import Activity
from autocrm.customers.family_members import households_from_family_members
from autocrm.customers.households import (
    MEMBER_ADDED,
    MEMBER_REMOVED,
    household_member_add,
    household_member_remove,
)
from autocrm.customers.identity_selectors import household_of, other_numbers, sharing_number
from autocrm.customers.models import ContactPoint, Customer, Household, HouseholdMember
from autocrm.customers.selectors import customer_queryset
from autocrm.customers.services import customer_update

pytestmark = pytest.mark.django_db

MOBILE = "13812345678"
E164 = "+8613812345678"
OTHER = "13900001111"


@pytest.fixture
def zhang(make_customer: Any, consultant_a: Any) -> Customer:
    return make_customer(consultant_a, name="张伟", mobile=MOBILE)


@pytest.fixture
def wang(make_customer: Any, consultant_a: Any) -> Customer:
    """张伟's wife, a customer of her own, on the same mobile."""
    return make_customer(consultant_a, name="王芳", mobile=MOBILE)


def _found(viewer: Any, q: str) -> set[str]:
    with scope(dealer=viewer.dealer_id):
        qs, _term = customer_queryset(viewer=viewer, q=q)
        return set(qs.values_list("name", flat=True))


def test_a_named_family_member_makes_a_household(consultant_a: Any, zhang: Customer) -> None:
    with scope(dealer=consultant_a.dealer_id):
        member = household_member_add(
            actor=consultant_a, customer=zhang, name=" 张小明 ", relation="child"
        )
        household = household_of(zhang)
        assert household is not None and member.household_id == household.pk
        rows = {(m.customer_id, m.name, m.relation) for m in household.members.all()}
        assert rows == {(zhang.pk, "", "head"), (None, "张小明", "child")}
        assert member.history.count() == 1
        assert member.history.first().history_user_id == consultant_a.pk
        activity = Activity.objects.get(customer_id=zhang.pk, kind=MEMBER_ADDED)
        assert activity.data["name"] == "张小明" and activity.data["relation"] == "child"


def test_linking_a_customer_records_it_on_both_timelines(
    consultant_a: Any, zhang: Customer, wang: Customer
) -> None:
    with scope(dealer=consultant_a.dealer_id):
        row = household_member_add(
            actor=consultant_a, customer=zhang, member=wang, relation="spouse"
        )
        assert row.customer_id == wang.pk
        assert row.shared_number == E164  # the mobile they both have is the shared number
        assert household_of(wang) == household_of(zhang)
        kinds = Activity.objects.filter(kind=MEMBER_ADDED).values_list("customer_id", "data")
        assert {(c, d["name"]) for c, d in kinds} == {(zhang.pk, "王芳"), (wang.pk, "张伟")}
        with pytest.raises(ValidationError) as excinfo:
            household_member_add(actor=consultant_a, customer=zhang, member=wang, relation="spouse")
        assert "member" in excinfo.value.message_dict


def test_a_shared_number_is_kept_on_both_and_found_by_search(
    consultant_a: Any, make_customer: Any, zhang: Customer
) -> None:
    driver = make_customer(consultant_a, name="刘强", mobile="13700002222")
    with scope(dealer=consultant_a.dealer_id):
        household_member_add(
            actor=consultant_a,
            customer=zhang,
            member=driver,
            relation="relative",
            shared_number="139 0000 1111",
        )
        assert {p.number for p in other_numbers(zhang)} == {"+8613900001111"}
        assert {p.number for p in other_numbers(driver)} == {"+8613900001111"}
        assert {c.pk for c in sharing_number(zhang, "+8613900001111")} == {driver.pk}
    # a full number, its last four digits, a longer tail: everyone who holds it
    assert _found(consultant_a, OTHER) == {"张伟", "刘强"}
    assert _found(consultant_a, "1111") == {"张伟", "刘强"}
    assert _found(consultant_a, "00001111") == {"张伟", "刘强"}
    assert _found(consultant_a, MOBILE) == {"张伟"}  # the mobile search as before


def test_another_dealers_numbers_are_not_found(
    consultant_a: Any, consultant_b: Any, make_customer: Any, zhang: Customer
) -> None:
    other = make_customer(consultant_b, name="赵敏", mobile="13600003333")
    with scopes_disabled():
        ContactPoint.objects.create(
            dealer_id=other.dealer_id, customer=other, kind="mobile", number="+8613900001111",
            source="entry",
        )  # fmt: skip
    assert _found(consultant_a, OTHER) == set()
    assert _found(consultant_b, OTHER) == {"赵敏"}


def test_bad_input_is_refused_at_its_field(consultant_a: Any, zhang: Customer) -> None:
    with scope(dealer=consultant_a.dealer_id), pytest.raises(ValidationError) as excinfo:
        household_member_add(
            actor=consultant_a, customer=zhang, name="", relation="cousin", shared_number="123"
        )
    assert set(excinfo.value.message_dict) == {"name", "relation", "shared_number"}


def test_only_those_who_may_change_the_customer_add_members(
    consultant_a2: Any, hq_analyst: Any, zhang: Customer
) -> None:
    for actor in (consultant_a2, hq_analyst):
        with scopes_disabled(), pytest.raises(PermissionDenied):
            household_member_add(actor=actor, customer=zhang, name="张小明", relation="child")


def test_removing_the_last_member_removes_the_household(
    consultant_a: Any, zhang: Customer, wang: Customer
) -> None:
    with scope(dealer=consultant_a.dealer_id):
        row = household_member_add(
            actor=consultant_a, customer=zhang, member=wang, relation="spouse"
        )
        household_member_remove(actor=consultant_a, customer=zhang, member=row)
        assert household_of(zhang) is None and household_of(wang) is None
        assert Household.objects.count() == 0
        assert Activity.objects.filter(kind=MEMBER_REMOVED).count() == 2
        # the number they shared stays where it was seen: none is dropped
        assert ContactPoint.objects.filter(customer=zhang).count() == 0  # it is his mobile


def test_family_members_are_no_longer_written_as_a_list(consultant_a: Any, zhang: Customer) -> None:
    with scope(dealer=consultant_a.dealer_id), pytest.raises(ValidationError) as excinfo:
        customer_update(
            actor=consultant_a,
            customer=zhang,
            data={"family_members": [{"name": "张小明", "relation": "儿子"}]},
        )
    assert "family_members" in excinfo.value.message_dict


def test_family_member_lists_become_households(
    consultant_a: Any, make_customer: Any, zhang: Customer
) -> None:
    org = make_customer(consultant_a, kind="organization", name="深圳市腾达物流有限公司")
    plain = make_customer(consultant_a, name="陈静")
    with scopes_disabled():
        Customer.objects.filter(pk=zhang.pk).update(
            family_members=[
                {"name": "王芳", "relation": "配偶"},
                {"name": "张小明", "relation": "儿子"},
                {"name": "李四", "relation": "岳父"},
                {"name": " ", "relation": "x"},
            ]
        )
        Customer.objects.filter(pk=org.pk).update(
            family_members=[{"name": "刘强", "relation": "司机"}]
        )
        assert households_from_family_members(connection) == 2
        assert households_from_family_members(connection) == 0  # idempotent
        named = HouseholdMember.objects.filter(customer__isnull=True).select_related("household")
        members = {
            (m.household.members.get(customer__isnull=False).customer_id, m.name, m.relation)
            for m in named
        }
        assert members == {
            (zhang.pk, "王芳", "spouse"), (zhang.pk, "张小明", "child"),
            (zhang.pk, "李四", "relative"), (org.pk, "刘强", "other"),
        }  # fmt: skip
        assert HouseholdMember.objects.get(customer=zhang).relation == "head"
        assert HouseholdMember.objects.get(customer=org).relation == "organization"
        assert Household.objects.get(members__customer=org).kind == "organization"
        assert not HouseholdMember.objects.filter(customer=plain).exists()
        assert set(Household.objects.values_list("name", flat=True)) == {""}
        # the list stays as it was captured
        assert Customer.objects.get(pk=zhang.pk).family_members[0]["relation"] == "配偶"
