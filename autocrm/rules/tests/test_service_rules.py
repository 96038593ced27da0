"""After-sales rules against hand-worked examples, at every boundary domain.md §4 names."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from autocrm.rules import service as r

D = Decimal


@pytest.mark.parametrize(
    ("months", "visits", "spend", "here", "expected"),
    [
        # seed 000: "未返厂维修时间 3个月 6个月"
        (None, 0, D(0), True, "lost"),  # never came back
        (7, 5, D(9000), True, "lost"),  # more than 6 months
        (6, 5, D(9000), True, "inactive"),  # 6 months is not more than 6
        (4, 5, D(9000), True, "inactive"),  # more than 3 months
        # within 3 months: "回厂次数 =2 =4", "合计 =2000 =4000", "新车客户 续保客户"
        (3, 4, D(4000), True, "loyal"),
        (0, 4, D(4000), False, "fairly_loyal"),  # loyal needs a car bought or insured here
        (1, 3, D(4000), True, "fairly_loyal"),  # 3 visits: not 4
        (1, 4, D("3999.99"), True, "fairly_loyal"),  # just under 4,000
        (2, 2, D(2000), False, "fairly_loyal"),
        (2, 1, D(2000), True, "regular"),  # 1 visit
        (2, 2, D("1999.99"), True, "regular"),  # just under 2,000
    ],
)
def test_loyalty_classes(
    months: int | None, visits: int, spend: Decimal, here: bool, expected: str
) -> None:
    got = r.loyalty_class(
        months_since_visit=months, visits_12m=visits, spend_12m=spend, bought_or_renews_here=here
    )
    assert got == expected


def test_loyalty_thresholds_are_settings() -> None:
    strict = r.LoyaltyThresholds(loyal_visits=6)
    assert (
        r.loyalty_class(
            months_since_visit=1,
            visits_12m=5,
            spend_12m=D(9000),
            bought_or_renews_here=True,
            thresholds=strict,
        )
        == "fairly_loyal"
    )


def test_months_between_counts_whole_months() -> None:
    assert r.months_between(date(2026, 3, 3), date(2026, 6, 2)) == 2
    assert r.months_between(date(2026, 3, 3), date(2026, 6, 3)) == 3
    assert r.months_between(date(2026, 1, 31), date(2026, 2, 28)) == 0


@pytest.mark.parametrize(
    ("purchase", "last_visit", "expected"),
    [
        (date(2025, 12, 1), None, "first_service_missed"),  # 12 months, no return: 首保流失
        (date(2026, 1, 1), None, ""),  # 11 months: still time for the first service
        (date(2024, 11, 1), None, "lost_pool"),  # over 24 months, never back
        (date(2020, 1, 1), date(2025, 12, 1), "warning"),  # 12 months idle
        (date(2020, 1, 1), date(2026, 1, 1), ""),  # 11 months idle
        (date(2020, 1, 1), date(2024, 12, 1), "warning"),  # 24 months: not more than 24
        (date(2020, 1, 1), date(2024, 11, 1), "lost_pool"),  # 25 months: more than 24
    ],
)
def test_churn_stages(purchase: date, last_visit: date | None, expected: str) -> None:
    assert r.churn_stage(
        purchase_date=purchase, last_visit=last_visit, today=date(2026, 12, 1)
    ) == (expected)


def _readings(start: date, every_days: int, km_per_day: float, n: int) -> list[r.Reading]:
    return [
        r.Reading(start + timedelta(days=i * every_days), round(i * every_days * km_per_day))
        for i in range(n)
    ]


def test_daily_distance_from_a_vehicle_with_a_known_history() -> None:
    history = _readings(date(2025, 1, 1), 90, 42.0, 6)
    rate = r.daily_distance(history, fallback_km_per_day=30)
    assert rate.source == "own" and rate.km_per_day == pytest.approx(42.0, abs=0.1)


def test_one_mistyped_reading_does_not_move_the_estimate() -> None:
    history = _readings(date(2025, 1, 1), 90, 42.0, 6)
    typo = history[3]
    history[3] = r.Reading(typo.day, typo.km * 10)  # 113,400 typed for 11,340
    rate = r.daily_distance(history, fallback_km_per_day=30)
    assert rate.km_per_day == pytest.approx(42.0, rel=0.15)
    today = history[-1].day + timedelta(days=30)
    assert r.estimated_mileage(history, rate, today) == pytest.approx(
        history[-1].km + 30 * 42, rel=0.05
    )


def test_too_few_readings_fall_back_to_the_average() -> None:
    one = [r.Reading(date(2026, 1, 1), 5_000)]
    assert r.daily_distance(one, fallback_km_per_day=35.5) == r.DailyDistance(35.5, "fallback", 1)
    close = [r.Reading(date(2026, 1, 1), 5_000), r.Reading(date(2026, 1, 10), 5_400)]
    assert r.daily_distance(close, fallback_km_per_day=35.5).source == "fallback"


def test_next_service_by_time_or_mileage_whichever_first() -> None:
    today = date(2026, 12, 1)
    fast = r.DailyDistance(100.0, "own", 5)
    # 10,000 km or 12 months after the last service at 20,000 km on 2026-06-01
    due, why = r.next_service(
        km_now=25_000, last_service_day=date(2026, 6, 1), last_service_km=20_000,
        interval_km=10_000, interval_months=12, rate=fast, today=today,
    )  # fmt: skip
    assert (due, why) == (today + timedelta(days=50), "km")
    slow = r.DailyDistance(5.0, "own", 5)
    due, why = r.next_service(
        km_now=25_000, last_service_day=date(2026, 6, 1), last_service_km=20_000,
        interval_km=10_000, interval_months=12, rate=slow, today=today,
    )  # fmt: skip
    assert (due, why) == (date(2027, 6, 1), "time")


def test_a_due_date_at_a_month_end() -> None:
    due, _why = r.next_service(
        km_now=0, last_service_day=date(2026, 8, 31), last_service_km=0, interval_km=10_000,
        interval_months=6, rate=r.DailyDistance(0.0, "own", 3), today=date(2026, 9, 1),
    )  # fmt: skip
    assert due == date(2027, 2, 28)


@pytest.mark.parametrize(
    ("km", "inside"),
    [(77_999, False), (78_000, True), (80_000, True), (82_000, True), (82_001, False),
     (158_000, True), (162_000, True), (120_000, False), (0, False)],
)  # fmt: skip
def test_the_seeds_timing_belt_window(km: int, inside: bool) -> None:
    # seed 002: "每8万公里换正时皮带 … 7.8和8.2, 或者输入15.8和16.2"
    assert r.in_mileage_window(km, point_km=80_000) is inside
