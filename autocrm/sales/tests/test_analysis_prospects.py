"""The analysis pages over prospects, lost sales, buyers, the conversion cycle and the leads'
first responses (issue #14, item 6), each on a hand-made March 2025 of dealer A with dealer B's
rows beside it that must never count."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from django_scopes import scopes_disabled

from autocrm.dictionaries.models import DictionaryEntry
from autocrm.sales import analysis_prospect_selectors as prospects
from autocrm.sales import analysis_response_selectors as responses
from autocrm.sales.models import Lead
from autocrm.sales.tests.test_analysis import (
    assert_workbook_is_the_page,
    figures,
    opp,
    page_of,
    tables,
)

pytestmark = pytest.mark.django_db

MARCH = (date(2025, 3, 1), date(2025, 3, 31))
PERIOD = {"start": "2025-03-01", "end": "2025-03-31"}
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def customer(make_customer: Any, consultant_a: Any) -> Any:
    return make_customer(consultant_a, name="陈立", mobile="13712345678")


@pytest.fixture
def other_customer(make_customer: Any, consultant_b: Any) -> Any:
    return make_customer(consultant_b, name="赵六", mobile="13712345679")


def rows(shares: list[Any]) -> list[tuple[str, int, float]]:
    return [(s.code, s.count, round(s.share, 4)) for s in shares]


# --- 5. prospects -----------------------------------------------------------------------------


@pytest.fixture
def prospect_book(
    consultant_a: Any,
    consultant_b: Any,
    customer: Any,
    other_customer: Any,
    series: Any,
    other_series: Any,
    dict_entry: Any,
) -> dict[str, Any]:
    """Six prospects registered in March (one of the other model), one registered in February
    and won in March. 羊城晚报 is the dealer's own newspaper (standard option: newspaper)."""
    a, dealer = consultant_a, consultant_a.dealer

    def e(kind: str, code: str) -> Any:
        return dict_entry(dealer, kind, code)

    with scopes_disabled():
        paper = DictionaryEntry.objects.create(
            dealer=dealer,
            kind="info_source",
            code="ycwb",
            label="羊城晚报",
            standard_code="newspaper",
        )
    golf, travel, fishing = e("hobby", "golf"), e("hobby", "travel"), e("hobby", "fishing")
    day = date(2025, 3, 5)
    opp(
        a,
        customer,
        series,
        day,
        info_source=e("info_source", "newspaper"),
        industry=e("industry", "finance"),
        position=e("position", "owner"),
        age_band="26-30",
        hobbies=[golf, travel],
        status="won",
        closed_on=date(2025, 3, 20),
    )
    opp(
        a,
        customer,
        series,
        day,
        info_source=paper,
        industry=e("industry", "finance"),
        position=e("position", "employee"),
        age_band="26-30",
        hobbies=[golf],
    )
    opp(
        a,
        customer,
        series,
        day,
        info_source=paper,
        industry=e("industry", "it"),
        age_band="31-35",
        hobbies=[travel, fishing, golf],
    )
    opp(
        a,
        customer,
        series,
        day,
        info_source=e("info_source", "referral"),
        industry=e("industry", "it"),
        position=e("position", "owner"),
        status="won",
        closed_on=date(2025, 3, 25),
    )
    opp(
        a,
        customer,
        series,
        day,
        info_source=e("info_source", "referral"),
        status="lost",
        closed_on=date(2025, 3, 28),
    )
    opp(a, customer, other_series, day)
    opp(
        a,
        customer,
        series,
        date(2025, 2, 10),
        info_source=e("info_source", "referral"),
        status="won",
        closed_on=date(2025, 3, 5),
    )
    opp(consultant_b, other_customer, series, day,
        info_source=dict_entry(consultant_b.dealer, "info_source", "newspaper"))  # fmt: skip
    return {"dealer": dealer.pk}


