"""The managers' page of unmatched vehicle models (/customers/catalogue/unmatched/): who may
open it and map, what a mapping writes (an alias, the vehicles linked at once), and refused
input answered with a form error, never a 500."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from autocrm.catalogue.models import Series, SeriesAlias
from autocrm.catalogue.services import catalogue_load
from autocrm.customers.models import Vehicle
from autocrm.customers.services import vehicle_add
from autocrm.rules.vehicles import vin_check_digit
from autocrm.testing.access import (
    assert_allowed,
    assert_forbidden,
    assert_login_required,
    client_as,
    dealer_rows,
)

pytestmark = pytest.mark.django_db
URL = "/customers/catalogue/unmatched/"


def vin(n: int) -> str:
    raw = f"LSVAA4CN0R{n:07d}"
    return raw[:8] + vin_check_digit(raw) + raw[9:]


@pytest.fixture(autouse=True)
def catalogue() -> None:
    catalogue_load()


def camry() -> Series:
    return Series.objects.get(brand__name="丰田", name="凯美瑞")


@pytest.fixture
def vehicles_a(make_customer: Any, consultant_a: Any) -> list[Vehicle]:
    """Dealer A's vehicles: three with text no rule matches, one that matches."""
    customer = make_customer(consultant_a, name="李娜", mobile="13812345678")
    texts = [("广汽", "凯美瑞"), ("广汽", "凯美瑞"), ("", "小凯"), ("丰田", "凯美瑞"), ("丰田", "")]
    with scope(dealer=consultant_a.dealer_id):
        return [
            vehicle_add(
                actor=consultant_a,
                customer=customer,
                data={"vin": vin(n), "brand": brand, "model_name": model},
            )
            for n, (brand, model) in enumerate(texts)
        ]


@pytest.fixture
def vehicles_b(make_customer: Any, consultant_b: Any) -> list[Vehicle]:
    customer = make_customer(consultant_b, name="王芳", mobile="13912345678")
    with scope(dealer=consultant_b.dealer_id):
        return [
            vehicle_add(
                actor=consultant_b,
                customer=customer,
                data={"vin": vin(100 + n), "brand": "广汽", "model_name": "凯美瑞"},
            )
            for n in range(2)
        ]


def rows(html: str) -> list[list[str]]:
    """The table's rows: brand, model, vehicles."""
    found = []
    for row in re.findall(r'<tr data-testid="unmatched-model">(.*?)</tr>', html, re.S):
        cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        found.append([re.sub(r"<[^>]+>", "", c).strip() for c in cells[:3]])
    return found


def linked(vehicles: list[Vehicle]) -> list[int | None]:
    with scopes_disabled():
        return [Vehicle.objects.get(pk=v.pk).series_id for v in vehicles]


# --- who may ------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["manager_a", "gm_a"])
def test_the_dealers_managers_see_their_unmatched_models(request, who, vehicles_a, vehicles_b):
    response = client_as("manager", request.getfixturevalue(who)).get(URL)
    assert_allowed(response)
    html = response.content.decode()
    # most vehicles first; the matched car and dealer B's are not listed; a brand alone has
    # no form
    assert rows(html) == [["广汽", "凯美瑞", "2"], ["—", "小凯", "1"], ["丰田", "—", "1"]]
    assert html.count('data-testid="map-form"') == 2
    assert reverse("customers:catalogue_unmatched") == URL
    assert 'href="/customers/catalogue/unmatched/"' in html  # the menu entry


@pytest.mark.parametrize("who", ["consultant_a", "cr_a", "advisor_a", "hq_analyst"])
def test_other_roles_and_hq_are_refused(request, who, vehicles_a) -> None:
    client = client_as("colleague", request.getfixturevalue(who))
    before = dealer_rows()
    assert_forbidden(client.get(URL))
    assert_forbidden(
        client.post(URL, {"brand": "广汽", "model_name": "凯美瑞", "series": camry().pk})
    )
    assert dealer_rows() == before and not SeriesAlias.objects.filter(created_by__isnull=False)
    menu = client.get("/customers/").content.decode()
    assert 'href="/customers/catalogue/unmatched/"' not in menu


def test_nobody_signed_in_goes_to_the_login(client) -> None:
    response = client.get(URL)
    response.client.actor_name = "anonymous"
    assert_login_required(response)


