"""Customer API access: who may read and write what (the five actors of autocrm.testing.access),
authentication, dealer isolation (404, never data), HQ read-only and masking of personal data
per the role table."""

from __future__ import annotations

import pytest

from autocrm.customers.models import Contact, Customer, MileageReading, Vehicle
from autocrm.tenancy.roles import Role
from autocrm.testing.access import ACTORS, assert_allowed, assert_denied

pytestmark = pytest.mark.django_db

CUSTOMERS = "/api/customers/"
MOBILE = "13812345678"
ID_NUMBER = "44030519900101123X"
ADDRESS = "广东省深圳市南山区科苑路15号"
EMAIL = "li.na@qq.com"
VIN = "LSVAU218XN2183294"
CLEAR_VALUES = [MOBILE, "+86" + MOBILE, ID_NUMBER, "科苑路", "li.na@"]


def detail(customer_id: int) -> str:
    return f"{CUSTOMERS}{customer_id}/"


@pytest.fixture
def customer_a(make_customer, consultant_a, scoped):
    """A customer of dealer A (consultant_a responsible) with a contact and a vehicle."""
    from autocrm.customers.services import contact_add, vehicle_add

    customer = make_customer(
        consultant_a,
        name="李娜",
        mobile=MOBILE,
        id_number=ID_NUMBER,
        address=ADDRESS,
        email=EMAIL,
        landline="0755-88881234",
    )
    with scoped(consultant_a):
        contact_add(
            actor=consultant_a,
            customer=customer,
            data={"contact_type": "private", "name": "李明", "mobile": "13987654321"},
        )
        customer.vehicle = vehicle_add(
            actor=consultant_a, customer=customer, data={"vin": VIN, "mileage_km": 100}
        )
    return customer


def snapshot(scoped) -> tuple:
    """Everything a refused write must leave untouched."""
    with scoped():
        return (
            list(Customer.objects.order_by("pk").values()),
            list(Contact.objects.order_by("pk").values()),
            list(Vehicle.objects.order_by("pk").values()),
            MileageReading.objects.count(),
        )


def reads(customer) -> list[str]:
    """Every API URL that reads customer_a or what hangs off it."""
    return [
        detail(customer.pk),
        f"{detail(customer.pk)}contacts/",
        f"{detail(customer.pk)}vehicles/",
        f"/api/vehicles/{customer.vehicle.pk}/",
    ]


def writes(customer) -> list[tuple[str, str, dict]]:
    """Every API write to customer_a or what hangs off it: (method, url, valid data)."""
    vehicle_url = f"/api/vehicles/{customer.vehicle.pk}/"
    return [
        ("patch", detail(customer.pk), {"name": "改名"}),
        ("post", f"{detail(customer.pk)}contacts/", {"contact_type": "private", "name": "x"}),
        ("post", f"{detail(customer.pk)}vehicles/", {"vin": "LFV2A21KXB3012345"}),
        ("patch", vehicle_url, {"plate_number": "粤B12345"}),
        ("post", f"{vehicle_url}mileage/", {"mileage_km": 500}),
    ]


# --- the five actors ------------------------------------------------------------------------


@pytest.mark.parametrize("who", ACTORS)
def test_who_may_read_the_customer(actors, who, customer_a):
    """Reading is open to everyone signed in within their scope; not to HQ, which reads
    de-identified rows on its pages (issue #13), nor to another dealer or nobody."""
    api = actors.api(who)

    for url in reads(customer_a):
        response = api.get(url)
        if who in ("other_dealer", "anonymous", "hq"):
            assert_denied(response)
            assert "李娜" not in response.content.decode()
        else:
            assert_allowed(response)


@pytest.mark.parametrize("who", ["colleague", "other_dealer", "hq", "anonymous"])
def test_who_may_not_change_the_customer(actors, who, customer_a, scoped):
    """Only the owner and the roles that change any customer (manager, service, customer
    relations) write; a colleague consultant, HQ (403), another dealer (404) and nobody do not."""
    api = actors.api(who)
    before = snapshot(scoped)

    for method, url, data in writes(customer_a):
        assert_denied(getattr(api, method)(url, data, format="json"))

    assert snapshot(scoped) == before


@pytest.mark.parametrize("who", ["owner", "manager"])
def test_owner_and_manager_may_change_the_customer(actors, who, customer_a):
    api = actors.api(who)

    for (method, url, data), status in zip(
        writes(customer_a), [200, 201, 201, 200, 201], strict=True
    ):
        assert_allowed(getattr(api, method)(url, data, format="json"), status)


# --- authentication -------------------------------------------------------------------------


def test_anonymous_is_refused(actors, customer_a):
    api = actors.api("anonymous")

    for response in (
        api.get(CUSTOMERS),
        api.get(detail(customer_a.pk)),
        api.post(CUSTOMERS, {"name": "李娜"}),
    ):
        assert_denied(response)  # 401
        assert "李娜" not in response.content.decode()


