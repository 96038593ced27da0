"""Customer API: creating and changing profiles, contacts, vehicles and mileage; validation
errors keyed by field; keyset pagination; the OpenAPI schema."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from autocrm.customers.models import Contact, Customer, MileageReading, Vehicle
from autocrm.dictionaries.models import DictionaryEntry
from autocrm.testing import STAFF_PASSWORD

pytestmark = pytest.mark.django_db

CUSTOMERS = "/api/customers/"
MOBILE = "13812345678"
MOBILE_E164 = "+8613812345678"
ID_MALE_1990 = "44030519900101123X"  # 广东省深圳市南山区, 1990-01-01, male
ADDRESS = "广东省深圳市南山区科苑路15号"
VIN = "LSVAU218XN2183294"
VIN_2 = "LFV2A21KXB3012345"
USCC = "91110108551385082Q"


def detail(customer_id: int) -> str:
    return f"{CUSTOMERS}{customer_id}/"


@pytest.fixture
def api(api_client_for, consultant_a):
    return api_client_for(consultant_a)


def count(model, scoped) -> int:
    with scoped():
        return model.objects.count()


# --- create -----------------------------------------------------------------------------------


def test_create_customer_normalises_and_scores(api, consultant_a, scoped):
    response = api.post(
        CUSTOMERS,
        {"name": "李娜", "mobile": "138 1234 5678", "address": ADDRESS, "email": "li.na@QQ.COM"},
        format="json",
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["mobile"] == MOBILE_E164
    assert body["email"] == "li.na@qq.com"
    assert body["address"] == ADDRESS
    assert body["kind"] == "person"
    assert body["responsible_staff"] == consultant_a.pk
    assert "name_pinyin" not in body and "name_initials" not in body
    assert isinstance(body["accuracy_score"], int) and body["accuracy_score"] > 0
    assert isinstance(body["completeness_score"], int)
    assert body["accuracy_level"] in {"good", "fair", "poor"}
    assert body["completeness_level"] in {"good", "fair", "poor"}
    assert isinstance(body["quality_issues"], list)
    assert body["accuracy_status"] == "unverified"
    assert body["last_verified_at"] is None
    with scoped(consultant_a):
        customer = Customer.objects.get(pk=body["id"])
    assert customer.name_pinyin  # filled server-side, not exposed
    assert customer.mobile_raw == "138 1234 5678"
    assert (customer.province, customer.city, customer.district) == ("广东省", "深圳市", "南山区")


@pytest.mark.parametrize(
    "typed", ["１３８１２３４５６７８", "+86 138 1234 5678", "0086-138-1234-5678", "+8613812345678"]
)
def test_full_width_and_country_code_mobiles_are_accepted(api, typed):
    response = api.post(CUSTOMERS, {"name": "王芳", "mobile": typed}, format="json")

    assert response.status_code == 201, response.json()
    assert response.json()["mobile"] == MOBILE_E164


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"mobile": "12345"}, "mobile"),
        ({"mobile": "23812345678"}, "mobile"),
        ({"id_number": "440305199001011231"}, "id_number"),  # wrong check character
        ({"id_number": "440305900101123"}, "id_number"),  # old 15-digit number
        ({"address": "广东省深圳市南山区"}, "address"),  # no street, no house number
        ({"email": "li.na@"}, "email"),
        ({"email": "li.na@localhost"}, "email"),
        ({"kind": "organization", "uscc": "91110108551385082A"}, "uscc"),
        ({"uscc": USCC}, "uscc"),  # a person has no USCC
        ({"landline": "12345678"}, "landline"),
        ({"postcode": "51800"}, "postcode"),
        ({"birth_date": "1990-13-45"}, "birth_date"),  # serializer-level type error
        ({"gender": "X"}, "gender"),
    ],
)
def test_refused_customer_input_is_keyed_by_field_and_saves_nothing(api, scoped, payload, field):
    before = count(Customer, scoped)

    response = api.post(CUSTOMERS, {"name": "李娜", **payload}, format="json")

    assert response.status_code == 400
    body = response.json()
    assert set(body) == {field}
    assert all(isinstance(m, str) and m for m in body[field])
    assert count(Customer, scoped) == before


def test_every_refused_field_is_reported_together(api, scoped):
    before = count(Customer, scoped)

    response = api.post(
        CUSTOMERS,
        {"name": "李娜", "mobile": "555", "email": "nope", "address": "深圳"},
        format="json",
    )

    assert response.status_code == 400
    assert set(response.json()) == {"mobile", "email", "address"}
    assert count(Customer, scoped) == before


def test_name_is_required(api):
    response = api.post(CUSTOMERS, {"mobile": MOBILE}, format="json")

    assert response.status_code == 400
    assert set(response.json()) == {"name"}


def test_error_messages_follow_the_request_language(api):
    chinese = api.post(CUSTOMERS, {"mobile": MOBILE}, format="json")  # zh-hans by default
    english = api.post(CUSTOMERS, {"mobile": MOBILE}, format="json", HTTP_ACCEPT_LANGUAGE="en")

    assert chinese.json()["name"] == ["该字段是必填项。"]
    assert english.json()["name"] == ["This field is required."]


def test_organization_with_valid_uscc(api):
    response = api.post(
        CUSTOMERS, {"name": "深圳市某某科技有限公司", "kind": "organization", "uscc": USCC}
    )

    assert response.status_code == 201, response.json()
    assert response.json()["uscc"] == USCC


def test_id_number_fills_birth_date_and_gender(api):
    response = api.post(
        CUSTOMERS, {"name": "陈强", "id_number": ID_MALE_1990.lower()}, format="json"
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["id_number"] == ID_MALE_1990  # own customer: clear, upper-cased X
    assert body["id_type"] == "resident_id"
    assert body["birth_date"] == "1990-01-01"
    assert body["gender"] == "M"


@pytest.mark.parametrize(
    ("extra", "field"), [({"gender": "F"}, "gender"), ({"birth_date": "1991-01-01"}, "birth_date")]
)
def test_contradicting_id_number_is_refused(api, scoped, extra, field):
    before = count(Customer, scoped)

    response = api.post(
        CUSTOMERS, {"name": "陈强", "id_number": ID_MALE_1990, **extra}, format="json"
    )

    assert response.status_code == 400
    assert set(response.json()) == {field}
    assert count(Customer, scoped) == before


def test_dictionary_fields_take_ids_of_the_dealers_entries(api, dealer_a, dict_entry):
    trade = dict_entry(dealer_a, "trade_relationship", "potential")
    hobbies = [dict_entry(dealer_a, "hobby").pk]

    response = api.post(
        CUSTOMERS,
        {
            "name": "赵敏",
            "trade_relationship": trade.pk,
            "hobbies": hobbies,
            "activity_level": "high",
        },
        format="json",
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["trade_relationship"] == trade.pk
    assert body["hobbies"] == hobbies
    assert body["activity_level"] == "high"


def test_unknown_or_foreign_dictionary_ids_are_refused(api, scoped, dealer_a, dealer_b, dict_entry):
    foreign = dict_entry(dealer_b, "trade_relationship")
    wrong_kind = dict_entry(dealer_a, "hobby")
    before = count(Customer, scoped)

    response = api.post(
        CUSTOMERS,
        {
            "name": "赵敏",
            "trade_relationship": foreign.pk,
            "nature": 987654321,
            "info_source": wrong_kind.pk,
            "hobbies": [987654321],
        },
        format="json",
    )

    assert response.status_code == 400
    assert set(response.json()) == {"trade_relationship", "nature", "info_source", "hobbies"}
    assert count(Customer, scoped) == before


def test_responsible_staff_must_work_at_the_dealer(api, consultant_b, consultant_a2):
    refused = api.post(CUSTOMERS, {"name": "赵敏", "responsible_staff": consultant_b.pk})
    accepted = api.post(CUSTOMERS, {"name": "赵敏", "responsible_staff": consultant_a2.pk})

    assert refused.status_code == 400
    assert set(refused.json()) == {"responsible_staff"}
    assert accepted.status_code == 201
    assert accepted.json()["responsible_staff"] == consultant_a2.pk


# --- read and change ------------------------------------------------------------------------


def test_get_and_patch_own_customer(api, make_customer, consultant_a):
    customer = make_customer(consultant_a, name="李娜", mobile=MOBILE)

    got = api.get(detail(customer.pk))
    patched = api.patch(
        detail(customer.pk), {"mobile": "139-8765-4321", "address": ADDRESS}, format="json"
    )

    assert got.status_code == 200
    assert got.json()["mobile"] == MOBILE_E164
    assert patched.status_code == 200, patched.json()
    assert patched.json()["mobile"] == "+8613987654321"
    assert patched.json()["address"] == ADDRESS
    assert patched.json()["name"] == "李娜"  # untouched


def test_patch_refused_field_changes_nothing(api, make_customer, consultant_a, scoped):
    customer = make_customer(consultant_a, name="李娜", mobile=MOBILE)

    response = api.patch(
        detail(customer.pk), {"mobile": "1381234", "name": "李娜娜"}, format="json"
    )

    assert response.status_code == 400
    assert set(response.json()) == {"mobile"}
    with scoped(consultant_a):
        customer.refresh_from_db()
    assert (customer.name, customer.mobile) == ("李娜", MOBILE_E164)


def test_patch_gender_contradicting_stored_id_number(api, make_customer, consultant_a):
    customer = make_customer(consultant_a, name="陈强", id_number=ID_MALE_1990)

    response = api.patch(detail(customer.pk), {"gender": "F"}, format="json")

    assert response.status_code == 400
    assert set(response.json()) == {"gender"}


def test_patch_hobbies_are_shown_after_the_change(api, make_customer, consultant_a, scoped):
    customer = make_customer(consultant_a, name="李娜")
    with scoped(consultant_a):
        hobby_ids = list(
            DictionaryEntry.objects.filter(dealer=consultant_a.dealer, kind="hobby")
            .order_by("id")
            .values_list("pk", flat=True)[:2]
        )

    response = api.patch(detail(customer.pk), {"hobbies": hobby_ids}, format="json")

    assert response.status_code == 200, response.json()
    assert sorted(response.json()["hobbies"]) == hobby_ids


# --- list, search, pagination -----------------------------------------------------------------


def test_list_is_keyset_paginated_without_count(api, make_customer, consultant_a):
    ids = [make_customer(consultant_a, name=f"客户{i}号").pk for i in range(5)]

    first = api.get(CUSTOMERS, {"page_size": 2})
    assert first.status_code == 200
    page1 = first.json()
    assert "count" not in page1
    assert page1["next"] and "cursor=" in page1["next"]
    assert page1["previous"] is None
    second = api.get(page1["next"]).json()
    third = api.get(second["next"]).json()

    seen = [c["id"] for c in page1["results"] + second["results"] + third["results"]]
    assert seen == sorted(ids, reverse=True)
    assert third["next"] is None


def test_search_by_mobile_and_last_four(api, make_customer, consultant_a):
    wanted = make_customer(consultant_a, name="李娜", mobile=MOBILE)
    make_customer(consultant_a, name="王芳", mobile="13987654321")

    by_mobile = api.get(CUSTOMERS, {"q": "138 1234 5678"}).json()["results"]
    by_last4 = api.get(CUSTOMERS, {"q": "5678"}).json()["results"]
    by_name = api.get(CUSTOMERS, {"q": "王"}).json()["results"]

    assert [c["id"] for c in by_mobile] == [wanted.pk]
    assert [c["id"] for c in by_last4] == [wanted.pk]
    assert [c["name"] for c in by_name] == ["王芳"]


def test_list_filters_and_bad_filter(api, make_customer, consultant_a, consultant_a2):
    mine = make_customer(consultant_a, name="李娜")
    make_customer(consultant_a2, name="王芳")

    response = api.get(CUSTOMERS, {"responsible_staff": consultant_a.pk})
    refused = api.get(CUSTOMERS, {"responsible_staff": "me", "accuracy_level": "best"})

    assert [c["id"] for c in response.json()["results"]] == [mine.pk]
    assert refused.status_code == 400
    assert set(refused.json()) == {"responsible_staff", "accuracy_level"}


# --- contacts -------------------------------------------------------------------------------


def test_add_and_list_contacts(api, make_customer, consultant_a, scoped):
    customer = make_customer(consultant_a, name="李娜")
    url = f"{detail(customer.pk)}contacts/"

    created = api.post(
        url,
        {
            "contact_type": "private",
            "name": "李明",
            "mobile": "０086 139 8765 4321",
            "relation": "丈夫",
        },
        format="json",
    )
    refused = api.post(url, {"contact_type": "private", "name": "李明", "mobile": "139"})
    bad_type = api.post(url, {"contact_type": "boss", "name": "李明"})
    listed = api.get(url)

    assert created.status_code == 201, created.json()
    assert created.json()["mobile"] == "+8613987654321"
    assert created.json()["customer"] == customer.pk
    assert refused.status_code == 400 and set(refused.json()) == {"mobile"}
    assert bad_type.status_code == 400 and set(bad_type.json()) == {"contact_type"}
    assert [c["name"] for c in listed.json()["results"]] == ["李明"]
    assert count(Contact, scoped) == 1


# --- vehicles and mileage ---------------------------------------------------------------------


@pytest.fixture
def customer_a(make_customer, consultant_a):
    return make_customer(consultant_a, name="李娜", mobile=MOBILE)


def test_add_vehicle(api, customer_a, scoped):
    response = api.post(
        f"{detail(customer_a.pk)}vehicles/",
        {
            "vin": VIN.lower(),
            "plate_number": "粤B·12345",
            "brand": "大众",
            "model_name": "迈腾",
            "purchase_date": "2023-05-01",
            "bought_here": True,
            "mileage_km": 12000,
        },
        format="json",
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["vin"], body["plate_number"]) == (VIN, "粤B12345")
    assert body["mileage_km"] == 12000
    assert body["customer"] == customer_a.pk
    assert count(MileageReading, scoped) == 1
    listed = api.get(f"{detail(customer_a.pk)}vehicles/").json()["results"]
    assert [v["vin"] for v in listed] == [VIN]


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"vin": "LSVAU2180N2183294"}, "vin"),  # check digit wrong
        ({"vin": "LSVAU218XN218329"}, "vin"),  # 16 characters
        ({"vin": "LSVAU218XN218329O"}, "vin"),  # letter O
        ({"vin": VIN, "plate_number": "粤12345"}, "plate_number"),
        ({"vin": VIN, "plate_number": "XB12345"}, "plate_number"),
        ({"vin": VIN, "purchase_date": "2023-02-30"}, "purchase_date"),
        ({"vin": VIN, "mileage_km": -5}, "mileage_km"),
    ],
)
def test_refused_vehicle_input(api, customer_a, scoped, payload, field):
    response = api.post(f"{detail(customer_a.pk)}vehicles/", payload, format="json")

    assert response.status_code == 400
    assert set(response.json()) == {field}
    assert count(Vehicle, scoped) == 0


def test_vin_already_on_file_is_refused(api, customer_a, make_customer, consultant_a, scoped):
    other = make_customer(consultant_a, name="王芳")
    assert api.post(f"{detail(customer_a.pk)}vehicles/", {"vin": VIN}).status_code == 201

    response = api.post(f"{detail(other.pk)}vehicles/", {"vin": f" {VIN.lower()} "})

    assert response.status_code == 400
    assert set(response.json()) == {"vin"}
    assert count(Vehicle, scoped) == 1


def test_get_and_patch_vehicle(api, customer_a):
    vehicle = api.post(f"{detail(customer_a.pk)}vehicles/", {"vin": VIN}).json()
    url = f"/api/vehicles/{vehicle['id']}/"

    got = api.get(url)
    patched = api.patch(url, {"plate_number": "粤B D12345", "mileage_km": 99}, format="json")
    refused = api.patch(url, {"plate_number": "粤B"}, format="json")

    assert got.status_code == 200 and got.json()["vin"] == VIN
    assert patched.status_code == 200, patched.json()
    assert patched.json()["plate_number"] == "粤BD12345"
    assert patched.json()["mileage_km"] is None  # mileage changes only by a reading
    assert refused.status_code == 400 and set(refused.json()) == {"plate_number"}


def test_record_mileage(api, customer_a, scoped):
    vehicle = api.post(
        f"{detail(customer_a.pk)}vehicles/", {"vin": VIN, "mileage_km": 1000}, format="json"
    ).json()
    url = f"/api/vehicles/{vehicle['id']}/mileage/"
    today = timezone.localdate()

    recorded = api.post(url, {"mileage_km": 2500, "source": "workshop"}, format="json")
    lower = api.post(url, {"mileage_km": 2000}, format="json")
    future = api.post(
        url, {"mileage_km": 6000, "read_on": str(today + dt.timedelta(days=2))}, format="json"
    )
    not_a_number = api.post(url, {"mileage_km": "lots"}, format="json")

    assert recorded.status_code == 201, recorded.json()
    assert recorded.json()["read_on"] == str(today)
    assert lower.status_code == 400 and set(lower.json()) == {"mileage_km"}
    assert future.status_code == 400 and set(future.json()) == {"read_on"}
    assert not_a_number.status_code == 400 and set(not_a_number.json()) == {"mileage_km"}
    assert api.get(f"/api/vehicles/{vehicle['id']}/").json()["mileage_km"] == 2500
    assert count(MileageReading, scoped) == 2


def test_a_reading_no_car_could_have(api, customer_a, scoped):
    """Issue #13: a reading dated 0416-01-28, and 522,002 km on a car bought four days
    earlier, were both saved. A lower reading needs the odometer's replacement said."""
    today = timezone.localdate()
    vehicle = api.post(
        f"{detail(customer_a.pk)}vehicles/",
        {"vin": VIN, "bought_here": True, "purchase_date": str(today - dt.timedelta(days=4))},
        format="json",
    ).json()
    url = f"/api/vehicles/{vehicle['id']}/mileage/"
    ancient = api.post(url, {"mileage_km": 10, "read_on": "0416-01-28"}, format="json")
    far = api.post(url, {"mileage_km": 522_002}, format="json")
    assert ancient.status_code == 400 and set(ancient.json()) == {"read_on"}
    assert far.status_code == 400 and set(far.json()) == {"mileage_km"}
    assert api.post(url, {"mileage_km": 800}, format="json").status_code == 201
    replaced = {"mileage_km": 12, "odometer_replaced": True}
    assert api.post(url, {"mileage_km": 12}, format="json").status_code == 400
    recorded = api.post(url, replaced, format="json")
    assert recorded.status_code == 201, recorded.json()
    assert count(MileageReading, scoped) == 2


