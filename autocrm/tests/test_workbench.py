"""The navigation and the workbench (home page) are built from what the apps register.

`web` imports no app: the menu entries and home cards come from `autocrm.core.registry`. These
tests pin what each role sees, and that a card or menu entry an app registers shows up
without `web` changing.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from autocrm.core import registry

pytestmark = pytest.mark.django_db

#: The menu of each role, in order (keys of the registered entries).
MENUS = {
    "consultant_a": ["home", "customers", "customer_create", "leads", "traffic", "opportunities",
                     "quality"],
    "advisor_a": ["home", "customers", "customer_create", "quality"],
    "cr_a": ["home", "customers", "customer_create", "leads", "quality", "imports", "verification",
             "lost_calls", "duplicates", "wrong_merges"],
    "manager_a": ["home", "customers", "customer_create", "leads", "traffic", "opportunities",
                  "lost_requests", "funnel", "sales_analysis", "quality", "imports",
                  "verification", "lost_calls", "duplicates", "wrong_merges",
                  "catalogue_unmatched", "sales_setup", "business_calendar"],
    "gm_a": ["home", "customers", "leads", "traffic", "opportunities", "lost_requests", "funnel",
             "sales_analysis", "quality", "catalogue_unmatched", "sales_setup",
             "business_calendar"],
    "hq_analyst": ["home", "customers", "sales_group", "quality", "duplicates"],
}  # fmt: skip


def _client(staff: Any) -> Client:
    client = Client()
    client.force_login(staff)
    return client


@pytest.mark.parametrize("who", sorted(MENUS))
def test_each_role_gets_its_menu(who: str, request: pytest.FixtureRequest) -> None:
    staff = request.getfixturevalue(who)
    response = _client(staff).get(reverse("home"))
    assert response.status_code == 200
    items = response.context["nav_items"]
    assert [item["key"] for item in items] == MENUS[who]
    duplicates = [item["url"] for item in items if item["key"] == "duplicates"]
    if duplicates:  # HQ gets its cross-dealer page, a dealer's stewards their queue
        expected = "matching:hq" if who == "hq_analyst" else "matching:queue"
        assert duplicates == [reverse(expected)]


def test_a_dealers_staff_see_their_figures_and_records_to_fix(
    consultant_a: Any, gm_a: Any, make_customer: Any
) -> None:
    make_customer(consultant_a, name="王先生", mobile="13812345678")  # a placeholder name
    body = _client(consultant_a).get(reverse("home")).content.decode()
    assert 'data-testid="my-quality"' in body
    assert 'data-testid="dealer-table"' not in body
    assert "王先生" in body  # among the records to fix, with the mobile in clear for its owner
    assert "138 1234 5678" in body
    # the general manager sees the whole dealer's records to fix, the mobile masked
    body = _client(gm_a).get(reverse("home")).content.decode()
    assert "王先生" in body and "138****5678" in body
    assert "1234" not in body


def test_hq_sees_the_dealers_figures_and_no_person(
    hq_analyst: Any, consultant_a: Any, consultant_b: Any, make_customer: Any
) -> None:
    make_customer(consultant_a, name="李娜", mobile="13812345678")
    make_customer(consultant_b, name="赵强", mobile="13912345678")
    body = _client(hq_analyst).get(reverse("home")).content.decode()
    assert 'data-testid="dealer-table"' in body
    assert 'data-testid="my-quality"' not in body
    for personal in ("李娜", "赵强", "13812345678", "13912345678", "5678"):
        assert personal not in body
    table = body.split('data-testid="dealer-table"', 1)[1].split("</table>", 1)[0]
    assert len(re.findall(r"<tr>", table)) == 3  # the header and one row per dealer


@pytest.fixture
def extra_card() -> Iterator[None]:
    """A card and a menu entry registered as an app above web would, removed afterwards."""
    card = registry.HomeCard(
        key="test_card",
        template="core/_pagination.html",  # any template: rendered with the card's context
        context=lambda request: {"page": None} if not request.user.is_hq else None,
        order=99,
    )
    entry = registry.MenuEntry(
        key="test_entry", label="Test", icon="star", url_name="home", order=99,
        visible=lambda user: not user.is_hq,
    )  # fmt: skip
    registry.register_home_card(card)
    registry.register_menu_entry(entry)
    yield
    registry._cards.entries.pop("test_card")
    registry._menu.entries.pop("test_entry")


def test_a_registered_card_and_menu_entry_show_without_web_knowing_the_app(
    extra_card: None, consultant_a: Any, hq_analyst: Any
) -> None:
    response = _client(consultant_a).get(reverse("home"))
    keys = [c.key for c in response.context["cards"]]
    assert keys == ["sales_consultant", "quality", "test_card"]
    assert response.context["nav_items"][-1]["key"] == "test_entry"
    # a card or entry whose context or visibility says no is not shown
    response = _client(hq_analyst).get(reverse("home"))
    assert [c.key for c in response.context["cards"]] == ["sales_hq", "quality_hq"]
    assert "test_entry" not in [item["key"] for item in response.context["nav_items"]]