def test_invalid_token_is_refused(api_client, customer_a):
    api_client.credentials(HTTP_AUTHORIZATION="Token 0123456789abcdef0123456789abcdef01234567")

    response = api_client.get(CUSTOMERS)

    assert response.status_code == 401


def test_session_login_works_too(client, consultant_a, customer_a):
    client.force_login(consultant_a)

    response = client.get(detail(customer_a.pk))

    assert response.status_code == 200
    assert response.json()["mobile"] == "+86" + MOBILE


def test_session_of_one_user_and_token_of_another_is_refused(
    client, consultant_a, consultant_b, customer_a
):
    from autocrm.core.tokens import issue_token

    _record, token = issue_token(consultant_b)
    client.force_login(consultant_a)

    response = client.get(CUSTOMERS, HTTP_AUTHORIZATION=f"Token {token}")

    # The token wins, as in DRF's authentication order: B's scope, none of A's data.
    assert response.status_code == 200
    assert response.json()["results"] == []
    assert "李娜" not in response.content.decode()


# --- another dealer -------------------------------------------------------------------------


def test_other_dealer_gets_404_and_changes_nothing(actors, customer_a, scoped):
    api = actors.api("other_dealer")
    customer_url = detail(customer_a.pk)
    vehicle_url = f"/api/vehicles/{customer_a.vehicle.pk}/"
    before = snapshot(scoped)
    # The answer for an id that does not exist: another dealer's id must not differ from it.
    missing_customer = api.get(detail(customer_a.pk + 100000))
    missing_vehicle = api.get(f"/api/vehicles/{customer_a.vehicle.pk + 100000}/")

    responses = [
        (missing_customer, api.get(customer_url)),
        (missing_customer, api.patch(customer_url, {"name": "改名"}, format="json")),
        (missing_customer, api.get(f"{customer_url}contacts/")),
        (
            missing_customer,
            api.post(f"{customer_url}contacts/", {"contact_type": "private", "name": "x"}),
        ),
        (missing_customer, api.get(f"{customer_url}vehicles/")),
        (missing_customer, api.post(f"{customer_url}vehicles/", {"vin": VIN})),
        (missing_vehicle, api.get(vehicle_url)),
        (missing_vehicle, api.patch(vehicle_url, {"plate_number": "京A12345"}, format="json")),
        (missing_vehicle, api.post(f"{vehicle_url}mileage/", {"mileage_km": 500}, format="json")),
    ]

    for missing, response in responses:
        assert_denied(response, like=missing)  # 404, the same JSON as for a missing id
        assert response.json() == missing.json()
        assert "李娜" not in response.content.decode()
    assert snapshot(scoped) == before


def test_other_dealer_list_and_search_never_show_the_customer(actors, make_customer, customer_a):
    own = make_customer(actors.other_dealer, name="王芳", mobile="13700001111")
    api = actors.api("other_dealer")

    listed = api.get(CUSTOMERS).json()["results"]
    searches = [
        api.get(CUSTOMERS, {"q": q}).json()["results"] for q in (MOBILE, "5678", "李娜", VIN)
    ]

    assert [c["id"] for c in listed] == [own.pk]
    assert searches == [[], [], [], []]


def test_dictionary_entries_of_another_dealer_are_refused(actors, customer_a, dealer_a, dict_entry):
    api = actors.api("other_dealer")

    response = api.post(
        CUSTOMERS,
        {"name": "王芳", "trade_relationship": dict_entry(dealer_a, "trade_relationship").pk},
        format="json",
    )

    assert response.status_code == 400
    assert set(response.json()) == {"trade_relationship"}


# --- HQ -------------------------------------------------------------------------------------


def test_hq_reads_no_record_through_the_api(actors, customer_a, make_customer):
    """HQ works on de-identified data (issue #13): the record API answers 403, with nothing of
    any dealer's customers, masked or not."""
    make_customer(actors.other_dealer, name="王芳", mobile="13700001111")
    api = actors.api("hq")
    for response in (
        api.get(CUSTOMERS),
        api.get(detail(customer_a.pk)),
        api.get(f"{detail(customer_a.pk)}contacts/"),
    ):
        assert response.status_code == 403
        text = response.content.decode()
        assert "李娜" not in text and "王芳" not in text and "138" not in text
        for clear in CLEAR_VALUES:
            assert clear not in text


def test_hq_is_read_only(actors, customer_a, scoped):
    api = actors.api("hq")
    vehicle_url = f"/api/vehicles/{customer_a.vehicle.pk}/"
    before = snapshot(scoped)

    responses = [
        api.post(CUSTOMERS, {"name": "王芳"}),
        api.patch(detail(customer_a.pk), {"name": "改名"}, format="json"),
        api.post(f"{detail(customer_a.pk)}contacts/", {"contact_type": "private", "name": "x"}),
        api.post(f"{detail(customer_a.pk)}vehicles/", {"vin": "LFV2A21KXB3012345"}),
        api.patch(vehicle_url, {"plate_number": "粤B12345"}, format="json"),
        api.post(f"{vehicle_url}mileage/", {"mileage_km": 500}, format="json"),
    ]

    for response in responses:
        assert_denied(response)  # 403
    assert snapshot(scoped) == before


