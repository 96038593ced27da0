"""Vehicles and the model catalogue: the series read from the free text (customers.
catalogue_links), a person's series and trim through the services and the API, the link at the
end of a bulk unit of work, and the list of what no rule matched."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from io import StringIO
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django_scopes import scope, scopes_disabled

from autocrm.catalogue.models import Series, SeriesAlias, Trim
from autocrm.catalogue.services import catalogue_load
from autocrm.customers.catalogue_links import vehicles_link_catalogue
from autocrm.customers.catalogue_selectors import unmatched_vehicle_texts
from autocrm.customers.choices import MileageSource
from autocrm.customers.models import Vehicle
from autocrm.customers.services import vehicle_add, vehicle_update
from autocrm.customers.writes import customer_writes
from autocrm.rules.vehicles import vin_check_digit


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """The messages are asserted in English (the site's default language is Chinese)."""
    with translation.override("en"):
        yield


pytestmark = pytest.mark.django_db


def vin(n: int) -> str:
    raw = f"LVGBE40K0R{n:07d}"
    return raw[:8] + vin_check_digit(raw) + raw[9:]


@pytest.fixture(autouse=True)
def catalogue() -> None:
    """The shipped catalogue (a fresh migrate has it; a transactional test's flush does not)."""
    catalogue_load()


def series(brand: str, name: str) -> Series:
    return Series.objects.select_related("brand").get(brand__name=brand, name=name)


@pytest.fixture
def customer(make_customer: Any, consultant_a: Any) -> Any:
    return make_customer(consultant_a, name="李娜", mobile="13812345678")


def add(actor: Any, customer: Any, n: int, **data: Any) -> Vehicle:
    with scope(dealer=actor.dealer_id):
        return vehicle_add(actor=actor, customer=customer, data={"vin": vin(n), **data})


# --- the services ------------------------------------------------------------------------------


def test_a_vehicle_entered_with_text_is_linked_and_keeps_its_text(consultant_a, customer) -> None:
    vehicle = add(consultant_a, customer, 1, brand="广汽丰田", model_name="凯美瑞 2.0G 豪华版")
    assert vehicle.series_id == series("丰田", "凯美瑞").pk and vehicle.trim_id is None
    with scope(dealer=consultant_a.dealer_id):
        stored = Vehicle.objects.get(pk=vehicle.pk)
    assert (stored.brand, stored.model_name) == ("广汽丰田", "凯美瑞 2.0G 豪华版")
    assert stored.series_id == vehicle.series_id


def test_unmatched_text_stays_unlinked(consultant_a, customer) -> None:
    vehicle = add(consultant_a, customer, 1, brand="广汽", model_name="小凯")
    assert vehicle.series_id is None
    assert add(consultant_a, customer, 2).series_id is None  # no text at all


def test_a_series_given_fills_empty_text(consultant_a, customer) -> None:
    camry = series("丰田", "凯美瑞")
    trim = camry.trims.order_by("guide_price").first()
    vehicle = add(consultant_a, customer, 1, series=camry.pk, trim=trim.pk)
    assert (vehicle.series_id, vehicle.trim_id) == (camry.pk, trim.pk)
    assert (vehicle.brand, vehicle.model_name) == ("丰田", "凯美瑞")


def test_a_person_chosen_series_wins_over_the_text(consultant_a, customer) -> None:
    """The text is kept as typed, the series as chosen; the link never replaces it."""
    levin = series("丰田", "雷凌")
    vehicle = add(consultant_a, customer, 1, brand="丰田", model_name="凯美瑞", series=levin)
    assert vehicle.series_id == levin.pk and vehicle.model_name == "凯美瑞"
    assert vehicles_link_catalogue(dealer_id=consultant_a.dealer_id) == 0
    with scope(dealer=consultant_a.dealer_id):
        assert Vehicle.objects.get(pk=vehicle.pk).series_id == levin.pk


def test_only_the_trim_gives_the_series(consultant_a, customer) -> None:
    trim = Trim.objects.filter(series__name="汉兰达").first()
    vehicle = add(consultant_a, customer, 1, trim=trim.pk)
    assert (vehicle.series_id, vehicle.trim_id) == (trim.series_id, trim.pk)
    assert vehicle.model_name == "汉兰达"


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"series": 2_000_000_000}, "series", "Choose a model from the catalogue."),
        ({"series": "abc"}, "series", "Choose a model from the catalogue."),
        ({"trim": 2_000_000_000}, "trim", "Choose a trim from the catalogue."),
    ],
)
def test_unknown_catalogue_ids_are_refused_at_their_field(
    consultant_a, customer, data, field, message
) -> None:
    with pytest.raises(ValidationError) as refused:
        add(consultant_a, customer, 1, **data)
    assert refused.value.message_dict == {field: [message]}
    with scope(dealer=consultant_a.dealer_id):
        assert not Vehicle.objects.exists()


