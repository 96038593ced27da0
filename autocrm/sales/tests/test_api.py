"""Sales API: leads pushed (idempotent, matched to people by the identity rules), opportunities
opened, moved and planned through the services, the lost-sale audit, the showroom traffic;
refused input answers 400 with exactly the refused fields as keys, and saves nothing."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from django_scopes import scope

from autocrm.customers.models import Customer
from autocrm.sales.models import FollowUpPlan, Lead, LostRequest, Opportunity, WalkInCount
from autocrm.sales.tests.conftest import entry

pytestmark = pytest.mark.django_db

LEADS = "/api/leads/"
OPPORTUNITIES = "/api/opportunities/"
TRAFFIC = "/api/traffic/"
MOBILE = "13912345678"
PUSH = {"source": "autohome", "external_id": "AH-1001", "name": "王建国", "mobile": MOBILE}


def opportunity_url(opportunity_id: int, action: str = "") -> str:
    return f"{OPPORTUNITIES}{opportunity_id}/{action + '/' if action else ''}"


def later(days: int = 1) -> str:
    return (timezone.now() + timedelta(days=days)).isoformat()


def plan(days: int = 1) -> dict[str, Any]:
    return {"plan_kind": "call", "plan_due_at": later(days)}


def counts(scoped: Any) -> tuple[int, ...]:
    with scoped():
        return tuple(
            m.objects.count()
            for m in (Lead, Customer, Opportunity, FollowUpPlan, LostRequest, WalkInCount)
        )


@pytest.fixture
def api(api_client_for: Any, consultant_a: Any) -> Any:
    return api_client_for(consultant_a)


@pytest.fixture
def director(api_client_for: Any, manager_a: Any) -> Any:
    return api_client_for(manager_a)


@pytest.fixture
def customer(make_customer: Any, consultant_a: Any) -> Any:
    return make_customer(consultant_a, name="陈立", mobile="13712345678")


@pytest.fixture
def opportunity_data(series: Any, customer: Any) -> dict[str, Any]:
    return {
        "customer": customer.pk,
        "series": series.pk,
        "expected_amount": "150000",
        "expected_close_on": (timezone.localdate() + timedelta(days=20)).isoformat(),
        **plan(),
    }


@pytest.fixture
def opportunity(api: Any, opportunity_data: dict[str, Any]) -> dict[str, Any]:
    response = api.post(OPPORTUNITIES, opportunity_data, format="json")
    assert response.status_code == 201, response.json()
    return response.json()


# --- leads ------------------------------------------------------------------------------------


def test_a_replayed_push_answers_the_same_lead_and_changes_nothing(
    api_client_for: Any, cr_a: Any, consultant_a: Any, scoped: Any
) -> None:
    api = api_client_for(cr_a)

    first = api.post(LEADS, PUSH, format="json")
    before = counts(scoped)
    again = api.post(LEADS, PUSH, format="json")
    renamed = api.post(LEADS, {**PUSH, "name": "别的名字", "note": "又推了一次"}, format="json")

    assert first.status_code == 201, first.json()
    assert again.status_code == 200 and renamed.status_code == 200
    assert again.json() == first.json() == renamed.json()
    assert counts(scoped) == before
    body = first.json()
    assert body["source"] == "autohome" and body["external_id"] == "AH-1001"
    assert body["status"] == "new" and body["match"] == "new"
    assert body["name"] == "王建国" and body["mobile"] == "+86" + MOBILE
    assert body["consultant"] == consultant_a.pk  # the only consultant on duty
    assert body["due_at"] and body["missed_at"]  # a platform lead runs the clock
    assert body["repeat_of"] is None
    with scoped(cr_a):
        lead = Lead.objects.get()
        assert (lead.pk, lead.customer_id) == (body["id"], body["customer"])


def test_the_same_external_id_from_another_source_is_another_lead(
    api_client_for: Any, cr_a: Any
) -> None:
    api = api_client_for(cr_a)
    first = api.post(LEADS, PUSH, format="json").json()

    other = api.post(LEADS, {**PUSH, "source": "yiche", "mobile": "13812345679"}, format="json")

    assert other.status_code == 201
    assert other.json()["id"] != first["id"]


def test_a_known_person_is_matched_to_the_profile(
    api_client_for: Any, cr_a: Any, consultant_a: Any, make_customer: Any
) -> None:
    known = make_customer(consultant_a, name="王建国", mobile=MOBILE)

    body = api_client_for(cr_a).post(LEADS, {**PUSH, "name": "王先生"}, format="json").json()

    assert body["match"] == "known"
    assert body["customer"] == known.pk
    assert body["consultant"] == consultant_a.pk


def test_a_shared_number_under_another_name_is_a_household_member(
    api_client_for: Any, cr_a: Any, consultant_a: Any, make_customer: Any, scoped: Any
) -> None:
    wife = make_customer(consultant_a, name="李秀英", mobile=MOBILE)

    response = api_client_for(cr_a).post(LEADS, PUSH, format="json")

    assert response.status_code == 201
    body = response.json()
    assert body["match"] == "household"
    assert body["customer"] != wife.pk
    with scoped(cr_a):
        assert Customer.objects.count() == 2


def test_a_repeat_within_the_window_points_at_the_first_lead(
    api_client_for: Any, cr_a: Any
) -> None:
    api = api_client_for(cr_a)
    first = api.post(LEADS, PUSH, format="json").json()

    second = api.post(
        LEADS, {**PUSH, "source": "dongchedi", "external_id": "DC-7"}, format="json"
    ).json()

    assert second["status"] == "repeat" and second["repeat_of"] == first["id"]
    assert second["due_at"] is None


@pytest.mark.parametrize(
    ("payload", "fields"),
    [
        ({"source": "fax", "mobile": "12345"}, {"source", "mobile"}),
        ({"name": "", "mobile": ""}, {"name", "mobile"}),
        ({"mobile": "23812345678"}, {"mobile"}),
        ({"received_at": "2099-01-01T10:00:00+08:00"}, {"received_at"}),
        ({"received_at": "yesterday"}, {"received_at"}),  # a type error, found by the serializer
        ({"series": 2_000_000_000}, {"series"}),
        ({"series": "朗逸"}, {"series"}),
        ({"raw": ["not", "an", "object"]}, {"raw"}),
        ({"raw": {"phone": "139\x0012345678"}}, {"raw"}),
    ],
)
def test_refused_leads_name_exactly_the_refused_fields(
    api_client_for: Any, cr_a: Any, scoped: Any, payload: dict[str, Any], fields: set[str]
) -> None:
    before = counts(scoped)

    response = api_client_for(cr_a).post(LEADS, {**PUSH, **payload}, format="json")

    assert response.status_code == 400
    assert set(response.json()) == fields
    assert all(isinstance(m, str) and m for key in fields for m in response.json()[key])
    assert counts(scoped) == before


def test_an_information_source_of_another_dealer_is_refused(
    api_client_for: Any, cr_a: Any, dealer_b: Any
) -> None:
    theirs = entry(dealer_b, "info_source", "internet")

    response = api_client_for(cr_a).post(LEADS, {**PUSH, "info_source": theirs.pk}, format="json")

    assert response.status_code == 400
    assert set(response.json()) == {"info_source"}


def test_the_lead_list_filters_and_pages(api_client_for: Any, cr_a: Any, manager_a: Any) -> None:
    api = api_client_for(cr_a)
    phoned = api.post(LEADS, {**PUSH, "source": "phone", "external_id": ""}, format="json").json()
    platform = api.post(
        LEADS, {**PUSH, "name": "李娜", "mobile": "13812345670"}, format="json"
    ).json()
    director = api_client_for(manager_a)

    everything = director.get(LEADS).json()
    by_source = director.get(LEADS, {"source": "phone"}).json()["results"]
    first_page = director.get(LEADS, {"page_size": 1}).json()
    second_page = director.get(first_page["next"]).json()
    refused = director.get(LEADS, {"status": "lost"})

    assert [lead["id"] for lead in everything["results"]] == [platform["id"], phoned["id"]]
    assert [lead["id"] for lead in by_source] == [phoned["id"]]
    assert [lead["id"] for lead in first_page["results"]] == [platform["id"]]
    assert [lead["id"] for lead in second_page["results"]] == [phoned["id"]]
    assert refused.status_code == 400 and set(refused.json()) == {"status"}


# --- opportunities ----------------------------------------------------------------------------


def test_an_opportunity_opens_with_its_first_plan(
    api: Any, opportunity: dict[str, Any], consultant_a: Any, customer: Any
) -> None:
    assert opportunity["customer"] == customer.pk
    assert opportunity["consultant"] == consultant_a.pk
    assert opportunity["stage"] == "obtained" and opportunity["status"] == "open"
    assert opportunity["expected_amount"] == "150000.00"
    assert [p["kind"] for p in opportunity["open_plans"]] == ["call"]
    assert opportunity["next_due_at"] == opportunity["open_plans"][0]["due_at"]
    assert api.get(opportunity_url(opportunity["id"])).json() == opportunity


def test_an_opportunity_without_a_plan_is_refused(
    api: Any, opportunity_data: dict[str, Any], scoped: Any
) -> None:
    before = counts(scoped)
    data = {k: v for k, v in opportunity_data.items() if not k.startswith("plan_")}

    response = api.post(OPPORTUNITIES, data, format="json")

    assert response.status_code == 400
    assert set(response.json()) == {"plan_kind", "plan_due_at"}
    assert counts(scoped) == before


def test_every_refused_opportunity_field_is_reported_together(
    api: Any, opportunity_data: dict[str, Any], scoped: Any
) -> None:
    before = counts(scoped)

    response = api.post(
        OPPORTUNITIES,
        {
            **opportunity_data,
            "expected_amount": "十五万",
            "temperature": "Z",
            "stage": "delivered",
            "quantity": 0,
            "plan_due_at": (timezone.now() - timedelta(days=1)).isoformat(),
        },
        format="json",
    )

    assert response.status_code == 400
    assert set(response.json()) == {
        "expected_amount", "temperature", "stage", "quantity", "plan_due_at",
    }  # fmt: skip
    assert counts(scoped) == before


def test_a_customer_of_another_dealer_is_refused_like_none(
    api: Any, opportunity_data: dict[str, Any], make_customer: Any, consultant_b: Any
) -> None:
    theirs = make_customer(consultant_b, name="王芳", mobile="13700001111")

    refused = api.post(OPPORTUNITIES, {**opportunity_data, "customer": theirs.pk}, format="json")
    missing = api.post(
        OPPORTUNITIES, {**opportunity_data, "customer": 2_000_000_000}, format="json"
    )

    assert refused.status_code == missing.status_code == 400
    assert refused.json() == missing.json()
    assert set(refused.json()) == {"customer"}


def test_changing_an_opportunity(api: Any, opportunity: dict[str, Any], other_series: Any) -> None:
    url = opportunity_url(opportunity["id"])

    changed = api.patch(
        url,
        {"temperature": "H", "quantity": 2, "series": other_series.pk, "purchase_time": "week"},
        format="json",
    )
    refused = api.patch(url, {"temperature": "Z", "series": None}, format="json")

    assert changed.status_code == 200, changed.json()
    body = changed.json()
    assert (body["temperature"], body["quantity"], body["series"]) == ("H", 2, other_series.pk)
    assert body["purchase_time"] == "week"
    assert refused.status_code == 400
    assert set(refused.json()) == {"temperature", "series"}
    assert api.get(url).json()["temperature"] == "H"


def test_a_stage_move_and_not_to_the_delivery(api: Any, opportunity: dict[str, Any]) -> None:
    url = opportunity_url(opportunity["id"], "stage")

    moved = api.post(url, {"stage": "negotiation"}, format="json")
    delivered = api.post(url, {"stage": "delivered"}, format="json")
    unknown = api.post(url, {"stage": "won"}, format="json")

    assert moved.status_code == 200 and moved.json()["stage"] == "negotiation"
    assert delivered.status_code == 400 and set(delivered.json()) == {"stage"}
    assert unknown.status_code == 400 and set(unknown.json()) == {"stage"}
    assert api.get(opportunity_url(opportunity["id"])).json()["stage"] == "negotiation"


def test_recording_the_last_open_plan_needs_the_next(
    api: Any, opportunity: dict[str, Any], scoped: Any
) -> None:
    plan_id = opportunity["open_plans"][0]["id"]
    url = f"/api/plans/{plan_id}/outcome/"
    before = counts(scoped)

    refused = api.post(url, {"outcome": "done", "outcome_note": "约了试驾"}, format="json")
    no_outcome = api.post(url, plan(3), format="json")

    assert refused.status_code == 400
    assert set(refused.json()) == {"plan_kind", "plan_due_at"}
    assert no_outcome.status_code == 400 and set(no_outcome.json()) == {"outcome"}
    assert counts(scoped) == before

    recorded = api.post(url, {"outcome": "done", "outcome_note": "约了试驾", **plan(3)})

    assert recorded.status_code == 200, recorded.json()
    body = recorded.json()
    assert [p["id"] for p in body["open_plans"]] != [plan_id]
    assert len(body["open_plans"]) == 1
    again = api.post(url, {"outcome": "done", **plan(4)}, format="json")
    assert again.status_code == 400 and set(again.json()) == {"plan"}


def test_another_open_plan_lets_one_be_recorded_alone(
    api: Any, opportunity: dict[str, Any]
) -> None:
    added = api.post(opportunity_url(opportunity["id"], "plans"), plan(2), format="json")
    first = opportunity["open_plans"][0]["id"]

    recorded = api.post(f"/api/plans/{first}/outcome/", {"outcome": "not_reached"}, format="json")

    assert added.status_code == 201 and added.json()["kind"] == "call"
    assert added.json()["outcome"] == "" and added.json()["done_at"] is None
    assert recorded.status_code == 200
    assert [p["id"] for p in recorded.json()["open_plans"]] == [added.json()["id"]]


def test_a_plan_in_the_past_is_refused(api: Any, opportunity: dict[str, Any]) -> None:
    response = api.post(
        opportunity_url(opportunity["id"], "plans"),
        {"plan_kind": "visit", "plan_due_at": "2020-01-01T10:00:00+08:00"},
        format="json",
    )

    assert response.status_code == 400
    assert set(response.json()) == {"plan_due_at"}


def test_a_lost_request_names_its_reason_and_note(
    api: Any, opportunity: dict[str, Any], dealer_a: Any
) -> None:
    url = opportunity_url(opportunity["id"], "lost-request")
    competitor = entry(dealer_a, "lost_reason", "competitor")

    refused = api.post(url, {}, format="json")
    no_car = api.post(url, {"reason": competitor.pk, "note": "买了别家"}, format="json")

    assert refused.status_code == 400 and set(refused.json()) == {"reason", "note"}
    assert no_car.status_code == 400 and set(no_car.json()) == {"competitor_series"}


# --- the whole way, through the API -----------------------------------------------------------


def test_from_a_pushed_lead_to_a_decided_lost_request(
    api: Any, director: Any, consultant_a: Any, series: Any, dealer_a: Any
) -> None:
    lead = api.post(LEADS, {**PUSH, "series": series.pk}, format="json").json()
    assert lead["consultant"] == consultant_a.pk

    opened = api.post(
        OPPORTUNITIES,
        {
            "customer": lead["customer"],
            "lead": lead["id"],
            "series": series.pk,
            "expected_amount": 139900,
            "expected_close_on": (timezone.localdate() + timedelta(days=30)).isoformat(),
            "temperature": "A",
            "hobbies": [entry(dealer_a, "hobby", "travel").pk],
            **plan(),
        },
        format="json",
    )
    assert opened.status_code == 201, opened.json()
    opportunity = opened.json()
    assert opportunity["lead"] == lead["id"] and opportunity["temperature"] == "A"
    assert api.get(f"{LEADS}{lead['id']}/").json()["status"] == "converted"

    for stage in ("clarified", "confirmed"):
        moved = api.post(opportunity_url(opportunity["id"], "stage"), {"stage": stage})
        assert moved.status_code == 200, moved.json()
    plan_id = opportunity["open_plans"][0]["id"]
    recorded = api.post(
        f"/api/plans/{plan_id}/outcome/",
        {
            "outcome": "done",
            "outcome_note": "试驾过了",
            "plan_kind": "quote",
            "plan_due_at": later(2),
        },
        format="json",
    )
    assert recorded.status_code == 200, recorded.json()
    assert [p["kind"] for p in recorded.json()["open_plans"]] == ["quote"]

    price = entry(dealer_a, "lost_reason", "price")
    filed = api.post(
        opportunity_url(opportunity["id"], "lost-request"),
        {"reason": price.pk, "note": "嫌贵"},
        format="json",
    )
    assert filed.status_code == 201, filed.json()
    request_id = filed.json()["id"]
    assert filed.json()["decision"] == "pending"
    assert api.get(opportunity_url(opportunity["id"])).json()["status"] == "lost_requested"
    pending = director.get("/api/lost-requests/", {"decision": "pending"}).json()["results"]
    assert [r["id"] for r in pending] == [request_id]

    decision_url = f"/api/lost-requests/{request_id}/decision/"
    no_note = director.post(decision_url, {"decision": "reject"}, format="json")
    by_consultant = api.post(decision_url, {"decision": "approve"}, format="json")
    rejected = director.post(decision_url, {"decision": "reject", "note": "再跟一下"})
    again = director.post(decision_url, {"decision": "approve"}, format="json")

    assert no_note.status_code == 400 and set(no_note.json()) == {"note"}
    assert by_consultant.status_code == 403
    assert rejected.status_code == 200, rejected.json()
    assert rejected.json()["decision"] == "rejected"
    assert again.status_code == 400 and set(again.json()) == {"decision"}
    back = api.get(opportunity_url(opportunity["id"])).json()
    assert back["status"] == "open" and len(back["open_plans"]) == 2

    filed = api.post(
        opportunity_url(opportunity["id"], "lost-request"),
        {"reason": price.pk, "note": "还是嫌贵"},
        format="json",
    ).json()
    approved = director.post(
        f"/api/lost-requests/{filed['id']}/decision/", {"decision": "approve"}, format="json"
    )
    assert approved.status_code == 200 and approved.json()["decision"] == "approved"
    lost = api.get(opportunity_url(opportunity["id"])).json()
    assert lost["status"] == "lost" and lost["lost_reason"] == price.pk
    assert lost["open_plans"] == [] and lost["next_due_at"] is None
    assert (
        api.post(opportunity_url(opportunity["id"], "stage"), {"stage": "negotiation"}).status_code
        == 400
    )
    assert [o["id"] for o in api.get(OPPORTUNITIES, {"status": "lost"}).json()["results"]] == [
        opportunity["id"]
    ]
    assert api.get(OPPORTUNITIES, {"status": "open"}).json()["results"] == []


# --- showroom traffic -------------------------------------------------------------------------


def test_a_days_walk_ins_are_set_and_read(
    api: Any, director: Any, consultant_a: Any, series: Any, other_series: Any
) -> None:
    today = timezone.localdate().isoformat()

    saved = api.put(
        TRAFFIC,
        {"day": today, "counts": [{"series": series.pk, "count": 3}, {"series": None, "count": 2}]},
        format="json",
    )
    cleared_and_new = [{"series": series.pk, "count": 0}, {"series": other_series.pk, "count": 1}]
    changed = api.put(TRAFFIC, {"day": today, "counts": cleared_and_new}, format="json")

    assert saved.status_code == 200, saved.json()
    assert saved.json()["unregistered"] == 5
    assert changed.json()["unregistered"] == 3
    read = api.get(TRAFFIC, {"day": today}).json()
    assert read == changed.json()
    assert {(e["series"], e["count"]) for e in read["entries"]} == {(None, 2), (other_series.pk, 1)}
    assert {e["consultant"] for e in read["entries"]} == {consultant_a.pk}
    assert director.get(TRAFFIC).json()["unregistered"] == 3  # the team's, today by default


@pytest.mark.parametrize(
    ("payload", "fields"),
    [
        ({"day": "2999-01-01"}, {"day"}),
        ({"day": "2020-01-01"}, {"day"}),  # older than a week: the director's to change
        ({"counts": [{"series": 2_000_000_000, "count": 1}]}, {"counts"}),
        ({"counts": [{"series": None, "count": 1}, {"series": None, "count": 2}]}, {"counts"}),
        ({"counts": [{"series": None, "count": 1001}]}, {"counts"}),
        ({"consultant": 2_000_000_000}, {"consultant"}),
    ],
)
def test_refused_walk_ins_name_the_fields(
    api: Any, scoped: Any, payload: dict[str, Any], fields: set[str]
) -> None:
    before = counts(scoped)
    data = {"day": timezone.localdate().isoformat(), "counts": [], **payload}

    response = api.put(TRAFFIC, data, format="json")

    assert response.status_code == 400
    assert set(response.json()) == fields
    assert counts(scoped) == before


def test_the_director_enters_a_consultants_walk_ins(
    director: Any, consultant_a: Any, series: Any
) -> None:
    response = director.put(
        TRAFFIC,
        {
            "day": timezone.localdate().isoformat(),
            "consultant": consultant_a.pk,
            "counts": [{"series": series.pk, "count": 4}],
        },
        format="json",
    )

    assert response.status_code == 200, response.json()
    assert response.json()["entries"] == [
        {"consultant": consultant_a.pk, "series": series.pk, "count": 4}
    ]


def test_registered_prospects_count_in_the_traffic(
    api: Any, opportunity: dict[str, Any], consultant_a: Any
) -> None:
    body = api.get(TRAFFIC).json()

    assert (body["registered"], body["unregistered"], body["traffic"]) == (1, 0, 1)
    with scope(dealer=consultant_a.dealer_id):
        assert Opportunity.objects.get().registered_on == timezone.localdate()