def test_prospects_by_source_industry_position_age_and_hobby(
    prospect_book: Any, scoped: Any, series: Any
) -> None:
    dealer = prospect_book["dealer"]
    with scoped(dealer):
        r = prospects.prospect_analysis(dealer, *MARCH)
        model = prospects.prospect_analysis(dealer, *MARCH, series_id=series.pk)
    assert (r.registered, r.won, r.conversion) == (6, 3, 0.5)
    assert [(s.code, s.label, s.registered, s.won) for s in r.sources] == [
        ("newspaper", "报纸", 3, 1),
        ("referral", "朋友推荐", 2, 2),  # the February prospect won in March counts as won
        ("", "—", 1, 0),
    ]
    assert r.sources[0].conversion == pytest.approx(1 / 3) and r.sources[1].conversion == 1.0
    assert r.sources[0].share == 0.5
    assert [(s.code, s.label, s.standard, s.registered, s.won) for s in r.own_sources] == [
        ("referral", "朋友推荐", "朋友推荐", 2, 2),
        ("ycwb", "羊城晚报", "报纸", 2, 0),
        ("newspaper", "报纸", "报纸", 1, 1),
        ("", "—", "—", 1, 0),
    ]
    assert rows(r.industries) == [("finance", 2, 0.3333), ("it", 2, 0.3333), ("", 2, 0.3333)]
    assert rows(r.positions) == [("owner", 2, 0.3333), ("employee", 1, 0.1667), ("", 3, 0.5)]
    assert rows(r.age_bands) == [("26-30", 2, 0.3333), ("31-35", 1, 0.1667), ("", 3, 0.5)]
    assert rows(r.hobbies) == [("golf", 3, 0.5), ("travel", 2, 0.3333), ("fishing", 1, 0.1667)]
    assert (model.registered, model.sources[-1].code) == (5, "referral")


def test_the_prospects_page_and_its_workbook(
    prospect_book: Any, manager_a: Any, gm_a: Any, manager_b: Any
) -> None:
    for viewer in (manager_a, gm_a):
        response = page_of(viewer, "prospects", **PERIOD)
        assert figures(response) == {"registered": "6", "won": "3", "conversion": "50.0%"}
        source = tables(response)["source"]
        assert source.rows[0] == ["报纸", 3, 0.5, 1, pytest.approx(1 / 3)]
        assert source.foot[1:] == [6, 1.0, 3, 0.5]
        assert response.content.decode().count("data-chart=") == 6
    assert_workbook_is_the_page(manager_a, "prospects", **PERIOD)
    assert figures(page_of(manager_b, "prospects", **PERIOD))["registered"] == "1"


# --- 6. lost reasons --------------------------------------------------------------------------


@pytest.fixture
def lost_book(
    consultant_a: Any,
    consultant_b: Any,
    customer: Any,
    other_customer: Any,
    series: Any,
    other_series: Any,
    dict_entry: Any,
) -> dict[str, Any]:
    a, dealer = consultant_a, consultant_a.dealer

    def reason(code: str) -> Any:
        return dict_entry(dealer, "lost_reason", code)

    day, closed = date(2025, 2, 1), date(2025, 3, 10)
    for code in ("price", "price", "price", "configuration"):
        opp(a, customer, series, day, status="lost", closed_on=closed, lost_reason=reason(code))
    opp(a, customer, series, day, status="lost", closed_on=closed, lost_reason=reason("competitor"),
        lost_to_series=other_series)  # fmt: skip
    opp(
        a, customer, other_series, day, status="lost", closed_on=closed, lost_reason=reason("price")
    )
    opp(a, customer, other_series, day, status="lost", closed_on=closed)
    opp(
        a,
        customer,
        series,
        day,
        status="lost",
        closed_on=date(2025, 2, 28),
        lost_reason=reason("price"),
    )
    opp(a, customer, series, day, status="lost_requested", lost_reason=reason("colour"))
    opp(consultant_b, other_customer, series, day, status="lost", closed_on=closed,
        lost_reason=dict_entry(consultant_b.dealer, "lost_reason", "colour"))  # fmt: skip
    return {"dealer": dealer.pk}


def test_lost_reasons_by_model(lost_book: Any, scoped: Any, series: Any, other_series: Any) -> None:
    dealer = lost_book["dealer"]
    with scoped(dealer):
        r = prospects.lost_analysis(dealer, *MARCH)
    assert r.lost == 7
    assert rows(r.reasons) == [
        ("price", 4, 0.5714), ("configuration", 1, 0.1429), ("competitor", 1, 0.1429),
        ("", 1, 0.1429),
    ]  # fmt: skip
    first, second = r.models
    assert (first.series_id, first.total, first.small_sample) == (series.pk, 5, True)
    assert first.shares == {"price": 0.6, "configuration": 0.2, "competitor": 0.2}
    assert (second.series_id, second.shares) == (other_series.pk, {"price": 0.5, "": 0.5})
    assert rows(r.competitors) == [("丰田 凯美瑞", 1, 1.0)]


