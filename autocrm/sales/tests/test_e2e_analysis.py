"""End-to-end in headless Chromium: the sales director opens every analysis page over a small
showroom of the last 90 days; each page draws its charts (a canvas in every `data-chart`), logs
no console error, and is photographed into /tmp/shots/analysis-<name>.png.

Asserts on data-testid hooks, never on translated labels.
"""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from django_scopes import scopes_disabled
from playwright.sync_api import expect

from autocrm.sales.analysis_views import ANALYSES
from autocrm.sales.models import Lead, Opportunity, WalkInCount
from autocrm.testing.browser import login

pytestmark = pytest.mark.e2e

SHOTS = Path("/tmp/shots")


@pytest.fixture
def busy_showroom(
    consultant_a: Any,
    consultant_a2: Any,
    make_staff: Any,
    dealer_a: Any,
    make_customer: Any,
    series: Any,
    other_series: Any,
    dict_entry: Any,
) -> None:
    """Three consultants over the last 90 days: walk-ins with a weekly rhythm (busy
    weekends, a lax Friday), prospects with their background, deals, lost sales and leads."""
    rnd = random.Random(14)
    team = [
        consultant_a,
        consultant_a2,
        make_staff(dealer_a, "sales_consultant", display_name="王芳"),
    ]
    customer = make_customer(consultant_a, name="陈立", mobile="13712345678")
    today = timezone.localdate()
    kinds = ("info_source", "industry", "position", "lost_reason", "payment_method", "hobby")
    with scopes_disabled():
        from autocrm.dictionaries.models import DictionaryEntry

        entries = {k: list(DictionaryEntry.objects.filter(dealer=dealer_a, kind=k)) for k in kinds}
        walk_ins, opportunities = [], []
        for back in range(90):
            day = today - timedelta(days=back)
            rush = 2.0 if day.weekday() >= 5 else 1.0
            for staff in team:
                walk_ins.append(
                    WalkInCount(
                        dealer=dealer_a, consultant=staff, day=day, series=series,
                        count=int(rnd.randint(2, 6) * rush),
                    )
                )  # fmt: skip
                for _i in range(rnd.randint(0, 1 if day.weekday() == 4 else 3)):
                    won, lost = rnd.random() < 0.2, rnd.random() < 0.2
                    opportunities.append(
                        Opportunity(
                            dealer=dealer_a, customer=customer, consultant=staff,
                            series=rnd.choice([series, series, other_series]),
                            expected_amount=Decimal("150000"),
                            expected_close_on=day + timedelta(days=30), registered_on=day,
                            info_source=rnd.choice(entries["info_source"]),
                            industry=rnd.choice(entries["industry"]),
                            position=rnd.choice(entries["position"]),
                            age_band=rnd.choice(["21-25", "26-30", "31-35", "36-40", "41-45", ""]),
                            status="won" if won else "lost" if lost else "open",
                            closed_on=min(today, day + timedelta(days=rnd.choice([0, 3, 40])))
                            if won or lost else None,
                            lost_reason=rnd.choice(entries["lost_reason"]) if lost else None,
                            lost_to_series=other_series if lost and rnd.random() < 0.3 else None,
                            payment_method=rnd.choice(entries["payment_method"]) if won else None,
                        )
                    )  # fmt: skip
        WalkInCount.objects.bulk_create(walk_ins)
        made = Opportunity.objects.bulk_create(opportunities)
        for o in made[::3]:
            o.hobbies.set(rnd.sample(entries["hobby"], 2))
        leads = []
        for _i in range(60):
            at = timezone.now() - timedelta(days=rnd.randint(1, 80), hours=rnd.randint(0, 5))
            seconds = rnd.choice([120, 400, 800, 1300, 2500])
            band = "on_time" if seconds <= 900 else "late" if seconds <= 1800 else "missed"
            leads.append(
                Lead(
                    dealer=dealer_a, source=rnd.choice(["phone", "autohome", "dongchedi", "yiche"]),
                    received_at=at, name="客户", mobile="+8613712345678", customer=customer,
                    match="known", consultant=rnd.choice(team), status="contacted",
                    responded_at=at + timedelta(seconds=seconds), response_seconds=seconds,
                    response_band=band, due_at=at, missed_at=at,
                )
            )  # fmt: skip
        Lead.objects.bulk_create(leads)


def test_the_director_sees_every_analysis_drawn(
    page: Any, live_server: Any, manager_a: Any, busy_showroom: None
) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    login(page, live_server, manager_a)
    errors: list[str] = []  # from here: the login page asks for a favicon there is none of
    page.on(
        "console", lambda m: errors.append(f"{page.url}: {m.text}") if m.type == "error" else None
    )
    page.on("pageerror", lambda e: errors.append(f"{page.url}: {e}"))
    page.goto(f"{live_server.url}/sales/analysis/")
    expect(page.get_by_test_id("analysis-index")).to_be_visible()
    page.screenshot(path=str(SHOTS / "analysis-index.png"), full_page=True)
    with page.expect_navigation():
        page.get_by_test_id("analysis-traffic").click()
    for analysis in ANALYSES:
        if analysis.slug != "traffic":
            page.goto(f"{live_server.url}/sales/analysis/{analysis.slug}/")
        expect(page.locator("[data-chart] canvas").first).to_be_visible()
        charts = page.locator("[data-chart]")
        assert charts.count() >= 1
        for i in range(charts.count()):
            expect(charts.nth(i).locator("canvas")).to_have_count(1)
        expect(page.get_by_test_id("export-xlsx")).to_be_visible()
        page.wait_for_timeout(600)  # let the charts' entry animation finish
        page.screenshot(path=str(SHOTS / f"analysis-{analysis.slug}.png"), full_page=True)
        with page.expect_download() as download:
            page.get_by_test_id("export-xlsx").click()
        assert download.value.suggested_filename.endswith(".xlsx")
    assert errors == []
