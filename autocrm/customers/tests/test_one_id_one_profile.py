"""Same ID number → same person: entry and the API refuse a second profile for a number on
file at the dealer (rules.identity), without telling whose it is."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django_scopes import scope

from autocrm.customers.services import customer_update

pytestmark = pytest.mark.django_db

ID = "11010519491231002X"


def test_a_second_profile_with_the_same_id_number_is_refused_at_the_field(
    cr_a, make_customer
) -> None:
    make_customer(cr_a, name="王强", id_type="resident_id", id_number=ID)
    with pytest.raises(ValidationError) as caught:
        make_customer(cr_a, name="王蔷", id_type="resident_id", id_number=ID)
    assert list(caught.value.error_dict) == ["id_number"]
    assert "王强" not in str(caught.value)


def test_editing_a_profile_to_another_customers_id_number_is_refused(cr_a, make_customer) -> None:
    make_customer(cr_a, name="王强", id_type="resident_id", id_number=ID)
    other = make_customer(cr_a, name="李娜")
    with scope(dealer=cr_a.dealer_id), pytest.raises(ValidationError):
        customer_update(
            actor=cr_a, customer=other, data={"id_type": "resident_id", "id_number": ID}
        )


def test_the_same_id_at_another_dealer_is_that_dealers_own_customer(
    cr_a, cr_b, make_customer
) -> None:
    make_customer(cr_a, name="王强", id_type="resident_id", id_number=ID)
    assert make_customer(cr_b, name="王强", id_type="resident_id", id_number=ID).pk


def test_a_profile_keeps_its_own_id_number_on_edit(cr_a, make_customer) -> None:
    customer = make_customer(cr_a, name="王强", id_type="resident_id", id_number=ID)
    with scope(dealer=cr_a.dealer_id):
        customer_update(actor=cr_a, customer=customer, data={"name": "王强国"})
