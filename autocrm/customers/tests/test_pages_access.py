"""Customer pages through the full middleware stack: who may open which page (the five actors
of autocrm.testing.access), dealer isolation (404, never data), HQ read-only and de-identified,
masking per the role table, and the forms' round trip."""

from __future__ import annotations

import dataclasses
import re

import pytest
from django.test import Client
from django_scopes import scopes_disabled

from autocrm.customers.models import Contact, Customer, Interaction, MileageReading, Vehicle
from autocrm.testing.access import ACTORS, assert_allowed, assert_denied

pytestmark = pytest.mark.django_db

MOBILE = "13812345678"
SHOWN_CLEAR = "138 1234 5678"
SHOWN_MASKED = "138****5678"
ID_NUMBER = "44030519900101123X"
ADDRESS = "广东省深圳市南山区科苑路15号"
EMAIL = "li.na@qq.com"
VIN = "LSVAM4187C2184847"
#: Every way the clear personal data could appear in a page.
CLEAR_STRINGS = [MOBILE, SHOWN_CLEAR, "+86" + MOBILE, ID_NUMBER, "科苑路", "15号", EMAIL, "li.na@"]


@pytest.fixture
def customer_a(make_customer, consultant_a):
    """李娜 of dealer A, consultant_a responsible, with every personal field filled."""
    return make_customer(
        consultant_a,
        name="李娜",
        mobile=MOBILE,
        id_number=ID_NUMBER,
        address=ADDRESS,
        email=EMAIL,
        landline="0755-88881234",
    )


@pytest.fixture
def colleagues_customer(make_customer, consultant_a2):
    return make_customer(consultant_a2, name="周杰", mobile="13912345678")


def client_for(staff, language: str = "en") -> Client:
    client = Client(headers={"accept-language": language})
    client.force_login(staff)
    return client


def page(client: Client, url: str, params: dict | None = None) -> str:
    response = client.get(url, params)
    assert response.status_code == 200, url
    return response.content.decode()


def by_testid(html: str, name: str) -> str:
    """The text inside the element marked data-testid=name (tags stripped, spaces collapsed)."""
    match = re.search(rf'<(\w+)[^>]*data-testid="{name}"[^>]*>(.*?)</\1>', html, re.S)
    assert match, name
    return " ".join(re.sub(r"<[^>]+>", " ", match.group(2)).split())


def field_errors(html: str) -> list[str]:
    return re.findall(r'data-field-error="([\w-]+)"', html)


def input_tag(html: str, name: str) -> str:
    match = re.search(rf'<input[^>]*name="{name}"[^>]*>', html)
    assert match, name
    return match.group(0)


def snapshot() -> tuple:
    with scopes_disabled():
        return (
            list(Customer.objects.order_by("pk").values()),
            Customer.history.count(),
            Contact.objects.count(),
            list(Vehicle.objects.order_by("pk").values()),
            MileageReading.objects.count(),
            Interaction.objects.count(),
        )


# --- who may open which page: the five actors -----------------------------------------------------


def child_urls(customer_id: int) -> list[str]:
    base = f"/customers/{customer_id}"
    return [
        f"{base}/",
        f"{base}/edit/",
        f"{base}/vehicles/new/",
        f"{base}/contacts/new/",
        f"{base}/interactions/new/",
    ]


POSTS = {
    "edit/": {"kind": "person", "name": "黑客", "mobile": "13900000001"},
    "vehicles/new/": {"vin": VIN, "plate_number": "京A12345", "mileage_km": "10"},
    "contacts/new/": {"contact_type": "private", "name": "黑客"},
    "interactions/new/": {"kind": "note", "summary": "probe"},
}
MILEAGE_POST = {"mileage_km": "50", "read_on": "2024-01-01", "source": "customer"}


@pytest.fixture
def actors(actors):
    """The five actors, reading the pages in English (the texts this module checks)."""
    return dataclasses.replace(actors, language="en")


