"""Sales API access, on the shared access base (autocrm.testing.access): the owner is the
consultant of the lead and the opportunity, the colleague another consultant, the manager the
sales director; another dealer's staff get 404 (the answer for a missing id), HQ 403 on
everything, nobody 401. A consultant's lists hold only their own; a lead's mobile is masked
per the role table (tenancy.policies)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from django_scopes import scope

from autocrm.sales.leads import lead_assign
from autocrm.sales.models import FollowUpPlan
from autocrm.sales.tests.conftest import entry
from autocrm.testing.access import (
    ACTORS,
    MISSING_ID,
    assert_allowed,
    assert_denied,
    dealer_rows,
)

pytestmark = pytest.mark.django_db

MOBILE = "13712345678"
LISTS = ["/api/leads/", "/api/opportunities/", "/api/lost-requests/", "/api/traffic/"]


def later(days: int = 1) -> str:
    return (timezone.now() + timedelta(days=days)).isoformat()


@pytest.fixture
def customer(make_customer: Any, consultant_a: Any) -> Any:
    return make_customer(consultant_a, name="陈立", mobile=MOBILE)


@pytest.fixture
def lead(receive: Any, customer: Any) -> Any:
    """The owner's lead (the consultant responsible for its customer takes it)."""
    return receive(customer.responsible_staff, name="陈立", mobile=MOBILE, source="autohome").lead


@pytest.fixture
def opportunity(open_opportunity: Any, consultant_a: Any, customer: Any) -> Any:
    return open_opportunity(consultant_a, customer)


@pytest.fixture
def plan(opportunity: Any) -> Any:
    with scope(dealer=opportunity.dealer_id):
        return FollowUpPlan.objects.get(opportunity=opportunity)


@pytest.fixture
def lost_request(open_opportunity: Any, consultant_a: Any, customer: Any) -> Any:
    """A pending lost request on another opportunity of the owner's."""
    from autocrm.sales.lost import lost_request_file

    other = open_opportunity(consultant_a, customer)
    with scope(dealer=consultant_a.dealer_id):
        return lost_request_file(
            actor=consultant_a,
            opportunity=other,
            data={"reason": entry(consultant_a.dealer, "lost_reason", "price").pk, "note": "贵"},
        )


def reads(lead: Any, opportunity: Any) -> list[str]:
    return [f"/api/leads/{lead.pk}/", f"/api/opportunities/{opportunity.pk}/"]


def writes(opportunity: Any, plan: Any, dealer: Any) -> list[tuple[str, str, dict, int]]:
    """Every write on the owner's opportunity: (method, url, valid data, status when served)."""
    url = f"/api/opportunities/{opportunity.pk}/"
    reason = entry(dealer, "lost_reason", "price").pk
    return [
        ("patch", url, {"temperature": "H"}, 200),
        ("post", f"{url}stage/", {"stage": "clarified"}, 200),
        ("post", f"{url}plans/", {"plan_kind": "visit", "plan_due_at": later(2)}, 201),
        (
            "post",
            f"/api/plans/{plan.pk}/outcome/",
            {"outcome": "done", "plan_kind": "call", "plan_due_at": later(3)},
            200,
        ),
        ("post", f"{url}lost-request/", {"reason": reason, "note": "买了别家"}, 201),
    ]


def missing(url: str, *ids: int) -> str:
    for pk in ids:
        url = url.replace(f"/{pk}/", f"/{MISSING_ID}/")
    return url


# --- reading a lead and an opportunity --------------------------------------------------------


@pytest.mark.parametrize("who", ACTORS)
def test_who_may_read_the_lead_and_the_opportunity(
    actors: Any, who: str, lead: Any, opportunity: Any
) -> None:
    api = actors.api(who)

    for url in reads(lead, opportunity):
        response = api.get(url)
        if who in ("owner", "manager"):
            assert_allowed(response)
        else:
            assert_denied(response, like=api.get(missing(url, lead.pk, opportunity.pk)))
            assert "陈立" not in response.content.decode()


# --- changing the opportunity -----------------------------------------------------------------


@pytest.mark.parametrize("who", ["owner", "manager"])
def test_the_owner_and_the_director_work_the_opportunity(
    actors: Any, who: str, opportunity: Any, plan: Any, dealer_a: Any
) -> None:
    api = actors.api(who)

    for method, url, data, status in writes(opportunity, plan, dealer_a):
        assert_allowed(getattr(api, method)(url, data, format="json"), status)