def test_a_trim_of_another_series_is_refused_with_the_other_errors(consultant_a, customer):
    trim = Trim.objects.filter(series__name="朗逸").first()
    with pytest.raises(ValidationError) as refused:
        add(consultant_a, customer, 1, series=series("丰田", "凯美瑞").pk, trim=trim.pk,
            plate_number="XYZ")  # fmt: skip
    assert set(refused.value.message_dict) == {"trim", "plate_number"}
    assert refused.value.message_dict["trim"] == ["This trim is not of the model chosen."]


def test_changed_text_is_read_again_unless_a_series_is_given(consultant_a, customer) -> None:
    vehicle = add(consultant_a, customer, 1, brand="丰田", model_name="凯美瑞")
    with scope(dealer=consultant_a.dealer_id):
        vehicle = vehicle_update(actor=consultant_a, vehicle=vehicle, data={"model_name": "雷凌"})
        assert vehicle.series_id == series("丰田", "雷凌").pk
        vehicle = vehicle_update(actor=consultant_a, vehicle=vehicle, data={"model_name": "小凯"})
        assert vehicle.series_id is None  # the text names no series any more
        han = series("比亚迪", "汉")
        vehicle = vehicle_update(actor=consultant_a, vehicle=vehicle, data={"series": han.pk})
        assert vehicle.series_id == han.pk and vehicle.model_name == "小凯"
        vehicle = vehicle_update(actor=consultant_a, vehicle=vehicle, data={"color": "白"})
        assert vehicle.series_id == han.pk  # other changes leave the link alone
        # a person's choice is in the history; the derived link is not a change anyone made
        assert vehicle.history.first().series_id == han.pk


# --- set-based linking -------------------------------------------------------------------------


def test_linking_reads_each_pair_once_and_updates_per_batch_of_pairs(
    consultant_a, customer, dealer_a
) -> None:
    texts = [("丰田", "凯美瑞"), ("", "雷凌双擎"), ("一汽-大众", "迈腾"), ("", "小凯")]
    now = datetime(2026, 11, 1, tzinfo=UTC)
    with scope(dealer=dealer_a.pk):
        with customer_writes(dealer_id=dealer_a.pk, actor=None, reason="test", now=now) as w:
            # the unit of work links what it wrote when it closes: no link before
            ids = w.create_vehicles(
                [
                    {"customer_id": customer.pk, "vin": vin(n), "brand": b, "model_name": m}
                    for n, (b, m) in enumerate(texts * 5)
                ],
                source=MileageSource.IMPORT,
            )
            assert not Vehicle.objects.filter(pk__in=ids, series__isnull=False).exists()
        linked = dict(Vehicle.objects.filter(pk__in=ids).values_list("vin", "series__name"))
    assert set(linked.values()) == {"凯美瑞", "雷凌", "迈腾", None}
    assert sum(name is not None for name in linked.values()) == 15
    # a second run finds the one unmatched pair, matches it once, updates nothing
    with CaptureQueriesContext(connection) as queries:
        assert vehicles_link_catalogue(dealer_id=dealer_a.pk) == 0
    assert not [q for q in queries if q["sql"].lstrip().upper().startswith("UPDATE")]


def test_linking_issues_one_update_for_many_pairs(consultant_a, customer, dealer_a) -> None:
    texts = [("丰田", "凯美瑞"), ("丰田", "雷凌"), ("比亚迪", "汉EV"), ("", "途观L 330TSI")]
    for n, (brand, model) in enumerate(texts):
        assert add(consultant_a, customer, n, brand=brand, model_name=model).series_id
    with scopes_disabled():
        Vehicle.objects.update(series=None)  # as vehicles stored before the catalogue
    with CaptureQueriesContext(connection) as queries:
        assert vehicles_link_catalogue(dealer_id=dealer_a.pk) == 4
    sql = [q["sql"].lstrip().upper() for q in queries]
    assert sum(s.startswith("UPDATE") for s in sql) == 1
    assert sum(s.startswith("SELECT") for s in sql) == 4  # pairs, brands, series, aliases


