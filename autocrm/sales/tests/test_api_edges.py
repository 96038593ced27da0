"""Odd input to the sales API is refused with 400 at its field, never a server error: the
values the services parse themselves (choices, amounts, counts) as well as the typed ones."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(api_client_for: Any, consultant_a: Any) -> Any:
    return api_client_for(consultant_a)


@pytest.fixture
def valid(series: Any, make_customer: Any, consultant_a: Any) -> dict[str, Any]:
    customer = make_customer(consultant_a, name="陈立", mobile="13712345678")
    return {
        "customer": customer.pk,
        "series": series.pk,
        "expected_amount": "150000",
        "expected_close_on": (timezone.localdate() + timedelta(days=20)).isoformat(),
        "plan_kind": "call",
        "plan_due_at": (timezone.now() + timedelta(days=1)).isoformat(),
    }


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("expected_amount", "1e999999"),
        ("expected_amount", "NaN"),
        ("expected_amount", "-5"),
        ("expected_amount", "Infinity"),
        ("quantity", "²"),
        ("quantity", 10**30),
        ("quantity", 1.5),
        ("stage", "😀"),
        ("temperature", "h"),
        ("age_band", "0-200"),
        ("hobbies", [1, 2, 3, 4]),
        ("hobbies", [2**63 - 1]),
        ("series", 2**63 - 1),
        ("series", 2**63),
        ("trim", 2**40),
        ("expected_close_on", "2026-02-30"),
        ("expected_close_on", "0001-01-01"),
        ("plan_due_at", "0001-01-01T00:00:00+14:00"),
        ("plan_due_at", "9999-12-31T23:59:59-12:00"),
        ("registered_on", "2999-01-01"),
        ("consultant", 2**62),
        ("lead", 2**62),
        ("walk_in", "maybe"),
        ("plan_note", "\x00"),
    ],
)
def test_odd_opportunity_input_is_refused_at_its_field(
    api: Any, valid: dict[str, Any], field: str, value: Any
) -> None:
    response = api.post("/api/opportunities/", {**valid, field: value}, format="json")

    assert response.status_code == 400, response.content
    assert set(response.json()) == {field}


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("received_at", "0001-01-01T00:00:00+14:00"),
        ("received_at", "1900-01-01T00:00:00Z"),
        ("raw", {"deep": [[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]}),
        ("series", 10**20),
        ("mobile", "１３８"),
        ("name", "王" * 101),
        ("source", ["phone"]),
    ],
)
def test_odd_lead_input_is_refused_at_its_field(
    api_client_for: Any, cr_a: Any, field: str, value: Any
) -> None:
    data = {"source": "phone", "name": "王建国", "mobile": "13912345678", field: value}

    response = api_client_for(cr_a).post("/api/leads/", data, format="json")

    assert response.status_code == 400, response.content
    assert set(response.json()) == {field}


@pytest.mark.parametrize(
    "raw", ['{"text": "\\ud800"}', '{"n": 1e400}', '{"\\u0000": 1}', '{"a": ["\\u0000"]}']
)
def test_raw_json_that_cannot_be_stored_is_refused(api_client_for: Any, cr_a: Any, raw: str):
    body = '{"source": "phone", "name": "王建国", "mobile": "13912345678", "raw": ' + raw + "}"

    response = api_client_for(cr_a).generic(
        "POST", "/api/leads/", body.encode(), content_type="application/json"
    )

    assert response.status_code == 400, response.content
    assert set(response.json()) == {"raw"}


def test_a_long_external_id_is_cut_and_still_idempotent(api_client_for: Any, cr_a: Any) -> None:
    api = api_client_for(cr_a)
    data = {"source": "yiche", "external_id": "x" * 200, "name": "王建国", "mobile": "13912345678"}

    first, again = api.post("/api/leads/", data, format="json"), api.post("/api/leads/", data)

    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["external_id"] == "x" * 64
    assert again.json()["id"] == first.json()["id"]


@pytest.mark.parametrize(
    "query",
    [{"status": "nope"}, {"consultant": "abc"}, {"consultant": 2**64}, {"cursor": "zzz"}],
)
def test_odd_list_filters_are_refused(api: Any, query: dict[str, Any]) -> None:
    for url in ("/api/leads/", "/api/opportunities/"):
        response = api.get(url, query)
        assert response.status_code in (400, 404), (url, response.content)


def test_odd_traffic_input_is_refused(api: Any) -> None:
    today = timezone.localdate().isoformat()
    for data, field in (
        ({"day": "2026-02-30", "counts": []}, "day"),
        ({"day": today, "counts": {"12": 3}}, "counts"),
        ({"day": today, "counts": [{"series": "x", "count": 1}]}, "counts"),
        ({"day": today, "counts": [{"series": None, "count": -1}]}, "counts"),
    ):
        response = api.put("/api/traffic/", data, format="json")
        assert response.status_code == 400, response.content
        assert set(response.json()) == {field}
    assert api.get("/api/traffic/", {"day": "2026-13-01"}).status_code == 400