@pytest.fixture
def vehicle_a(consultant_a, customer_a, scoped):
    from autocrm.customers.services import vehicle_add

    with scoped(consultant_a):
        return vehicle_add(actor=consultant_a, customer=customer_a, data={"vin": VIN})


#: The pages of customer_a each actor may open; every other page refuses them (assert_denied).
#: A colleague's customer: the profile (masked), no edits; HQ: none (de-identified rows only).
OPENS = {
    "owner": {"", "edit/", "vehicles/new/", "contacts/new/", "interactions/new/", "mileage/"},
    "colleague": {""},
    "manager": {"", "edit/", "vehicles/new/", "contacts/new/", "interactions/new/", "mileage/"},
    "other_dealer": set(),
    "hq": set(),
    "anonymous": set(),
}


@pytest.mark.parametrize("who", ACTORS)
def test_who_may_open_which_customer_page(actors, who, customer_a, vehicle_a):
    client = actors.client(who)
    base = f"/customers/{customer_a.pk}/"

    for suffix in ["", *POSTS, "mileage/"]:
        url = base + (f"vehicles/{vehicle_a.pk}/mileage/" if suffix == "mileage/" else suffix)
        response = client.get(url)
        if suffix in OPENS[who]:
            assert_allowed(response)
        else:
            assert_denied(response)
            assert "李娜" not in response.content.decode(), url  # a refusal shows no data


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("owner", 200),
        ("colleague", 200),
        ("manager", 200),
        ("other_dealer", 200),  # a new customer of their own dealer
        ("hq", None),
        ("anonymous", None),
    ],
)
def test_who_may_open_the_new_customer_form(actors, who, status):
    response = actors.client(who).get("/customers/new/")

    if status:
        assert_allowed(response, status)
    else:
        assert_denied(response)


@pytest.mark.parametrize("who", ["colleague", "hq", "anonymous"])  # other_dealer: below
def test_refused_posts_change_nothing(actors, who, customer_a, vehicle_a):
    client = actors.client(who)
    before = snapshot()

    for suffix, data in POSTS.items():
        assert_denied(client.post(f"/customers/{customer_a.pk}/{suffix}", data))
    url = f"/customers/{customer_a.pk}/vehicles/{vehicle_a.pk}/mileage/"
    assert_denied(client.post(url, MILEAGE_POST))

    assert snapshot() == before


# --- another dealer: 404 ------------------------------------------------------------------------


def test_other_dealer_gets_404_on_every_page(actors, customer_a):
    client = actors.client("other_dealer")

    for url in child_urls(customer_a.pk):
        response = client.get(url)
        assert_denied(response)
        assert "李娜" not in response.content.decode()


def test_other_dealer_gets_the_same_404_as_a_missing_id(actors, customer_a):
    client = actors.client("other_dealer")
    missing = customer_a.pk + 100_000

    for url, missing_url in zip(child_urls(customer_a.pk), child_urls(missing), strict=True):
        # same status, content type and body (the path and the CSRF token aside)
        assert_denied(client.get(url), like=client.get(missing_url))


def test_other_dealer_posts_get_404_and_change_nothing(actors, customer_a):
    client = actors.client("other_dealer")
    before = snapshot()

    for suffix, data in POSTS.items():
        response = client.post(f"/customers/{customer_a.pk}/{suffix}", data)
        assert_denied(response)

    assert snapshot() == before


def test_other_dealer_mileage_page_is_404(actors, customer_a, vehicle_a):
    url = f"/customers/{customer_a.pk}/vehicles/{vehicle_a.pk}/mileage/"
    before = snapshot()

    client = actors.client("other_dealer")
    assert_denied(client.get(url))
    assert_denied(client.post(url, MILEAGE_POST))
    assert snapshot() == before


@pytest.mark.parametrize("q", ["", MOBILE, "+86 138 1234 5678", "5678", "李娜", "ln", "138"])
def test_other_dealers_customer_never_in_list_or_search(actors, customer_a, q):
    html = page(actors.client("other_dealer"), "/customers/", {"q": q})

    assert by_testid(html, "customer-table").endswith("No customer matches.")
    assert "李娜" not in by_testid(html, "customer-table")
    assert f"/customers/{customer_a.pk}/" not in html