def test_linking_stays_within_the_dealer_or_the_ids_given(
    consultant_a, consultant_b, customer, make_customer
) -> None:
    other = make_customer(consultant_b, name="王芳", mobile="13912345678")
    mine = add(consultant_a, customer, 1, brand="广汽", model_name="凯美瑞")
    theirs = add(consultant_b, other, 2, brand="广汽", model_name="凯美瑞")
    assert mine.series_id is None and theirs.series_id is None
    camry = series("丰田", "凯美瑞")
    SeriesAlias.objects.create(text="广汽凯美瑞", brand=None, series=camry)
    assert vehicles_link_catalogue(vehicle_ids=[]) == 0
    assert vehicles_link_catalogue(dealer_id=consultant_a.dealer_id) == 1
    with scopes_disabled():
        assert Vehicle.objects.get(pk=theirs.pk).series_id is None
    assert vehicles_link_catalogue(vehicle_ids=[theirs.pk, mine.pk]) == 1
    with scopes_disabled():
        assert set(Vehicle.objects.values_list("series_id", flat=True)) == {camry.pk}


# --- the list of what no rule matched ----------------------------------------------------------


def test_unmatched_texts_most_vehicles_first_per_dealer(
    consultant_a, consultant_b, customer, make_customer
) -> None:
    for n, (brand, model) in enumerate(
        [("广汽", "凯美瑞"), ("广汽", "凯美瑞"), ("", "小凯"), ("丰田", "凯美瑞"), ("", "")]
    ):
        add(consultant_a, customer, n, brand=brand, model_name=model)
    other = make_customer(consultant_b, name="王芳", mobile="13912345678")
    add(consultant_b, other, 10, brand="", model_name="宋Max")
    with scope(dealer=consultant_a.dealer_id):
        assert unmatched_vehicle_texts(consultant_a.dealer_id) == [
            ("广汽", "凯美瑞", 2),
            ("", "小凯", 1),
        ]
        assert unmatched_vehicle_texts(consultant_a.dealer_id, limit=1) == [("广汽", "凯美瑞", 2)]


# --- the API -----------------------------------------------------------------------------------


def test_api_takes_and_shows_the_series_and_trim(api_client_for, consultant_a, customer) -> None:
    client = api_client_for(consultant_a)
    camry = series("丰田", "凯美瑞")
    trim = camry.trims.first()
    url = f"/api/customers/{customer.pk}/vehicles/"
    answer = client.post(url, {"vin": vin(1), "series": camry.pk, "trim": trim.pk}, format="json")
    assert answer.status_code == 201, answer.content
    body = answer.json()
    assert (body["series"], body["trim"], body["model_name"]) == (camry.pk, trim.pk, "凯美瑞")
    answer = client.post(url, {"vin": vin(2), "brand": "本田", "model_name": "CRV"}, format="json")
    assert answer.json()["series"] == series("本田", "CR-V").pk
    assert answer.json()["trim"] is None
    wrong = Trim.objects.filter(series__name="朗逸").first()
    answer = client.patch(
        f"/api/vehicles/{body['id']}/", {"trim": wrong.pk, "series": camry.pk}, format="json"
    )
    assert answer.status_code == 400 and set(answer.json()) == {"trim"}
    answer = client.patch(f"/api/vehicles/{body['id']}/", {"series": 0}, format="json")
    assert answer.status_code == 400 and set(answer.json()) == {"series"}


def test_the_command_links_what_is_left(consultant_a, customer, dealer_a) -> None:
    vehicle = add(consultant_a, customer, 1, brand="广汽", model_name="凯美瑞")
    SeriesAlias.objects.create(text="广汽凯美瑞", brand=None, series=series("丰田", "凯美瑞"))
    out = StringIO()
    call_command("vehicles_link_catalogue", dealer=dealer_a.code, stdout=out)
    assert out.getvalue().strip() == "1 vehicles linked to the catalogue."
    with scopes_disabled():
        assert Vehicle.objects.get(pk=vehicle.pk).series_id == series("丰田", "凯美瑞").pk
    call_command("vehicles_link_catalogue", stdout=out)
    with pytest.raises(CommandError):
        call_command("vehicles_link_catalogue", dealer="NOPE", stdout=out)
