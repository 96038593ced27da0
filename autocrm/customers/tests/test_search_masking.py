"""A search never matches a record on a value the viewer sees masked (issue #13).

The attack it stops: a viewer who sees 138****5678 searches the list for one guessed digit
and the known last four (X5678), keeps the digit that finds the customer, guesses the next
one (XY5678) and so on; a full-number search then confirms the number. Tried here for every
role, through the list page and through the API, on the customer's mobile and on another
number the customer holds. A role that sees the number may still find the customer by it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django_scopes import scope

from autocrm.customers.models import ContactPoint, Customer
from autocrm.customers.services import customer_update
from autocrm.tenancy.policies import can_view_personal
from autocrm.tenancy.pseudonyms import pseudonym

pytestmark = pytest.mark.django_db

MOBILE = "13812345678"
#: A number the customer gave before (kept as another number when the mobile changed)
EARLIER = "13955509876"

#: Whether a search for the text finds the customer
Search = Callable[[str], bool]


@pytest.fixture
def target(make_customer: Any, consultant_a2: Any) -> Customer:
    """consultant_a2's customer, with an earlier mobile kept as another number."""
    customer = make_customer(consultant_a2, name="刘强", mobile=EARLIER)
    with scope(dealer=consultant_a2.dealer_id):
        customer_update(actor=consultant_a2, customer=customer, data={"mobile": MOBILE})
        assert ContactPoint.objects.filter(customer=customer, number="+86" + EARLIER).exists()
    return customer


def _page_search(viewer: Any, customer: Customer) -> Search:
    client = Client()
    client.force_login(viewer)
    link = f'href="{reverse("customers:detail", args=[customer.pk])}"'

    def search(q: str) -> bool:
        response = client.get(reverse("customers:list"), {"q": q})
        assert response.status_code == 200
        html = response.content.decode()
        return link in html or (pseudonym("customer", customer.pk) in html)

    return search


def _api_search(api_client_for: Any, viewer: Any, customer: Customer) -> Search:
    client = api_client_for(viewer)

    def search(q: str) -> bool:
        response = client.get("/api/customers/", {"q": q})
        if response.status_code == 403:  # HQ: no record API at all
            return False
        assert response.status_code == 200, response.content
        return customer.pk in {row["id"] for row in response.json()["results"]}

    return search


def recover(search: Search, number: str) -> str | None:
    """The digit-by-digit attack on a number shown as 138****5678: the hidden digits guessed
    from the last one backwards, each kept when the search finds the customer."""
    known_tail = number[-4:]
    for _position in range(len(number) - 7):
        found = [d for d in "0123456789" if search(d + known_tail)]
        if len(found) != 1:
            return None
        known_tail = found[0] + known_tail
    guess = number[:3] + known_tail
    return guess if search(guess) else None


ROLES = ["consultant_a", "consultant_a2", "advisor_a", "cr_a", "manager_a", "gm_a", "hq_analyst"]
#: Who sees consultant_a2's customer's numbers masked (the role table, tenancy/policies.py)
MASKED = {"consultant_a", "gm_a", "hq_analyst"}


@pytest.mark.parametrize("channel", ["page", "api"])
@pytest.mark.parametrize("role", ROLES)
def test_the_digit_by_digit_attack(
    request: Any, api_client_for: Any, target: Customer, role: str, channel: str
) -> None:
    viewer = request.getfixturevalue(role)
    search = (
        _page_search(viewer, target)
        if channel == "page"
        else _api_search(api_client_for, viewer, target)
    )
    sees = can_view_personal(viewer, "mobile", responsible_staff_id=target.responsible_staff_id)
    assert sees is (role not in MASKED)

    if role == "hq_analyst":  # HQ's list is searched by nothing it sees masked: filters only
        assert not any(search(q) for q in (MOBILE, MOBILE[-4:], EARLIER[-4:], "15678"))
        return
    for number in (MOBILE, EARLIER):
        recovered = recover(search, number)
        if sees:  # a role that sees phones may search by them
            assert recovered == number
        else:
            assert recovered is None
            assert not search(number)  # nor confirmed by the full number
        # the last four digits are in every mask: finding by them reveals nothing
        assert search(number[-4:])


def test_a_consultant_finds_its_own_customers_by_any_number(
    consultant_a2: Any, target: Customer
) -> None:
    search = _page_search(consultant_a2, target)
    for q in (MOBILE, "+86 138 1234 5678", "2345678", EARLIER, "5509876"):
        assert search(q), q


def test_a_masked_viewer_still_finds_a_vehicle_by_its_vin_tail(
    consultant_a: Any, consultant_a2: Any, target: Customer
) -> None:
    """Six to eight digits are part of a mobile or the end of a VIN: the VIN (not masked for
    dealer staff) still finds its owner when the number may not."""
    from autocrm.customers.services import vehicle_add

    with scope(dealer=consultant_a2.dealer_id):
        vehicle_add(actor=consultant_a2, customer=target, data={"vin": "LSVAM4185C2345678"})
    search = _page_search(consultant_a, target)
    assert search("2345678")  # the VIN's tail (and the hidden mobile's)
    assert not search("12345678")  # the mobile's tail only