@pytest.mark.parametrize("who", ["colleague", "other_dealer", "hq", "anonymous"])
def test_nobody_else_works_the_opportunity(
    actors: Any, who: str, opportunity: Any, plan: Any, dealer_a: Any
) -> None:
    api = actors.api(who)
    before = dealer_rows()

    for method, url, data, _status in writes(opportunity, plan, dealer_a):
        answer = getattr(api, method)(url, data, format="json")
        like = getattr(api, method)(missing(url, opportunity.pk, plan.pk), data, format="json")
        assert_denied(answer, like=like)

    assert dealer_rows() == before


@pytest.mark.parametrize("who", ACTORS)
def test_only_the_director_decides_a_lost_request(actors: Any, who: str, lost_request: Any) -> None:
    api = actors.api(who)
    url = f"/api/lost-requests/{lost_request.pk}/decision/"
    data = {"decision": "reject", "note": "再跟一下"}
    before = dealer_rows()

    response = api.post(url, data, format="json")

    if who == "manager":
        assert_allowed(response)
        assert response.json()["decision"] == "rejected"
    else:
        assert_denied(response, like=api.post(missing(url, lost_request.pk), data, format="json"))
        assert dealer_rows() == before


# --- lists and new records --------------------------------------------------------------------


@pytest.mark.parametrize("who", ACTORS)
def test_who_may_list(actors: Any, who: str, lead: Any, opportunity: Any) -> None:
    api = actors.api(who)

    for url in LISTS:
        response = api.get(url)
        if who in ("hq", "anonymous"):
            assert_denied(response)
            assert "陈立" not in response.content.decode()
        else:
            assert_allowed(response)


def test_a_consultant_lists_only_their_own(
    actors: Any, receive: Any, make_customer: Any, lead: Any, opportunity: Any,
    open_opportunity: Any, consultant_a2: Any,
) -> None:  # fmt: skip
    theirs = make_customer(consultant_a2, name="王芳", mobile="13700001111")
    their_lead = receive(consultant_a2, name="王芳", mobile="13700001111").lead
    their_opportunity = open_opportunity(consultant_a2, theirs)

    def ids(who: str, url: str) -> set[int]:
        return {row["id"] for row in actors.api(who).get(url).json()["results"]}

    assert ids("owner", "/api/leads/") == {lead.pk}
    assert ids("colleague", "/api/leads/") == {their_lead.pk}
    assert ids("manager", "/api/leads/") == {lead.pk, their_lead.pk}
    assert ids("other_dealer", "/api/leads/") == set()
    assert ids("owner", "/api/opportunities/") == {opportunity.pk}
    assert ids("colleague", "/api/opportunities/") == {their_opportunity.pk}
    assert ids("manager", "/api/opportunities/") == {opportunity.pk, their_opportunity.pk}
    assert ids("other_dealer", "/api/opportunities/") == set()
    # the consultant filter narrows the director's list; it opens nothing to a consultant
    director = actors.api("manager")
    only = director.get("/api/leads/", {"consultant": consultant_a2.pk}).json()["results"]
    assert {row["id"] for row in only} == {their_lead.pk}
    mine = actors.api("owner").get("/api/leads/", {"consultant": consultant_a2.pk}).json()
    assert mine["results"] == []


def test_the_lost_request_list_is_the_requesters_and_the_directors(
    actors: Any, lost_request: Any
) -> None:
    def ids(who: str) -> set[int]:
        return {row["id"] for row in actors.api(who).get("/api/lost-requests/").json()["results"]}

    assert ids("owner") == ids("manager") == {lost_request.pk}
    assert ids("colleague") == ids("other_dealer") == set()


@pytest.mark.parametrize("who", ACTORS)
def test_who_may_push_a_lead(actors: Any, who: str) -> None:
    response = actors.api(who).post(
        "/api/leads/",
        {"source": "yiche", "external_id": f"YC-{who}", "name": "赵敏", "mobile": "13811112222"},
        format="json",
    )

    if who in ("hq", "anonymous"):
        assert_denied(response)
    else:
        assert_allowed(response, 201)  # at their own dealer


@pytest.mark.parametrize("role", ["general_manager", "service_advisor"])
def test_roles_outside_sales_push_no_lead(api_client_for: Any, make_staff: Any, dealer_a: Any,
                                          role: str) -> None:  # fmt: skip
    api = api_client_for(make_staff(dealer_a, role))

    response = api.post(
        "/api/leads/", {"source": "phone", "name": "赵敏", "mobile": "13811112222"}, format="json"
    )

    assert response.status_code == 403


@pytest.mark.parametrize("who", ["other_dealer", "hq", "anonymous"])
def test_no_opportunity_on_a_customer_one_may_not_reach(
    actors: Any, who: str, customer: Any, series: Any
) -> None:
    before = dealer_rows()

    response = actors.api(who).post(
        "/api/opportunities/",
        {
            "customer": customer.pk,
            "series": series.pk,
            "expected_amount": "150000",
            "expected_close_on": (timezone.localdate() + timedelta(days=20)).isoformat(),
            "plan_kind": "call",
            "plan_due_at": later(),
        },
        format="json",
    )

    if who == "other_dealer":  # the customer does not exist for them
        assert response.status_code == 400 and set(response.json()) == {"customer"}
    else:
        assert_denied(response)
    assert dealer_rows() == before