def test_own_dealer_finds_the_customer_by_mobile(actors, customer_a):
    html = page(actors.client("owner"), "/customers/", {"q": MOBILE})

    assert f'href="/customers/{customer_a.pk}/"' in html
    assert SHOWN_CLEAR in html


# --- anonymous ------------------------------------------------------------------------------------


def test_anonymous_is_sent_to_the_login_page(actors, customer_a):
    client = actors.client("anonymous")

    for url in ["/customers/", "/customers/new/", *child_urls(customer_a.pk)]:
        response = client.get(url)
        assert_denied(response)  # 302 to /accounts/login/?next=<url>
        assert response["Location"] == f"/accounts/login/?next={url}"


def test_anonymous_post_changes_nothing(actors, customer_a):
    before = snapshot()

    response = actors.client("anonymous").post(
        "/customers/new/", {"kind": "person", "name": "王芳"}
    )

    assert_denied(response)
    assert snapshot() == before


# --- HQ: every dealer, de-identified, read-only --------------------------------------------------


def test_hq_opens_no_dealers_profile(hq_analyst, customer_a, make_customer, consultant_b):
    """HQ reads de-identified data (issue #13): a profile, masked or not, shows a person."""
    customer_b = make_customer(consultant_b, name="王芳", mobile="13700001111")
    client = client_for(hq_analyst)
    for customer in (customer_a, customer_b):
        response = client.get(f"/customers/{customer.pk}/")
        assert response.status_code == 403
        assert customer.name not in response.content.decode()


def test_hq_list_shows_every_dealer_masked(hq_analyst, customer_a, make_customer, consultant_b):
    make_customer(consultant_b, name="王芳", mobile="13700001111")

    html = page(client_for(hq_analyst), "/customers/")

    assert "李*" in html and "王*" in html and "李娜" not in html and "王芳" not in html
    assert "138****5678" in html and "137****1111" in html
    for clear in (MOBILE, SHOWN_CLEAR, "13700001111", "137 0000 1111"):
        assert clear not in html


def test_hq_may_not_create_or_edit(actors, customer_a):
    client = actors.client("hq")
    before = snapshot()

    assert_denied(client.get("/customers/new/"))  # 403: HQ reads every dealer, writes none
    assert_denied(client.post("/customers/new/", {"kind": "person", "name": "王芳"}))
    assert_denied(client.get(f"/customers/{customer_a.pk}/edit/"))
    assert_denied(
        client.post(f"/customers/{customer_a.pk}/edit/", {"kind": "person", "name": "黑客"})
    )
    assert_denied(client.post(f"/customers/{customer_a.pk}/" + "interactions/new/", {}))
    assert snapshot() == before


# --- the role table on the profile page ----------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "mobile", "address"),
    [
        ("consultant_a", SHOWN_CLEAR, ADDRESS),  # own customer: everything clear
        ("cr_a", SHOWN_CLEAR, ADDRESS),  # customer relations: mobile and address
        ("advisor_a", SHOWN_CLEAR, "广东省深圳市南山区****"),
        ("manager_a", SHOWN_CLEAR, "广东省深圳市南山区****"),
        ("gm_a", SHOWN_MASKED, "广东省深圳市南山区****"),
        ("consultant_a2", SHOWN_MASKED, "广东省深圳市南山区****"),  # a colleague's customer
    ],
)
def test_profile_masks_per_role(request, customer_a, who, mobile, address):
    html = page(client_for(request.getfixturevalue(who)), f"/customers/{customer_a.pk}/")

    assert by_testid(html, "mobile") == mobile
    assert by_testid(html, "address") == address
    if mobile == SHOWN_MASKED:
        assert MOBILE not in html and SHOWN_CLEAR not in html
    if address != ADDRESS:
        assert "科苑路" not in html


