"""The household, vehicle-owner and wrong-merge pages: who may open them, what each actor is
refused, masking of shared numbers and names, and dealer isolation."""

from __future__ import annotations

from typing import Any

import pytest
from django_scopes import scope

from autocrm.customers.households import household_member_add
from autocrm.customers.services import vehicle_add
from autocrm.customers.tests.test_splitting import merged  # noqa: F401 - the fixture
from autocrm.testing.access import MISSING_ID, assert_allowed, assert_denied

pytestmark = pytest.mark.django_db

SHARED = "13900001111"


@pytest.fixture
def zhang(make_customer: Any, consultant_a: Any) -> Any:
    customer = make_customer(consultant_a, name="张伟", mobile="13812345678")
    with scope(dealer=consultant_a.dealer_id):
        household_member_add(
            actor=consultant_a, customer=customer, name="王芳", relation="spouse",
            shared_number=SHARED,
        )  # fmt: skip
    return customer


def test_the_owner_sees_the_household_and_the_number_in_clear(actors: Any, zhang: Any) -> None:
    html = actors.client("owner").get(f"/customers/{zhang.pk}/").content.decode()
    assert 'data-testid="household-panel"' in html
    assert "王芳" in html and "139 0000 1111" in html


def test_a_colleague_sees_the_shared_number_masked(actors: Any, zhang: Any) -> None:
    html = actors.client("colleague").get(f"/customers/{zhang.pk}/").content.decode()
    assert "139****1111" in html and "139 0000 1111" not in html
    assert 'data-testid="household-add"' not in html


def test_hq_reads_the_names_de_identified(actors: Any, zhang: Any) -> None:
    """HQ opens no profile (issue #13); its list shows the household's people masked."""
    client = actors.client("hq")
    assert client.get(f"/customers/{zhang.pk}/").status_code == 403
    html = client.get("/customers/").content.decode()
    assert "张*" in html and "张伟" not in html and "王芳" not in html


@pytest.mark.parametrize("who", ["owner", "manager"])
def test_who_may_add_a_family_member(actors: Any, who: str, zhang: Any) -> None:
    client = actors.client(who)
    assert_allowed(client.get(f"/customers/{zhang.pk}/household/new/?q=张"))
    response = client.post(
        f"/customers/{zhang.pk}/household/new/", {"name": "张小明", "relation": "child"}
    )
    assert_allowed(response, 302)


@pytest.mark.parametrize("who", ["colleague", "other_dealer", "hq", "anonymous"])
def test_who_may_not_add_a_family_member(actors: Any, who: str, zhang: Any) -> None:
    client = actors.client(who)
    missing = client.get(f"/customers/{MISSING_ID}/household/new/")
    assert_denied(client.get(f"/customers/{zhang.pk}/household/new/"), like=missing)
    assert_denied(
        client.post(f"/customers/{zhang.pk}/household/new/", {"name": "X", "relation": "child"}),
        like=missing,
    )


def test_the_vehicle_page_shows_the_owner_history(
    actors: Any, consultant_a: Any, zhang: Any
) -> None:
    with scope(dealer=consultant_a.dealer_id):
        vehicle = vehicle_add(actor=consultant_a, customer=zhang, data={"vin": "LSVAM4187C2184847"})
    html = actors.client("owner").get(f"/customers/vehicles/{vehicle.pk}/").content.decode()
    assert 'data-testid="owner-period"' in html and 'data-testid="transfer-form"' in html
    other = actors.client("other_dealer")
    assert_denied(
        other.get(f"/customers/vehicles/{vehicle.pk}/"),
        like=other.get(f"/customers/vehicles/{MISSING_ID}/"),
    )


@pytest.mark.parametrize("who", ["owner", "colleague", "manager"])
def test_stewards_list_and_split(steward_actors: Any, who: str, merged: Any) -> None:  # noqa: F811
    client = steward_actors.client(who)
    html = client.get("/customers/wrong-merges/").content.decode()
    assert 'data-testid="wrong-merge"' in html and "李娜" in html
    assert_allowed(client.get(f"/customers/wrong-merges/{merged.pk}/"))


def test_the_split_after_the_confirm(steward_actors: Any, merged: Any) -> None:  # noqa: F811
    client = steward_actors.client("owner")
    response = client.post(f"/customers/wrong-merges/{merged.pk}/")
    assert_allowed(response, 302)
    assert (
        'data-testid="wrong-merge"' not in client.get("/customers/wrong-merges/").content.decode()
    )


def test_another_dealers_wrong_merges_are_never_listed(steward_actors: Any, merged: Any) -> None:  # noqa: F811
    client = steward_actors.client("other_dealer")
    html = client.get("/customers/wrong-merges/").content.decode()
    assert 'data-testid="wrong-merge"' not in html and "李娜" not in html
    missing = client.get(f"/customers/wrong-merges/{MISSING_ID}/")
    assert_denied(client.get(f"/customers/wrong-merges/{merged.pk}/"), like=missing)
    assert_denied(client.post(f"/customers/wrong-merges/{merged.pk}/"), like=missing)


@pytest.mark.parametrize("who", ["hq", "anonymous"])
def test_who_may_not_repair_merges(steward_actors: Any, who: str, merged: Any) -> None:  # noqa: F811
    client = steward_actors.client(who)
    assert_denied(client.get("/customers/wrong-merges/"))
    assert_denied(client.post(f"/customers/wrong-merges/{merged.pk}/"))


def test_a_consultant_may_not_repair_merges(actors: Any, merged: Any) -> None:  # noqa: F811
    assert_denied(actors.client("owner").get("/customers/wrong-merges/"))
