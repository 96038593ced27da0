"""The sales pages: each renders for who may use it and refuses the others (shared access base),
a consultant sees only their own leads and opportunities, and bad input never gives a 500."""

from __future__ import annotations

from typing import Any

import pytest
from django_scopes import scope

from autocrm.sales.models import FollowUpPlan, Lead, Opportunity
from autocrm.sales.tests.conftest import entry, plan_data
from autocrm.testing.access import (
    MISSING_ID,
    assert_allowed,
    assert_denied,
    assert_forbidden,
    assert_login_required,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def customer(make_customer: Any, consultant_a: Any) -> Any:
    return make_customer(consultant_a, name="陈立", mobile="13712345678")


@pytest.fixture
def opportunity(open_opportunity: Any, consultant_a: Any, customer: Any) -> Any:
    return open_opportunity(consultant_a, customer)


@pytest.fixture
def lead(receive: Any, consultant_a: Any, customer: Any) -> Any:
    return receive(consultant_a, name="陈立", mobile="13712345678", source="autohome").lead


TEAM_PAGES = ["/sales/lost-requests/", "/sales/funnel/", "/sales/setup/"]
CONSULTANT_PAGES = [
    "/sales/leads/",
    "/sales/leads/new/",
    "/sales/traffic/",
    "/sales/opportunities/",
    "/sales/prospects/new/",
]


@pytest.mark.parametrize("url", CONSULTANT_PAGES + TEAM_PAGES + ["/"])
def test_pages_render_for_the_director(actors: Any, url: str, opportunity: Any, lead: Any) -> None:
    assert_allowed(actors.client("manager").get(url))


@pytest.mark.parametrize("url", CONSULTANT_PAGES + ["/"])
def test_pages_render_for_the_consultant(
    actors: Any, url: str, opportunity: Any, lead: Any
) -> None:
    assert_allowed(actors.client("owner").get(url))


@pytest.mark.parametrize("url", TEAM_PAGES)
def test_team_pages_refuse_a_consultant(actors: Any, url: str) -> None:
    assert_forbidden(actors.client("owner").get(url))


@pytest.mark.parametrize("url", CONSULTANT_PAGES + TEAM_PAGES)
def test_hq_and_anonymous_are_refused(actors: Any, url: str) -> None:
    assert_forbidden(actors.client("hq").get(url))
    assert_login_required(actors.client("anonymous").get(url))


def test_a_consultant_sees_only_their_own(actors: Any, opportunity: Any, lead: Any) -> None:
    mine = actors.client("owner").get("/sales/opportunities/").content.decode()
    theirs = actors.client("colleague").get("/sales/opportunities/").content.decode()
    assert "陈立" in mine and "陈立" not in theirs
    assert "陈立" in actors.client("owner").get("/sales/leads/").content.decode()
    assert "陈立" not in actors.client("colleague").get("/sales/leads/").content.decode()
    assert "陈立" in actors.client("manager").get("/sales/opportunities/").content.decode()


@pytest.mark.parametrize("who", ["colleague", "other_dealer", "hq", "anonymous"])
def test_only_the_owner_and_the_director_open_an_opportunity(
    actors: Any, who: str, opportunity: Any
) -> None:
    url = f"/sales/opportunities/{opportunity.pk}/"
    client = actors.client(who)
    assert_denied(client.get(url), like=client.get(f"/sales/opportunities/{MISSING_ID}/"))
    assert_allowed(actors.client("owner").get(url))
    assert_allowed(actors.client("manager").get(url))


def test_a_colleague_cannot_move_my_opportunity(actors: Any, opportunity: Any) -> None:
    response = actors.client("colleague").post(
        f"/sales/opportunities/{opportunity.pk}/move/", {"stage": "negotiation"}
    )
    assert_denied(response)
    with scope(dealer=opportunity.dealer_id):
        assert Opportunity.objects.get(pk=opportunity.pk).stage == "obtained"


def test_the_consultants_day_through_the_pages(actors: Any, lead: Any, series: Any) -> None:
    client = actors.client("owner")
    client.post(f"/sales/leads/{lead.pk}/answer/", {"note": "已回电"})
    due = plan_data()["plan_due_at"].strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        f"/sales/leads/{lead.pk}/",
        {"series": series.pk, "quantity": 1, "temperature": "A", "drive": "pull",
         "expected_amount": "150000", "expected_close_on": "2030-01-31", "plan_kind": "visit",
         "plan_due_at": due},
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    with scope(dealer=lead.dealer_id):
        opportunity = Opportunity.objects.get(lead=lead)
        assert Lead.objects.get(pk=lead.pk).status == "converted"
    response = client.post(f"/sales/opportunities/{opportunity.pk}/move/", {"stage": "negotiation"})
    assert response.status_code == 302
    response = client.post(
        f"/sales/opportunities/{opportunity.pk}/",
        {"action": "win", "vin": "LSVAM4187C2184847", "sale_price": "149000",
         "delivered_on": "2026-12-01"},
    )  # fmt: skip
    assert response.status_code in (200, 302)


def test_bad_input_is_shown_at_the_fields_not_a_500(actors: Any, opportunity: Any) -> None:
    client = actors.client("owner")
    with scope(dealer=opportunity.dealer_id):
        plan = FollowUpPlan.objects.get(opportunity=opportunity)
    response = client.post(
        f"/sales/opportunities/{opportunity.pk}/",
        {"action": "outcome", "plan": plan.pk, "outcome": "done"},  # no next plan
    )
    assert response.status_code == 200
    assert 'data-field-error="plan_kind"' in response.content.decode()
    for query in ("?start=garbage&end=2026-13-45", "?series=abc&consultant=x", "?after=-1"):
        assert_allowed(actors.client("manager").get(f"/sales/funnel/{query}"))
        assert_allowed(client.get(f"/sales/opportunities/{query}"))
    response = client.post("/sales/leads/new/", {"source": "phone", "name": "", "mobile": "123"})
    assert response.status_code == 200
    assert 'data-field-error="mobile"' in response.content.decode()


def test_the_director_decides_a_lost_request(actors: Any, opportunity: Any, dealer_a: Any) -> None:
    price = entry(dealer_a, "lost_reason", "price")
    owner = actors.client("owner")
    owner.post(
        f"/sales/opportunities/{opportunity.pk}/",
        {"action": "lost", "reason": price.pk, "note": "嫌贵"},
    )
    with scope(dealer=dealer_a.pk):
        request = opportunity.lost_requests.get()
    assert_forbidden(
        owner.post(f"/sales/lost-requests/{request.pk}/decide/", {"decision": "approve"})
    )
    page = actors.client("manager").get("/sales/lost-requests/").content.decode()
    assert "嫌贵" in page
    actors.client("manager").post(
        f"/sales/lost-requests/{request.pk}/decide/", {"decision": "reject", "note": "再跟一次"}
    )
    with scope(dealer=dealer_a.pk):
        opportunity.refresh_from_db()
    assert opportunity.status == "open"


def test_the_general_manager_reads_the_sales_pages_but_enters_nothing(
    gm_a: Any, opportunity: Any, lead: Any
) -> None:
    from autocrm.testing.access import client_as

    client = client_as("manager", gm_a)
    for url in ("/sales/leads/", "/sales/opportunities/", "/sales/traffic/", "/sales/funnel/"):
        body = client.get(url)
        assert_allowed(body)
        assert "/sales/prospects/new/" not in body.content.decode()
        assert "/sales/leads/new/" not in body.content.decode()
    assert_forbidden(client.get("/sales/leads/new/"))
    assert_forbidden(client.get("/sales/prospects/new/"))
