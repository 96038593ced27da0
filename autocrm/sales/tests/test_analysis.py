"""The analysis pages of the sales director and the GM (issue #14, item 6), the traffic ones:
trend and target, media effectiveness, registration rate, consultants needed; and what every
page shares: who may open it, its dealer only, the Excel export of its tables, bad query values.

Hand-made showroom (dealer A, 3–16 March 2025; W = walk-ins, R = registrations):

    day    consultant a          consultant a2      traffic
    03-03  W5 R2                 W2                 9
    03-04  W3 (model unknown)                       3
    03-07                        W1 R1              2
    03-10  W4 R1 (other model)                      5
    03-11  W6                    R1                 7
    03-12                        W2                 2
                                                   28 (23 unregistered + 5 registered)

Dealer B has 100 walk-ins and one registration on 03-03, which must never show for A.
"""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any
from urllib.parse import unquote

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from autocrm.rules.sales import last_three_months
from autocrm.sales import analysis
from autocrm.sales.analysis_views import ANALYSES
from autocrm.sales.models import Opportunity, SalesTarget, WalkInCount

pytestmark = pytest.mark.django_db

START, END = date(2025, 3, 3), date(2025, 3, 16)
PERIOD = {"start": START.isoformat(), "end": END.isoformat()}


# --- helpers shared with test_analysis_prospects --------------------------------------------


def walk_in(staff: Any, day: date, count: int, series: Any = None) -> None:
    with scopes_disabled():
        WalkInCount.objects.create(
            dealer_id=staff.dealer_id, consultant=staff, day=day, series=series, count=count
        )


def opp(staff: Any, customer: Any, series: Any, registered_on: date, **fields: Any) -> Any:
    hobbies = fields.pop("hobbies", [])
    values = {
        "dealer_id": staff.dealer_id,
        "customer": customer,
        "consultant": staff,
        "series": series,
        "expected_amount": Decimal("150000"),
        "expected_close_on": registered_on + timedelta(days=30),
        "registered_on": registered_on,
        **fields,
    }
    with scopes_disabled():
        opportunity = Opportunity.objects.create(**values)
        if hobbies:
            opportunity.hobbies.set(hobbies)
    return opportunity


def client_for(staff: Any) -> Client:
    client = Client()
    client.force_login(staff)
    return client


def url(slug: str) -> str:
    return reverse(f"sales:analysis_{slug}")


def page_of(staff: Any, slug: str, **query: Any) -> Any:
    response = client_for(staff).get(url(slug), {**PERIOD, **query})
    assert response.status_code == 200
    return response


def tables(response: Any) -> dict[str, Any]:
    return {t.key: t for t in response.context["page"].tables}


def figures(response: Any) -> dict[str, str]:
    return {f.testid: f.value for f in response.context["page"].figures}


def _cell(value: Any) -> Any:
    return value.date() if isinstance(value, datetime) else value