def test_a_colleague_does_not_open_an_opportunity_on_anothers_lead(
    actors: Any, lead: Any, series: Any
) -> None:
    before = dealer_rows()

    response = actors.api("colleague").post(
        "/api/opportunities/",
        {
            "customer": lead.customer_id,
            "lead": lead.pk,
            "series": series.pk,
            "expected_amount": "150000",
            "expected_close_on": (timezone.localdate() + timedelta(days=20)).isoformat(),
            "plan_kind": "call",
            "plan_due_at": later(),
        },
        format="json",
    )

    assert_denied(response)  # 403
    assert dealer_rows() == before


@pytest.mark.parametrize("who", ["colleague", "hq", "anonymous"])
def test_nobody_enters_another_consultants_walk_ins(
    actors: Any, who: str, consultant_a: Any, series: Any
) -> None:
    before = dealer_rows()

    response = actors.api(who).put(
        "/api/traffic/",
        {
            "day": timezone.localdate().isoformat(),
            "consultant": consultant_a.pk,
            "counts": [{"series": series.pk, "count": 5}],
        },
        format="json",
    )

    assert_denied(response)  # 403 (the colleague and HQ), 401
    assert dealer_rows() == before


def test_another_dealers_consultant_is_not_found_for_the_walk_ins(
    actors: Any, consultant_a: Any
) -> None:
    response = actors.api("other_dealer").put(
        "/api/traffic/",
        {"day": timezone.localdate().isoformat(), "consultant": consultant_a.pk, "counts": []},
        format="json",
    )

    assert response.status_code == 400 and set(response.json()) == {"consultant"}


# --- masking ----------------------------------------------------------------------------------


def test_a_lead_handed_to_a_consultant_shows_its_number_but_not_the_profiles(
    actors: Any, api_client_for: Any, make_customer: Any, receive: Any, cr_a: Any,
    consultant_a: Any, consultant_a2: Any, manager_a: Any, consultant_b: Any,
) -> None:  # fmt: skip
    """Consultants see the mobile of the customers they are responsible for (the role table,
    tenancy.policies: OWN); the director sees every mobile (ALL). The director hands the
    colleague's customer's lead to the owner, who must call it: the lead's number is in clear
    for the consultant it was handed to (sales.presenters.lead_mobile), the profile's mobile
    stays masked for them, and no one else gains anything."""
    customer = make_customer(consultant_a2, name="王芳", mobile="13700001111")
    pushed = api_client_for(cr_a).post(
        "/api/leads/", {"source": "phone", "name": "王芳", "mobile": "13700001111"}, format="json"
    )
    lead_id = pushed.json()["id"]
    assert pushed.json()["mobile"] == "+8613700001111"  # customer relations: ALL
    assert pushed.json()["consultant"] == consultant_a2.pk  # the customer's consultant
    with scope(dealer=manager_a.dealer_id):
        from autocrm.sales.models import Lead

        lead_assign(actor=manager_a, lead=Lead.objects.get(pk=lead_id), consultant=consultant_a)

    owner = {row["id"]: row for row in actors.api("owner").get("/api/leads/").json()["results"]}
    director = actors.api("manager").get("/api/leads/").json()["results"]
    detail = actors.api("owner").get(f"/api/leads/{lead_id}/").json()

    assert owner[lead_id]["mobile"] == "+8613700001111"  # handed to them to call
    assert owner[lead_id]["name"] == "王芳"  # names are not masked for the dealer's staff
    assert detail["mobile"] == "+8613700001111"
    profile = actors.api("owner").get(f"/api/customers/{customer.pk}/")
    assert "13700001111" not in profile.content.decode()  # the profile stays masked
    assert {row["id"]: row["mobile"] for row in director}[lead_id] == "+8613700001111"
    colleague = actors.api("colleague").get(f"/api/leads/{lead_id}/")
    assert colleague.status_code == 403  # the lead was taken from them


def test_a_consultant_pushing_a_colleagues_customers_lead_sees_it_masked(
    actors: Any, make_customer: Any, consultant_a2: Any
) -> None:
    make_customer(consultant_a2, name="王芳", mobile="13700001111")

    pushed = actors.api("owner").post(
        "/api/leads/", {"source": "phone", "name": "王芳", "mobile": "137 0000 1111"}, format="json"
    )

    assert pushed.status_code == 201
    assert pushed.json()["match"] == "known"
    assert pushed.json()["mobile"] == "137****1111"