def test_the_lost_page_and_its_workbook(lost_book: Any, manager_a: Any, gm_a: Any) -> None:
    response = page_of(gm_a, "lost", **PERIOD)
    model = tables(response)["model"]
    assert model.rows[0] == ["朗逸*", 5, 0.6, 0.2, 0.2, 0.0]
    assert model.rows[1] == ["凯美瑞*", 2, 0.5, 0.0, 0.0, 0.5]
    assert model.foot[1] == 7
    stacked = response.context["page"].charts[0].option
    assert stacked["xAxis"]["max"] == 100 and len(stacked["series"]) == 4
    assert_workbook_is_the_page(manager_a, "lost", **PERIOD)


# --- 7. buyers --------------------------------------------------------------------------------


@pytest.fixture
def buyer_book(
    consultant_a: Any, consultant_b: Any, customer: Any, other_customer: Any, series: Any,
    dict_entry: Any,
) -> dict[str, Any]:  # fmt: skip
    a, dealer = consultant_a, consultant_a.dealer

    def pay(code: str) -> Any:
        return dict_entry(dealer, "payment_method", code)

    opp(
        a,
        customer,
        series,
        date(2025, 3, 2),
        age_band="26-30",
        status="won",
        closed_on=date(2025, 3, 12),
        payment_method=pay("full"),
    )
    opp(a, customer, series, date(2025, 3, 3), age_band="26-30")
    opp(a, customer, series, date(2025, 3, 4), age_band="41-45")
    opp(a, customer, series, date(2025, 3, 5))
    opp(
        a,
        customer,
        series,
        date(2025, 2, 3),
        age_band="26-30",
        quantity=2,
        status="won",
        closed_on=date(2025, 3, 15),
        payment_method=pay("loan"),
    )
    opp(
        a,
        customer,
        series,
        date(2025, 1, 3),
        age_band="31-35",
        status="won",
        closed_on=date(2025, 3, 20),
        payment_method=pay("loan"),
    )
    opp(a, customer, series, date(2025, 1, 3), status="won", closed_on=date(2025, 4, 2))
    opp(consultant_b, other_customer, series, date(2025, 3, 3), status="won",
        closed_on=date(2025, 3, 12))  # fmt: skip
    return {"dealer": dealer.pk}


def test_buyers_payment_and_age_beside_the_prospects(
    buyer_book: Any, scoped: Any, manager_a: Any, gm_a: Any
) -> None:
    dealer = buyer_book["dealer"]
    with scoped(dealer):
        r = prospects.buyer_analysis(dealer, *MARCH)
    assert (r.buyers, r.units, r.prospects) == (3, 4, 4)
    assert rows(r.payments) == [("loan", 2, 0.6667), ("full", 1, 0.3333)]
    assert [(a.code, a.prospects, a.buyers) for a in r.ages] == [
        ("26-30", 2, 2), ("31-35", 0, 1), ("41-45", 1, 0), ("", 1, 0)
    ]  # fmt: skip
    assert r.ages[0].prospect_share == 0.5 and r.ages[0].buyer_share == pytest.approx(2 / 3)
    response = page_of(gm_a, "buyers", **PERIOD)
    assert figures(response) == {"buyers": "3", "prospects": "4"}
    assert tables(response)["age"].foot[1:] == [4, 1.0, 3, 1.0]
    assert_workbook_is_the_page(manager_a, "buyers", **PERIOD)


# --- 8. conversion cycle ----------------------------------------------------------------------


def test_the_conversion_cycle(
    consultant_a: Any, consultant_b: Any, customer: Any, other_customer: Any, series: Any,
    scoped: Any, manager_a: Any, gm_a: Any,
) -> None:  # fmt: skip
    """Deals in March 2025 registered in March (2), February, September 2024 and 2023."""
    for registered in (date(2025, 3, 2), date(2025, 3, 10), date(2025, 2, 27),
                       date(2024, 9, 15), date(2023, 1, 1)):  # fmt: skip
        opp(consultant_a, customer, series, registered, status="won", closed_on=date(2025, 3, 20))
    opp(consultant_a, customer, series, date(2025, 3, 2), status="won", closed_on=date(2025, 4, 1))
    opp(consultant_a, customer, series, date(2025, 3, 2), status="lost", closed_on=date(2025, 3, 9))
    opp(consultant_b, other_customer, series, date(2025, 1, 2), status="won",
        closed_on=date(2025, 3, 9))  # fmt: skip
    with scoped(consultant_a.dealer):
        r = prospects.conversion_cycle(consultant_a.dealer_id, *MARCH)
    assert r.won == 5
    assert [(m.code, m.count) for m in r.months if m.count] == [
        ("0", 2),
        ("1", 1),
        ("6", 1),
        ("12", 1),
    ]
    assert len(r.months) == 13 and r.months[-1].label == "12+"
    assert (r.within_the_month, r.six_months_or_more) == (0.4, 0.4)
    response = page_of(gm_a, "cycle", **PERIOD)
    assert figures(response) == {"won": "5", "month-zero": "40.0%", "six-plus": "40.0%"}
    assert_workbook_is_the_page(manager_a, "cycle", **PERIOD)


