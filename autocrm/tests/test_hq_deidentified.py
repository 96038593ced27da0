"""HQ sees de-identified data everywhere (issue #13, item 5): `/duplicates/hq/` showed 吕** with
the customer's id, yet `/customers/<id>/` opened as HQ showed the full name; names, VINs and
plates were in clear on pages and in the API. This walks every page HQ can reach from its home
page and looks for any personal value of two dealers' customers, then tries the record pages
and the API directly."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django_scopes import scope

from autocrm.customers.services import vehicle_add
from autocrm.tenancy.pseudonyms import pseudonym

pytestmark = pytest.mark.django_db

PEOPLE = [
    # (name, mobile, ID number, VIN, plate)
    ("吕建华", "13812345678", "440305198501011231", "LSVAM4187C2184847", "粤B12345"),
    ("深圳市顺达物流有限公司", "13822223333", "", "LFV2A21K9F3000001", "粤B66666"),
]


@pytest.fixture
def records(make_customer: Any, consultant_a: Any, consultant_b: Any) -> list[Any]:
    made = []
    for staff, (name, mobile, id_number, vin, plate) in zip(
        (consultant_a, consultant_b), PEOPLE, strict=True
    ):
        data: dict[str, Any] = {"name": name, "mobile": mobile}
        if id_number:
            data.update(id_number=id_number, id_type="resident_id")
        customer = make_customer(staff, **data)
        with scope(dealer=staff.dealer_id):
            vehicle = vehicle_add(
                actor=staff, customer=customer, data={"vin": vin, "plate_number": plate}
            )
        made.append((customer, vehicle))
    return made


def _secrets(records: list[Any]) -> list[str]:
    values = []
    for (name, mobile, id_number, vin, plate), (customer, vehicle) in zip(
        PEOPLE, records, strict=True
    ):
        values += [name, name[1:], mobile, mobile[3:7], vin, vin[-6:], plate, plate[2:]]
        values += [id_number, id_number[6:14]] if id_number else []
        values += [f"/customers/{customer.pk}/", f"/customers/vehicles/{vehicle.pk}/"]
    return [v for v in values if v]


def _walk(client: Client) -> dict[str, str]:
    """Every page reachable from the home page by its links (a few of each kind)."""
    pages: dict[str, str] = {}
    queue, kinds = ["/"], {}
    while queue and len(pages) < 200:
        url = queue.pop(0)
        kind = re.sub(r"\d+", "N", url.split("?")[0])
        if url in pages or kinds.get(kind, 0) >= 3:
            continue
        kinds[kind] = kinds.get(kind, 0) + 1
        response = client.get(url)
        pages[url] = (
            response.content.decode(errors="replace") if response.status_code == 200 else ""
        )
        for href in re.findall(r'href="(/[^"#]*)"', pages[url]):
            if not href.startswith(("/static/", "/accounts/logout")):
                queue.append(href.replace("&amp;", "&"))
    return pages


def test_every_page_hq_reaches_is_de_identified(hq_analyst: Any, records: list[Any]) -> None:
    client = Client()
    client.force_login(hq_analyst)
    pages = _walk(client)
    assert {"/", "/customers/", "/quality/", "/duplicates/hq/"} <= set(pages)
    leaks = {url: [s for s in _secrets(records) if s in html] for url, html in pages.items()}
    assert {url: found for url, found in leaks.items() if found} == {}


def test_hq_lists_pseudonyms_masked_values_and_dealer_names(
    hq_analyst: Any, records: list[Any], dealer_a: Any, dealer_b: Any
) -> None:
    client = Client()
    client.force_login(hq_analyst)
    html = client.get(reverse("customers:list")).content.decode()
    (first, _vehicle), (second, _other) = records
    assert pseudonym("customer", first.pk) in html and pseudonym("customer", second.pk) in html
    assert "吕**" in html and "138****5678" in html and "粤B*****" in html
    assert dealer_a.name in html and dealer_b.name in html
    assert 'data-testid="dealer-filter"' in html
    assert "我的客户" not in html and "My customers" not in html
    only_b = client.get(reverse("customers:list"), {"dealer": dealer_b.pk}).content.decode()
    assert pseudonym("customer", second.pk) in only_b
    assert pseudonym("customer", first.pk) not in only_b


def test_a_pseudonym_is_stable_and_not_the_id(records: list[Any]) -> None:
    (customer, _vehicle), _ = records
    assert pseudonym("customer", customer.pk) == pseudonym("customer", customer.pk)
    assert pseudonym("customer", customer.pk) != pseudonym("customer", customer.pk + 1)
    assert pseudonym("customer", customer.pk) != pseudonym("vehicle", customer.pk)


def test_hq_search_tests_no_guess(hq_analyst: Any, records: list[Any]) -> None:
    """A search on a name, mobile, plate or VIN HQ sees masked finds nothing, right or wrong."""
    client = Client()
    client.force_login(hq_analyst)
    for q in ("吕建华", "吕建国", "13812345678", "粤B12345", "LSVAM4187C2184847", "ljh"):
        html = client.get(reverse("customers:list"), {"q": q}).content.decode()
        assert 'data-testid="hq-row"' not in html, q


def test_hq_opens_no_record_page_nor_the_record_api(
    hq_analyst: Any, records: list[Any], api_client_for: Any
) -> None:
    client = Client()
    client.force_login(hq_analyst)
    api = api_client_for(hq_analyst)
    (customer, vehicle), _ = records
    assert client.get(reverse("customers:detail", args=[customer.pk])).status_code == 403
    assert client.get(f"/customers/vehicles/{vehicle.pk}/").status_code == 403
    for url in (
        "/api/customers/",
        f"/api/customers/{customer.pk}/",
        f"/api/customers/{customer.pk}/vehicles/",
        f"/api/customers/{customer.pk}/contacts/",
        f"/api/vehicles/{vehicle.pk}/",
    ):
        response = api.get(url)
        assert response.status_code == 403, url
        assert "吕" not in response.content.decode()


def test_dealership_staff_keep_their_record_pages(consultant_a: Any, records: list[Any]) -> None:
    client = Client()
    client.force_login(consultant_a)
    (customer, _vehicle), _ = records
    page = client.get(reverse("customers:detail", args=[customer.pk]))
    assert page.status_code == 200 and "吕建华" in page.content.decode()