# --- token and schema -----------------------------------------------------------------------


def test_obtain_token_and_use_it(api_client, consultant_a, make_customer):
    make_customer(consultant_a, name="李娜")

    refused = api_client.post(
        "/api/auth/token/", {"username": "consultant_a", "password": "wrong"}, format="json"
    )
    issued = api_client.post(
        "/api/auth/token/", {"username": "consultant_a", "password": STAFF_PASSWORD}, format="json"
    )
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {issued.json()['token']}")
    listed = api_client.get(CUSTOMERS)

    assert refused.status_code == 400
    assert issued.status_code == 200
    assert listed.status_code == 200
    assert [c["name"] for c in listed.json()["results"]] == ["李娜"]


def test_schema_lists_the_customer_paths(client, consultant_a):
    client.force_login(consultant_a)  # the schema is for signed-in users (issue #13)
    response = client.get("/api/schema/", {"format": "json"})

    assert response.status_code == 200
    paths = response.json()["paths"]
    assert "/api/customers/" in paths
    assert "/api/customers/{customer_id}/vehicles/" in paths
    assert "/api/vehicles/{vehicle_id}/mileage/" in paths
    assert set(paths["/api/customers/{customer_id}/"]) >= {"get", "patch"}


@pytest.mark.parametrize("birth", ["0001-01-01", "9999-12-31", "1899-12-31"])
def test_a_birth_date_no_one_has(api, birth):
    """Issue #13: no one was born in year 1 or 9999; refused at its field."""
    response = api.post(CUSTOMERS, {"name": "张伟", "birth_date": birth}, format="json")
    assert response.status_code == 400 and set(response.json()) == {"birth_date"}