@pytest.mark.parametrize(
    ("who", "id_shown", "email_shown"),
    [
        ("consultant_a", ID_NUMBER, EMAIL),
        ("cr_a", "440305********123X", EMAIL),
        ("advisor_a", "440305********123X", "l***@qq.com"),
        ("gm_a", "440305********123X", "l***@qq.com"),
    ],
)
def test_profile_id_and_email_per_role(request, customer_a, who, id_shown, email_shown):
    html = page(client_for(request.getfixturevalue(who)), f"/customers/{customer_a.pk}/")

    assert id_shown in html
    assert email_shown in html
    if id_shown != ID_NUMBER:
        assert ID_NUMBER not in html
    if email_shown != EMAIL:
        assert EMAIL not in html


def test_consultant_sees_own_mobile_clear_and_a_colleagues_masked(
    consultant_a, customer_a, colleagues_customer
):
    client = client_for(consultant_a)

    own = page(client, f"/customers/{customer_a.pk}/")
    colleague = page(client, f"/customers/{colleagues_customer.pk}/")
    listing = page(client, "/customers/")

    assert by_testid(own, "mobile") == SHOWN_CLEAR
    assert by_testid(colleague, "mobile") == "139****5678"
    assert "13912345678" not in colleague and "139 1234 5678" not in colleague
    assert SHOWN_CLEAR in listing
    assert "139****5678" in listing and "139 1234 5678" not in listing


def test_consultant_may_not_open_a_colleagues_edit_page(actors, customer_a):
    client = actors.client("colleague")
    before = snapshot()

    assert_denied(client.get(f"/customers/{customer_a.pk}/edit/"))  # 403
    assert_denied(
        client.post(f"/customers/{customer_a.pk}/edit/", {"kind": "person", "name": "黑客"})
    )
    assert_denied(client.get(f"/customers/{customer_a.pk}/vehicles/new/"))
    assert snapshot() == before


# --- forms ---------------------------------------------------------------------------------------


def test_service_advisor_edit_page_disables_masked_fields(advisor_a, customer_a):
    html = page(client_for(advisor_a), f"/customers/{customer_a.pk}/edit/")

    for name in ("address", "email", "id_number"):
        assert " disabled" in input_tag(html, name), name
    for name in ("mobile", "landline", "name"):
        assert " disabled" not in input_tag(html, name), name


def test_service_advisor_edit_page_does_not_leak_masked_values(advisor_a, customer_a):
    html = page(client_for(advisor_a), f"/customers/{customer_a.pk}/edit/")

    for clear in ("科苑路", ID_NUMBER, EMAIL):
        assert clear not in html, clear


def test_service_advisor_post_cannot_change_the_address(advisor_a, customer_a):
    client = client_for(advisor_a)

    response = client.post(
        f"/customers/{customer_a.pk}/edit/",
        {
            "kind": "person",
            "name": "李娜",
            "mobile": "13987654321",
            "landline": "0755-88881234",
            "address": "广东省深圳市福田区深南大道1001号",
            "email": "evil@example.com",
            "gender": "M",
            "birth_date": "1990-01-01",
            "id_type": "resident_id",
            "responsible_staff": customer_a.responsible_staff_id,
        },
    )

    assert response.status_code == 302
    with scopes_disabled():
        row = Customer.objects.get(pk=customer_a.pk)
    assert row.mobile == "+8613987654321"
    assert (row.address, row.email, row.id_number) == (ADDRESS, EMAIL, ID_NUMBER)