def assert_workbook_is_the_page(staff: Any, slug: str, **query: Any) -> Any:
    """The ?format=xlsx workbook holds the page's tables, cell for cell, in sheets of the
    tables' titles, then the "about" sheet; returns the workbook."""
    shown = page_of(staff, slug, **query)
    response = client_for(staff).get(url(slug), {**PERIOD, **query, "format": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    disposition = response["Content-Disposition"]
    analysis_ = next(a for a in ANALYSES if a.slug == slug)
    params = shown.context["params"]
    span = f"{params.start.isoformat()}_{params.end.isoformat()}"
    assert f'filename="{analysis_.ascii_name}_{span}.xlsx"' in disposition
    assert unquote(disposition.split("filename*=UTF-8''")[1]) == f"{analysis_.title}_{span}.xlsx"
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    page_tables = shown.context["page"].tables
    assert len(book.sheetnames) == len(page_tables) + 1
    for sheet, table in zip(book.worksheets, page_tables, strict=False):
        rows = [[_cell(c) for c in row] for row in sheet.iter_rows(values_only=True)]
        assert rows[0] == table.header
        expected = [*table.rows, *([table.foot] if table.foot is not None else [])]
        assert len(rows) - 1 == len(expected), table.key
        for got, want in zip(rows[1:], expected, strict=True):
            for g, w, column in zip(got, want, table.columns, strict=True):
                if w is None or w == "":
                    assert g in ("—", None), (table.key, column.label)
                elif isinstance(w, float):
                    assert g == pytest.approx(w), (table.key, column.label)
                else:
                    assert g == w, (table.key, column.label)
    return book


# --- the showroom -----------------------------------------------------------------------------


@pytest.fixture
def showroom(
    consultant_a: Any,
    consultant_a2: Any,
    consultant_b: Any,
    make_customer: Any,
    series: Any,
    other_series: Any,
) -> dict[str, Any]:
    a, a2 = consultant_a, consultant_a2
    customer = make_customer(a, name="陈立", mobile="13712345678")
    for staff, day, count, model in (
        (a, date(2025, 3, 3), 5, series),
        (a, date(2025, 3, 4), 3, None),
        (a, date(2025, 3, 10), 4, series),
        (a, date(2025, 3, 11), 6, series),
        (a2, date(2025, 3, 3), 2, series),
        (a2, date(2025, 3, 7), 1, series),
        (a2, date(2025, 3, 12), 2, series),
    ):
        walk_in(staff, day, count, model)
    for staff, day, model in (
        (a, date(2025, 3, 3), series),
        (a, date(2025, 3, 3), series),
        (a2, date(2025, 3, 7), series),
        (a, date(2025, 3, 10), other_series),
        (a2, date(2025, 3, 11), series),
    ):
        opp(staff, customer, model, day)
    walk_in(consultant_b, date(2025, 3, 3), 100, series)
    opp(consultant_b, make_customer(consultant_b, name="赵六"), series, date(2025, 3, 3))
    return {"a": a, "a2": a2, "dealer": a.dealer_id, "customer": customer}


def test_daily_traffic_weekdays_weeks_and_months(showroom: Any, scoped: Any, series: Any) -> None:
    with scoped(showroom["dealer"]):
        days = analysis.daily_traffic(showroom["dealer"], START, END)
        only_model = analysis.daily_traffic(showroom["dealer"], START, END, series.pk)
    assert len(days) == 14
    by_day = {d.key: (d.unregistered, d.registered, d.traffic) for d in days if d.traffic}
    assert by_day == {
        date(2025, 3, 3): (7, 2, 9),
        date(2025, 3, 4): (3, 0, 3),
        date(2025, 3, 7): (1, 1, 2),
        date(2025, 3, 10): (4, 1, 5),
        date(2025, 3, 11): (6, 1, 7),
        date(2025, 3, 12): (2, 0, 2),
    }
    whole = analysis.total(days)
    assert (whole.unregistered, whole.registered, whole.traffic) == (23, 5, 28)
    assert whole.registration_rate == pytest.approx(5 / 28)
    weekdays = analysis.by_weekday(days)
    assert [(w.days, w.traffic) for w in weekdays] == [
        (2, 14), (2, 10), (2, 2), (2, 0), (2, 2), (2, 0), (2, 0)
    ]  # fmt: skip
    assert weekdays[0].daily_average == 7.0 and weekdays[4].registration_rate == 0.5
    assert weekdays[3].registration_rate is None  # no traffic: no rate
    weeks = analysis.by_week(days)
    assert [(w.key, w.unregistered, w.registered) for w in weeks] == [
        (date(2025, 3, 3), 11, 3),
        (date(2025, 3, 10), 12, 2),
    ]
    [month] = analysis.by_month(days)
    assert (month.key, month.days, month.traffic) == (date(2025, 3, 1), 14, 28)
    # the model filter: the walk-ins of an unknown model and the other model's prospect go
    model = analysis.total(only_model)
    assert (model.unregistered, model.registered) == (20, 4)


def test_the_traffic_page_and_its_workbook(showroom: Any, manager_a: Any, gm_a: Any) -> None:
    for viewer in (manager_a, gm_a):
        response = page_of(viewer, "traffic")
        shown = figures(response)
        assert shown["traffic"] == "28" and shown["registered"] == "5"
        assert shown["registration-rate"] == "17.9%"
        week = tables(response)["week"]
        assert week.rows[0][:5] == [date(2025, 3, 3), 7, 11, 3, 14]
        assert week.foot[4] == 28
        html = response.content.decode()
        assert html.count("data-chart=") == 3
        assert 'data-testid="table-weekday"' in html and "17.9%" in html
    book = assert_workbook_is_the_page(manager_a, "traffic")
    weekday = book.worksheets[1]
    assert weekday.cell(2, 1).value == str(
        tables(page_of(manager_a, "traffic"))["weekday"].rows[0][0]
    )
    assert weekday.cell(2, 6).value == 7.0  # Monday: 14 over two Mondays


def test_the_monthly_traffic_target(
    consultant_a: Any, manager_a: Any, make_customer: Any, series: Any, scoped: Any
) -> None:
    """10 cars ÷ (registration 10/40 × conversion 2/10) = 200 walk-ins this month."""
    today = timezone.localdate()
    start, end = last_three_months(today.replace(day=1))
    customer = make_customer(consultant_a, name="陈立", mobile="13712345678")
    walk_in(consultant_a, start, 30, series)
    for i in range(10):
        won = i < 2
        opp(consultant_a, customer, series, start + timedelta(days=1),
            closed_on=end if won else None, status="won" if won else "open")  # fmt: skip
    opp(
        consultant_a,
        customer,
        series,
        start - timedelta(days=1),
        status="won",
        closed_on=start - timedelta(days=1),
    )
    walk_in(consultant_a, today, 6, series)
    with scoped(consultant_a.dealer):
        SalesTarget.objects.create(dealer=consultant_a.dealer, month=today.replace(day=1), units=10)
        SalesTarget.objects.create(
            dealer=consultant_a.dealer, month=today.replace(day=1), units=99, series=series
        )
        target = analysis.traffic_target(consultant_a.dealer_id, today)
    assert (target.window.traffic, target.window.registered, target.won) == (40, 10, 2)
    assert target.registration_rate == 0.25 and target.conversion_rate == 0.2
    assert target.sales_target == 10 and target.target == 200
    assert target.so_far.traffic == 6
    assert target.sales_from_traffic_so_far == pytest.approx(0.3)
    response = page_of(manager_a, "traffic")
    assert figures(response)["traffic-target"] == "200"
    row = tables(response)["target"].rows[0]
    assert row[1] == 10 and row[9] == 200 and row[10] == 6


def test_media_effect_and_lag(showroom: Any, manager_a: Any, scoped: Any) -> None:
    with scoped(showroom["dealer"]):
        result = analysis.media_analysis(showroom["dealer"], date(2025, 3, 10), 3)
    assert (result.effect.before, result.effect.after) == (2, 9)
    assert result.effect.growth == pytest.approx(3.5)
    assert [(o, n) for o, _d, n in result.profile] == [
        (-3, 2), (-2, 0), (-1, 0), (0, 5), (1, 7), (2, 2), (3, 0)
    ]  # fmt: skip
    response = page_of(manager_a, "media", day="2025-03-10", n="3")
    assert figures(response) == {"before": "2", "after": "9", "growth": "350.0%"}
    lag = response.context["page"].charts[0].option
    assert lag["series"][0]["data"][3]["itemStyle"]  # the day is marked
    assert_workbook_is_the_page(manager_a, "media", day="2025-03-10", n="3")


def test_registration_rate_per_consultant_and_weekday(
    showroom: Any, manager_a: Any, gm_a: Any, scoped: Any
) -> None:
    with scoped(showroom["dealer"]):
        people = analysis.traffic_by_consultant(showroom["dealer"], START, END)
    assert [(c.key, c.unregistered, c.registered, c.traffic) for c in people] == [
        (showroom["a2"].pk, 5, 2, 7),
        (showroom["a"].pk, 18, 3, 21),
    ]
    assert people[0].registration_rate == pytest.approx(2 / 7)
    response = page_of(gm_a, "registration")
    consultant = tables(response)["consultant"]
    assert consultant.rows[0][0] == str(showroom["a2"])
    assert consultant.foot[1:4] == [23, 5, 28]
    assert figures(response)["lowest-weekday"] in ("星期三", "Wednesday")
    assert_workbook_is_the_page(manager_a, "registration")


def test_reception_capacity_is_the_90th_percentile(
    consultant_a: Any, consultant_a2: Any, make_customer: Any, series: Any, scoped: Any
) -> None:
    """Ten days of 1…10 walk-ins: the 90th percentile (nearest rank 9) is 9, the busiest 10."""
    for i in range(10):
        walk_in(consultant_a, START + timedelta(days=i), i + 1, series)
    customer = make_customer(consultant_a, name="陈立", mobile="13712345678")
    opp(consultant_a, customer, series, START)  # day one: 1 walk-in + 1 registration
    walk_in(consultant_a2, START, 50, series)  # one day only: listed, not in the team figure
    with scoped(consultant_a.dealer):
        result = analysis.capacity_analysis(
            consultant_a.dealer_id, START, START + timedelta(days=20)
        )
    first, second = result.consultants
    assert (second.consultant_id, second.days_worked, second.busiest) == (consultant_a.pk, 10, 10)
    assert second.capacity == 9 and second.traffic == 56
    assert (first.consultant_id, first.capacity) == (consultant_a2.pk, 50)
    assert result.team_capacity == 9.0  # consultant a2 worked one day
    assert result.busiest_day is not None and result.busiest_day.traffic == 52


def test_consultants_needed(showroom: Any, manager_a: Any, gm_a: Any, scoped: Any) -> None:
    """a: days of 7, 3, 5, 6 (capacity 7); a2: 2, 2, 1, 2 (capacity 2); neither worked five
    days, so the team's figure is the median of both: 4.5 a consultant."""
    with scoped(showroom["dealer"]):
        result = analysis.capacity_analysis(showroom["dealer"], START, END)
    assert [(c.consultant_id, c.days_worked, c.traffic, c.busiest, c.capacity)
            for c in result.consultants] == [
        (showroom["a"].pk, 4, 21, 7, 7),
        (showroom["a2"].pk, 4, 7, 2, 2),
    ]  # fmt: skip
    assert result.team_capacity == 4.5
    assert result.busiest_day is not None and result.busiest_day.key == date(2025, 3, 3)
    response = page_of(manager_a, "consultants")
    assert figures(response)["expected"] == "9.0"  # the busiest day
    assert figures(response)["needed"] == "2"  # ⌈9 / 4.5⌉
    assert figures(page_of(gm_a, "consultants", expected="20"))["needed"] == "5"
    assert tables(response)["needed"].rows == [[4.5, 0.0, 9.0, 2]]  # no traffic last month
    assert_workbook_is_the_page(manager_a, "consultants", expected="20")


# --- every page -------------------------------------------------------------------------------


@pytest.mark.parametrize("slug", [a.slug for a in ANALYSES])
def test_who_may_open_the_analysis_pages(
    slug: str, manager_a: Any, gm_a: Any, consultant_a: Any, hq_analyst: Any, cr_a: Any
) -> None:
    for viewer in (manager_a, gm_a):
        assert client_for(viewer).get(url(slug)).status_code == 200
        assert client_for(viewer).get(url(slug), {"format": "xlsx"}).status_code == 200
    for viewer in (consultant_a, hq_analyst, cr_a):
        assert client_for(viewer).get(url(slug)).status_code == 403
        assert client_for(viewer).get(url(slug), {"format": "xlsx"}).status_code == 403
    assert Client().get(url(slug)).status_code == 302  # to the login page


def test_the_index_lists_every_analysis(manager_a: Any, consultant_a: Any) -> None:
    response = client_for(manager_a).get(reverse("sales:analysis"))
    assert response.status_code == 200
    html = response.content.decode()
    for a in ANALYSES:
        assert f'href="{url(a.slug)}"' in html
    assert client_for(consultant_a).get(reverse("sales:analysis")).status_code == 403


def test_another_dealers_showroom_never_shows(
    showroom: Any, manager_b: Any, consultant_b: Any
) -> None:
    assert figures(page_of(manager_b, "traffic"))["traffic"] == "101"
    assert figures(page_of(manager_b, "media", day="2025-03-04", n="1"))["before"] == "101"
    people = tables(page_of(manager_b, "registration"))["consultant"]
    assert [row[0] for row in people.rows] == [str(consultant_b)]
    capacity = tables(page_of(manager_b, "consultants"))["capacity"]
    assert [row[:3] for row in capacity.rows] == [[str(consultant_b), 1, 101]]


BAD = {
    "start": "garbage",
    "end": "2026-02-30",
    "series": "abc",
    "day": "yesterday",
    "n": "-5",
    "expected": "-1",
    "growth": "nan",
}


@pytest.mark.parametrize("slug", [a.slug for a in ANALYSES])
def test_bad_query_values_give_the_defaults(slug: str, manager_a: Any) -> None:
    response = client_for(manager_a).get(url(slug), BAD)
    assert response.status_code == 200
    params = response.context["params"]
    today = timezone.localdate()
    assert (params.start, params.end, params.series_id) == (today - timedelta(days=89), today, None)
    fields = {f.name: f.value for f in response.context["page"].fields}
    if slug == "media":
        assert fields == {"n": 7, "day": (today - timedelta(days=30)).isoformat()}
    if slug == "consultants":
        assert fields == {"expected": "", "growth": ""}
    for query in ({"series": "9" * 30}, {"n": "99999999999"}, {"n": "--5"}, {"start": "9999-12-31"},
                  {"day": "0001-01-01", "n": "30"}, {"expected": "1e308"}):  # fmt: skip
        assert client_for(manager_a).get(url(slug), query).status_code == 200, query


def test_the_range_is_swapped_and_at_most_three_years(manager_a: Any) -> None:
    response = client_for(manager_a).get(
        url("traffic"), {"start": "2025-03-16", "end": "2025-03-03"}
    )
    params = response.context["params"]
    assert (params.start, params.end) == (START, END)
    response = client_for(manager_a).get(
        url("traffic"), {"start": "2015-01-01", "end": "2025-12-31"}
    )
    params = response.context["params"]
    assert (params.start, params.end) == (date(2023, 1, 1), date(2025, 12, 31))
    assert len(tables(response)["daily"].rows) == 1096


@pytest.mark.parametrize("slug", [a.slug for a in ANALYSES])
def test_a_page_makes_a_few_queries(
    slug: str, showroom: Any, manager_a: Any, django_assert_max_num_queries: Any
) -> None:
    client = client_for(manager_a)
    with django_assert_max_num_queries(16):
        assert client.get(url(slug), PERIOD).status_code == 200
