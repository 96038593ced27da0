"""Every number ever seen is kept: a mobile or landline replaced at entry stays as another
number of the customer (issue #12)."""

from __future__ import annotations

import pytest
from django_scopes import scope

from autocrm.customers.models import ContactPoint
from autocrm.customers.services import customer_update

pytestmark = pytest.mark.django_db


def _numbers(customer) -> list[tuple[str, str]]:
    return sorted(ContactPoint.objects.filter(customer=customer).values_list("kind", "number"))


def test_a_replaced_mobile_and_landline_are_kept_as_other_numbers(cr_a, make_customer) -> None:
    customer = make_customer(cr_a, mobile="13912345678", landline="020-38881234")
    with scope(dealer=cr_a.dealer_id):
        customer_update(actor=cr_a, customer=customer, data={"mobile": "13711112222"})
        customer_update(actor=cr_a, customer=customer, data={"landline": "020-38885678"})
        assert customer.mobile == "+8613711112222"
        assert _numbers(customer) == [
            ("landline", "+862038881234"), ("mobile", "+8613912345678"),
        ]  # fmt: skip


def test_a_number_back_as_the_contact_number_is_not_listed_twice(cr_a, make_customer) -> None:
    customer = make_customer(cr_a, mobile="13912345678")
    with scope(dealer=cr_a.dealer_id):
        customer_update(actor=cr_a, customer=customer, data={"mobile": "13711112222"})
        customer_update(actor=cr_a, customer=customer, data={"mobile": "13912345678"})
        assert _numbers(customer) == [("mobile", "+8613711112222")]


def test_an_unchanged_mobile_adds_nothing(cr_a, make_customer) -> None:
    customer = make_customer(cr_a, mobile="13912345678")
    with scope(dealer=cr_a.dealer_id):
        customer_update(actor=cr_a, customer=customer, data={"mobile": "139 1234 5678"})
        assert _numbers(customer) == []