def test_bad_mobile_rerenders_with_the_error_at_the_field(consultant_a):
    before = snapshot()

    response = client_for(consultant_a).post(
        "/customers/new/",
        {"kind": "person", "name": "王芳", "mobile": "12345", "address": ADDRESS},
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert field_errors(html) == ["mobile"]
    assert "Nothing was saved" in html
    assert 'aria-invalid="true"' in input_tag(html, "mobile")
    assert 'value="12345"' in input_tag(html, "mobile")  # what was typed is kept
    assert snapshot() == before


def test_several_bad_fields_are_all_marked(consultant_a):
    before = snapshot()

    response = client_for(consultant_a).post(
        "/customers/new/",
        {
            "kind": "person",
            "name": "王芳",
            "mobile": "12345",
            "email": "nope",
            "address": "广东省深圳市南山区",
            "id_number": ID_NUMBER,
            "gender": "F",
        },
    )

    assert response.status_code == 200
    assert sorted(field_errors(response.content.decode())) == [
        "address",
        "email",
        "gender",
        "mobile",
    ]
    assert snapshot() == before


def test_valid_form_redirects_to_the_new_profile(consultant_a, dealer_a):
    response = client_for(consultant_a).post(
        "/customers/new/",
        {"kind": "person", "name": "王芳", "mobile": "139 8765 4321", "address": ADDRESS},
    )

    with scopes_disabled():
        created = Customer.objects.get(name="王芳")
    assert response.status_code == 302
    assert response["Location"] == f"/customers/{created.pk}/"
    assert (created.dealer_id, created.responsible_staff_id) == (dealer_a.pk, consultant_a.pk)
    assert (created.mobile, created.mobile_raw) == ("+8613987654321", "139 8765 4321")


def test_profile_shows_quality_badges_and_timeline_with_an_edit(consultant_a, gm_a, make_customer):
    customer = make_customer(consultant_a, name="王芳", mobile=MOBILE, address=ADDRESS)
    client = client_for(consultant_a)

    html = page(client, f"/customers/{customer.pk}/")
    assert by_testid(html, "quality-badges").split()[:4] == ["Accuracy", "80", "Completeness", "0"]
    assert "Profile created" in by_testid(html, "timeline")

    response = client.post(
        f"/customers/{customer.pk}/edit/",
        {
            "kind": "person",
            "name": "王芳",
            "mobile": "13987654321",
            "address": ADDRESS,
            "activity_level": "high",
            "responsible_staff": consultant_a.pk,
        },
    )
    assert response.status_code == 302
    assert response["Location"] == f"/customers/{customer.pk}/"

    html = page(client, f"/customers/{customer.pk}/")
    timeline = by_testid(html, "timeline")
    assert by_testid(html, "quality-badges").split()[:4] == [
        "Accuracy",
        "80",
        "Completeness",
        "20",
    ]
    assert "Profile changed" in timeline
    assert "mobile +8613812345678 → +8613987654321" in timeline
    assert "activity level — → Active" in timeline
    assert "address:" not in timeline  # unchanged fields are not listed

    gm_timeline = by_testid(page(client_for(gm_a), f"/customers/{customer.pk}/"), "timeline")
    assert "mobile 138****5678 → 139****4321" in gm_timeline
    assert "13812345678" not in gm_timeline and "13987654321" not in gm_timeline


def test_vehicle_and_interaction_pages_round_trip(consultant_a, customer_a):
    client = client_for(consultant_a)

    vehicle = client.post(
        f"/customers/{customer_a.pk}/vehicles/new/",
        {"vin": VIN, "plate_number": "粤B12345", "mileage_km": "12000"},
    )
    duplicate = client.post(f"/customers/{customer_a.pk}/vehicles/new/", {"vin": VIN.lower()})
    call = client.post(
        f"/customers/{customer_a.pk}/interactions/new/",
        {"kind": "follow_up", "channel": "phone", "summary": "回访", "outcome": "满意"},
    )

    assert vehicle.status_code == 302
    assert duplicate.status_code == 400  # refused at its field
    assert field_errors(duplicate.content.decode()) == ["vin"]
    assert call.status_code == 302
    timeline = by_testid(page(client, f"/customers/{customer_a.pk}/"), "timeline")
    assert "Vehicle added · 粤B12345" in timeline
    assert "Mileage reading · 粤B12345" in timeline
    assert "回访 · Result: 满意 · Telephone" in timeline