def test_another_dealers_manager_maps_only_their_own_vehicles(
    manager_b, vehicles_a, vehicles_b
) -> None:
    """The alias is shared, the linking is not: dealer A's vehicles wait for their own run."""
    client = client_as("other_dealer", manager_b, language="en")
    response = client.post(URL, {"brand": "广汽", "model_name": "凯美瑞", "series": camry().pk})
    assert response.status_code == 302
    assert linked(vehicles_b) == [camry().pk, camry().pk]
    assert linked(vehicles_a)[:2] == [None, None]
    # a text dealer B does not have is refused: the shared catalogue gets no stranger's alias
    response = client.post(URL, {"brand": "", "model_name": "小凯", "series": camry().pk})
    assert response.status_code == 400
    assert "No vehicle of this dealer has this model unlinked." in response.content.decode()
    assert not SeriesAlias.objects.filter(text="小凯").exists()


# --- mapping ------------------------------------------------------------------------------------


def test_mapping_writes_an_alias_and_links_the_vehicles(manager_a, vehicles_a) -> None:
    client = client_as("manager", manager_a, language="en")
    response = client.post(
        URL, {"brand": "广汽", "model_name": "凯美瑞", "series": camry().pk}, follow=True
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "广汽 凯美瑞 mapped: 2 vehicles linked to the catalogue." in html
    alias = SeriesAlias.objects.get(text="广汽凯美瑞")
    assert (alias.brand, alias.series, alias.created_by) == (None, camry(), manager_a)
    assert linked(vehicles_a)[:4] == [camry().pk, camry().pk, None, camry().pk]
    assert rows(html) == [["—", "小凯", "1"], ["丰田", "—", "1"]]
    # the same value typed again later is linked when it is saved
    with scope(dealer=manager_a.dealer_id):
        again = vehicle_add(
            actor=manager_a,
            customer=vehicles_a[0].customer,
            data={"vin": vin(50), "brand": "广汽", "model_name": "凯美瑞 2.5Q"},
        )
    assert again.series_id == camry().pk
    # a value that is in the list still is mapped the same way
    response = client.post(URL, {"brand": "", "model_name": "小凯", "series": camry().pk})
    assert response.status_code == 302
    assert linked(vehicles_a)[2] == camry().pk


def test_the_suggestion_is_preselected_for_a_known_or_empty_brand(manager_a, vehicles_a):
    with scope(dealer=manager_a.dealer_id):
        vehicle_add(
            actor=manager_a,
            customer=vehicles_a[0].customer,
            data={"vin": vin(60), "brand": "", "model_name": "凯美锐"},
        )
    html = client_as("manager", manager_a, language="en").get(URL).content.decode()
    assert "Suggested: 丰田 凯美瑞" in html  # 广汽 凯美瑞: shown, not preselected
    assert f'<option value="{camry().pk}" selected>' not in html


@pytest.mark.parametrize(
    "series",
    ["2000000000", "abc", "", "-1", "99999999999999999999999"],
)
def test_an_unknown_series_is_a_form_error(manager_a, vehicles_a, series) -> None:
    client = client_as("manager", manager_a, language="en")
    before = dealer_rows()  # after signing in, which sets last_login
    response = client.post(URL, {"brand": "广汽", "model_name": "凯美瑞", "series": series})
    assert response.status_code == 400
    assert 'data-field-error="series"' in response.content.decode()
    assert dealer_rows() == before and not SeriesAlias.objects.filter(created_by=manager_a)


@pytest.mark.parametrize(
    "data",
    [
        {"brand": "", "model_name": "", "series": "1"},  # nothing to map
        {"brand": "丰田", "model_name": "", "series": "1"},  # a brand alone
        {"brand": "x" * 31, "model_name": "凯美瑞"},  # longer than any stored value
        {"model_name": "凯美瑞\x00"},
    ],
)
def test_bad_input_is_refused_without_a_server_error(manager_a, vehicles_a, data) -> None:
    data = {"series": str(camry().pk), **data}
    response = client_as("manager", manager_a, language="en").post(URL, data)
    assert response.status_code == 400
    assert not SeriesAlias.objects.filter(created_by=manager_a).exists()


def test_a_value_the_rules_read_otherwise_is_not_remapped(manager_a, vehicles_a) -> None:
    """A vehicle saved before its series was in the catalogue: the rules now read it; another
    series would make the shared catalogue contradict itself."""
    with scopes_disabled():
        Vehicle.objects.filter(pk=vehicles_a[3].pk).update(series=None)
    levin = Series.objects.get(name="雷凌")
    client = client_as("manager", manager_a, language="en")
    response = client.post(URL, {"brand": "丰田", "model_name": "凯美瑞", "series": levin.pk})
    assert response.status_code == 400
    assert "The catalogue reads this value as 丰田 凯美瑞." in response.content.decode()
    response = client.post(URL, {"brand": "丰田", "model_name": "凯美瑞", "series": camry().pk})
    assert response.status_code == 302
    assert linked(vehicles_a)[3] == camry().pk
    assert not SeriesAlias.objects.filter(created_by=manager_a).exists()  # no alias needed
