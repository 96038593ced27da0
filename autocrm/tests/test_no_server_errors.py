"""Five inputs that made the server answer 500 (issue #13, item 8): each is refused with 400
and a message that names the field, and nothing is written."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django_scopes import scope

from autocrm.customers.models import Customer, Interaction
from autocrm.quality.models import VerificationSample

pytestmark = pytest.mark.django_db


def _client(staff: Any) -> Client:
    client = Client()
    client.force_login(staff)
    return client


def test_a_bulk_merge_expecting_letters(cr_a: Any) -> None:
    response = _client(cr_a).post(reverse("matching:bulk"), {"expected": "abc"})
    assert response.status_code == 400
    assert "expected" in response.content.decode()


@pytest.mark.parametrize("seed", [10**30, 2**63, -1])
def test_a_sample_seed_beyond_any_integer(cr_a: Any, make_customer: Any, seed: int) -> None:
    make_customer(cr_a, name="张伟", mobile="13812345678")
    response = _client(cr_a).post(
        reverse("quality:samples"),
        {"name": "抽样", "method": "random", "size": 1, "seed": str(seed)},
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert "seed" in form.errors
    with scope(dealer=cr_a.dealer_id):
        assert not VerificationSample.objects.exists()


@pytest.mark.parametrize("when", ["0001-01-01T00:00", "9999-12-31T23:59", "1969-12-31T23:59"])
def test_an_interaction_at_the_edge_of_time(consultant_a: Any, make_customer: Any, when: str):
    customer = make_customer(consultant_a, name="张伟", mobile="13812345678")
    response = _client(consultant_a).post(
        reverse("customers:interaction_add", args=[customer.pk]),
        {"kind": "visit", "summary": "到店", "occurred_at": when},
    )
    assert response.status_code == 400
    assert "occurred_at" in response.context["form"].errors
    with scope(dealer=consultant_a.dealer_id):
        assert not Interaction.objects.exists()


def test_a_json_body_nested_five_thousand_deep(api_client_for: Any, consultant_a: Any) -> None:
    body = '{"name": ' + "[" * 5000 + "]" * 5000 + "}"
    response = api_client_for(consultant_a).generic(
        "POST", "/api/customers/", body, content_type="application/json"
    )
    assert response.status_code == 400
    assert "JSON" in response.json()["detail"]
    with scope(dealer=consultant_a.dealer_id):
        assert not Customer.objects.exists()


@pytest.mark.parametrize("path", ["/api/vehicles/1/", "/customers/"])
def test_a_uri_too_long(api_client_for: Any, consultant_a: Any, path: str) -> None:
    response = api_client_for(consultant_a).get(path + "?q=" + "9" * 20_000)
    assert response.status_code == 414