# --- 9. lead first response -------------------------------------------------------------------


def _lead(staff: Any, customer: Any, source: str, at: datetime, **fields: Any) -> Any:
    with scopes_disabled():
        return Lead.objects.create(
            dealer_id=customer.dealer_id,
            source=source,
            received_at=at,
            name=customer.name,
            mobile="+8613712345678",
            customer=customer,
            match="known",
            consultant=staff,
            **fields,
        )


def _answered(seconds: int, band: str) -> dict[str, Any]:
    at = datetime(2025, 3, 10, 10, 0, tzinfo=SHANGHAI)
    return {
        "status": "contacted",
        "responded_at": at + timedelta(seconds=seconds),
        "response_seconds": seconds,
        "response_band": band,
        "due_at": at + timedelta(minutes=15),
        "missed_at": at + timedelta(minutes=30),
    }


@pytest.fixture
def lead_book(
    consultant_a: Any, consultant_a2: Any, consultant_b: Any, customer: Any, other_customer: Any
) -> dict[str, Any]:
    a, a2 = consultant_a, consultant_a2
    at = datetime(2025, 3, 10, 10, 0, tzinfo=SHANGHAI)
    _lead(a, customer, "phone", at, **_answered(600, "on_time"))
    _lead(a, customer, "phone", at, **_answered(1200, "late"))
    _lead(
        a,
        customer,
        "phone",
        datetime(2025, 3, 31, 23, 30, tzinfo=SHANGHAI),
        **_answered(60, "on_time"),
    )
    _lead(a2, customer, "autohome", at, **_answered(3000, "missed"))
    _lead(a2, customer, "autohome", at, **_answered(300, "on_time"))
    _lead(a2, customer, "autohome", at, status="repeat")
    _lead(None, customer, "dongchedi", at, due_at=at, missed_at=at + timedelta(minutes=30))
    later = timezone.now() + timedelta(days=1)
    _lead(a, customer, "yiche", at, due_at=later, missed_at=later)
    _lead(a, customer, "walk_in", at, **_answered(6000, ""))
    _lead(
        a,
        customer,
        "phone",
        datetime(2025, 2, 28, 23, 30, tzinfo=SHANGHAI),
        **_answered(60, "on_time"),
    )
    _lead(consultant_b, other_customer, "phone", at, **_answered(5000, "missed"))
    return {"dealer": a.dealer_id, "a": a, "a2": a2}


def test_first_response_by_source_and_consultant(lead_book: Any, scoped: Any) -> None:
    with scoped(lead_book["dealer"]):
        r = responses.response_analysis(lead_book["dealer"], *MARCH)

    def counts(row: Any) -> tuple[Any, ...]:
        return (row.key, row.clocked, row.answered, row.on_time, row.late, row.missed, row.waiting,
                row.median_minutes)  # fmt: skip

    assert [counts(s) for s in r.by_source] == [
        ("phone", 3, 3, 2, 1, 0, 0, 10.0),
        ("autohome", 2, 2, 1, 0, 1, 0, 27.5),
        ("dongchedi", 1, 0, 0, 0, 1, 0, None),
        ("yiche", 1, 0, 0, 0, 0, 1, None),
    ]
    assert [counts(c) for c in r.by_consultant] == [
        (lead_book["a"].pk, 4, 3, 2, 1, 0, 1, 10.0),
        (lead_book["a2"].pk, 2, 2, 1, 0, 1, 0, 27.5),
        (None, 1, 0, 0, 0, 1, 0, None),
    ]
    assert counts(r.total) == (None, 7, 5, 3, 1, 2, 1, 10.0)
    assert r.total.shares["on_time"] == pytest.approx(3 / 7)


def test_the_response_page_and_its_workbook(lead_book: Any, manager_a: Any, gm_a: Any) -> None:
    response = page_of(gm_a, "response", **PERIOD)
    assert figures(response) == {
        "clocked": "7",
        "on-time": "42.9%",
        "missed": "28.6%",
        "median": "10.0",
    }
    consultant = tables(response)["consultant"]
    assert consultant.rows[0][0] == str(lead_book["a"])
    assert consultant.foot[1:7] == [7, 5, 3, 1, 2, 1]
    assert_workbook_is_the_page(manager_a, "response", **PERIOD)