def test_general_manager_reads_masked_and_cannot_write(api_client_for, gm_a, customer_a):
    api = api_client_for(gm_a)

    got = api.get(detail(customer_a.pk))
    created = api.post(CUSTOMERS, {"name": "王芳"})

    assert got.json()["mobile"] == "138****5678"
    assert created.status_code == 403


# --- masking by role ------------------------------------------------------------------------


def test_customer_relations_sees_contact_data_but_not_the_id_number(
    api_client_for, cr_a, customer_a
):
    body = api_client_for(cr_a).get(detail(customer_a.pk)).json()

    assert body["mobile"] == "+86" + MOBILE
    assert body["email"] == EMAIL
    assert body["address"] == ADDRESS
    assert body["id_number"] == "440305********123X"


def test_manager_sees_phone_numbers_only(api_client_for, manager_a, customer_a):
    body = api_client_for(manager_a).get(detail(customer_a.pk)).json()

    assert body["mobile"] == "+86" + MOBILE
    assert body["email"] == "l***@qq.com"
    assert body["id_number"] == "440305********123X"


def test_consultant_sees_own_customers_clear_and_colleagues_masked(
    api_client_for, consultant_a, consultant_a2, customer_a, make_customer
):
    colleagues = make_customer(
        consultant_a2, name="王芳", mobile="13700001111", id_number="440305199001011248"
    )
    api = api_client_for(consultant_a)

    own = api.get(detail(customer_a.pk)).json()
    other = api.get(detail(colleagues.pk)).json()
    listed = {c["id"]: c for c in api.get(CUSTOMERS).json()["results"]}
    other_contacts = api.get(f"{detail(customer_a.pk)}contacts/").json()["results"]

    assert (own["mobile"], own["id_number"], own["email"]) == ("+86" + MOBILE, ID_NUMBER, EMAIL)
    assert other["mobile"] == "137****1111"
    assert other["id_number"] == "440305********1248"
    assert listed[colleagues.pk]["mobile"] == "137****1111"
    assert listed[customer_a.pk]["mobile"] == "+86" + MOBILE
    assert other_contacts[0]["mobile"] == "+8613987654321"


def test_consultant_cannot_change_a_colleagues_customer(actors, customer_a, scoped):
    before = snapshot(scoped)

    response = actors.api("colleague").patch(detail(customer_a.pk), {"name": "改名"}, format="json")

    assert_denied(response)  # 403
    assert snapshot(scoped) == before


def test_masked_field_cannot_be_changed_by_a_role_that_cannot_see_it(
    api_client_for, advisor_a, customer_a, scoped
):
    api = api_client_for(advisor_a)  # service advisors see mobiles, not e-mail or address
    before = snapshot(scoped)

    refused = api.patch(
        detail(customer_a.pk), {"email": "x@example.com", "address": ADDRESS}, format="json"
    )
    accepted = api.patch(detail(customer_a.pk), {"mobile": "13911112222"}, format="json")

    assert refused.status_code == 400
    assert set(refused.json()) == {"email", "address"}
    assert accepted.status_code == 200
    assert accepted.json()["mobile"] == "+8613911112222"
    assert accepted.json()["email"] == "l***@qq.com"
    assert snapshot(scoped) != before


@pytest.mark.parametrize("role", [Role.SERVICE_ADVISOR, Role.CUSTOMER_RELATIONS, Role.MANAGER])
def test_editor_roles_may_add_vehicles_to_any_customer(
    api_client_for, make_staff, dealer_a, customer_a, role
):
    api = api_client_for(make_staff(dealer_a, role))

    response = api.post(f"{detail(customer_a.pk)}vehicles/", {"vin": "LFV2A21KXB3012345"})

    assert response.status_code == 201, response.json()


def test_a_general_manager_sees_neither_the_birth_date_nor_the_sex_of_a_masked_id(
    api_client_for, consultant_a, gm_a, make_customer
):
    """Both are digits of the ID card number (issue #13): the general manager, who sees the
    number masked, sees neither (the year alone left a few hundred guesses to the checksum)."""
    customer = make_customer(consultant_a, name="赵敏", id_number="11010519491231002X")
    hq = api_client_for(gm_a).get(f"/api/customers/{customer.pk}/").json()
    own = api_client_for(consultant_a).get(f"/api/customers/{customer.pk}/").json()
    assert (hq["birth_date"], hq["gender"]) == ("****-**-**", "*")
    assert (own["birth_date"], own["gender"]) == ("1949-12-31", "F")
