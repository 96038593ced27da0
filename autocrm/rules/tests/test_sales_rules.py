"""The sales formulas of seed 002, each against the seed's own words and figures."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from autocrm.rules import sales as r


def test_traffic_is_unregistered_walk_ins_plus_new_prospects() -> None:
    # "销售顾问每天在"未留档客户管理"中录入未留档客户数+潜在客户建档数=集客量"
    assert r.traffic(unregistered=120, registered=75) == 195  # the seed's 195 批/月 per dealer


def test_registration_and_conversion_rates() -> None:
    # 留档率 = registered / traffic; "潜在客户成交率=购车客户数/留档客户"
    assert r.registration_rate(78, 195) == pytest.approx(0.40)
    assert r.conversion_rate(16, 80) == pytest.approx(0.20)
    assert r.registration_rate(0, 0) is None
    assert r.conversion_rate(3, 0) is None


def test_dealer_sales_is_traffic_times_both_rates() -> None:
    # "经销商销量=集客量*留档率*潜在客户成交率": 195 批 × 40 % × 20 % = 15.6 cars
    assert r.dealer_sales(195, 0.40, 0.20) == pytest.approx(15.6)
    assert r.dealer_sales(195, None, 0.2) is None


def test_monthly_traffic_target_divides_the_sales_target_by_both_rates() -> None:
    # "月度集客目标=销量目标/(留档率*潜在客户成交率)": 16 cars / (40 % × 20 %) = 200 批
    assert r.monthly_traffic_target(16, 0.40, 0.20) == 200
    # rounded up: 15.6 cars' worth of traffic is 195 批, 15.61 needs 196
    assert r.monthly_traffic_target(15.6, 0.40, 0.20) == 195
    assert r.monthly_traffic_target(15.61, 0.40, 0.20) == 196
    assert r.monthly_traffic_target(16, 0, 0.2) is None


def test_the_target_and_the_sales_formula_invert_each_other() -> None:
    target = r.monthly_traffic_target(30, 0.35, 0.25)
    assert target is not None
    assert r.dealer_sales(target, 0.35, 0.25) >= 30  # type: ignore[operator]
    assert r.dealer_sales(target - 1, 0.35, 0.25) < 30  # type: ignore[operator]


def test_the_rates_come_from_the_last_three_whole_months() -> None:
    # "通过统计近三个月整个销售团队的留档率、潜在客户成交率作为基础"
    assert r.last_three_months(date(2026, 3, 1)) == (date(2025, 12, 1), date(2026, 2, 28))
    assert r.last_three_months(date(2026, 12, 17)) == (date(2026, 9, 1), date(2026, 11, 30))


def test_media_effect_sums_n_days_each_side_of_the_day() -> None:
    # "选择某一天作为判断时点 汇总前后N天的集客量总数 以集客量增长幅度作为评价指标"
    day = date(2026, 4, 10)
    daily = {day - timedelta(days=i): 5 for i in range(1, 8)}  # 35 before
    daily[day] = 100  # the day itself counts on neither side
    daily |= {day + timedelta(days=i): 7 for i in range(1, 8)}  # 49 after
    effect = r.media_effect(daily, day, 7)
    assert (effect.before, effect.after) == (35, 49)
    assert effect.growth == pytest.approx(0.4)
    assert r.media_effect({}, day, 7).growth is None


def test_lag_profile_shows_where_the_effect_starts() -> None:
    # "关注延迟期,作为以后活动的参考"
    day = date(2026, 4, 10)
    daily = {day + timedelta(days=3): 20}
    profile = dict(r.lag_profile(daily, day, 5))
    assert profile[3] == 20 and profile[0] == 0 and len(profile) == 11


def test_consultants_needed_rounds_up() -> None:
    # "了解销售顾问日接待能力 … 估计需要的展厅销售顾问人数": 46 walk-ins, 8 each → 6 consultants
    assert r.consultants_needed(46, 8) == 6
    assert r.consultants_needed(48, 8) == 6
    assert r.consultants_needed(10, 0) is None


@pytest.mark.parametrize(
    ("age", "band"),
    [
        (18, "0-20"),
        (20, "0-20"),
        (21, "21-25"),
        (25, "21-25"),
        (26, "26-30"),
        (55, "51-55"),
        (56, "56+"),
        (80, "56+"),
    ],
)
def test_age_bands_are_the_seeds(age: int, band: str) -> None:
    # "20岁以下 21-25岁 26-30岁 31-35岁 36-40岁 41-45岁 46-50岁 51-55岁 56岁以上"
    assert r.age_band(age) == band


def test_age_on_a_day() -> None:
    assert r.age_on(date(1990, 6, 15), date(2026, 6, 14)) == 35
    assert r.age_on(date(1990, 6, 15), date(2026, 6, 15)) == 36


def test_funnel_probabilities_are_the_seeds() -> None:
    # "得到信息:10% 明确信息:25% 确认信息:50% 交易磋商:75% 合同签订:90% 递交新车:100%"
    assert [r.STAGE_PROBABILITY[s] for s in r.STAGE_ORDER] == [10, 25, 50, 75, 90, 100]


def test_forecast_weights_amount_and_units_by_probability() -> None:
    # "确定预测时间的起止日期 … 自动统计预计实现的销售额"
    assert r.weighted_amount(Decimal("200000"), "negotiation") == Decimal("150000.00")
    assert r.weighted_units(2, "confirmed") == Decimal("1.00")


def test_conversion_cycle_counts_calendar_months_up_to_twelve() -> None:
    # "从建档到成交,成交周期集中在当月及半年之后两个阶段": month 0 is the month of registration
    assert r.conversion_cycle_months(date(2026, 3, 3), date(2026, 3, 28)) == 0
    assert r.conversion_cycle_months(date(2026, 3, 31), date(2026, 4, 2)) == 1
    assert r.conversion_cycle_months(date(2025, 3, 3), date(2026, 9, 1)) == 12


def test_shares_of_the_seeds_information_sources() -> None:
    # "其他16% 车展4% 店头广告8% 熟人介绍20% 报纸广告35% 网络广告11% 电视广告6%"
    counts = {
        "other": 16,
        "motor_show": 4,
        "outdoor_ad": 8,
        "referral": 20,
        "newspaper": 35,
        "internet": 11,
        "tv": 6,
    }
    shares = r.shares(counts)
    assert shares["newspaper"] == pytest.approx(0.35)
    assert sum(shares.values()) == pytest.approx(1.0)
    assert r.shares({}) == {}


@pytest.mark.parametrize(
    ("seconds", "band"),
    [
        (0, "on_time"),
        (15 * 60, "on_time"),
        (15 * 60 + 1, "late"),
        (30 * 60, "late"),
        (30 * 60 + 1, "missed"),
    ],
)
def test_response_bands_on_time_late_missed(seconds: int, band: str) -> None:
    # domain.md §3: "within 15 minutes, late after 15, missed after 30"
    assert r.response_band(seconds, target_minutes=15, missed_minutes=30) == band


def _c(staff_id: int, today: int, capacity: int = 10, last: float = 0) -> r.Candidate:
    return r.Candidate(staff_id, today, capacity, last)


def test_pick_consultant_prefers_the_least_loaded_today() -> None:
    assert r.pick_consultant([_c(1, 3), _c(2, 1), _c(3, 2)]) == 2


def test_pick_consultant_round_robins_on_ties() -> None:
    assert r.pick_consultant([_c(1, 2, last=200), _c(2, 2, last=100)]) == 2


def test_pick_consultant_respects_capacity() -> None:
    assert r.pick_consultant([_c(1, 5, capacity=5), _c(2, 9, capacity=10)]) == 2
    assert r.pick_consultant([_c(1, 5, capacity=5)]) is None
    assert r.pick_consultant([]) is None


def test_pick_consultant_uses_the_share_of_capacity() -> None:
    # a part-timer with capacity 4 who has 2 is as busy as a full-timer with 5 of 10
    assert r.pick_consultant([_c(1, 5, capacity=10, last=1), _c(2, 2, capacity=4, last=2)]) == 1


@given(
    st.lists(st.integers(min_value=1, max_value=12), min_size=2, max_size=6),
    st.integers(min_value=1, max_value=60),
)
def test_assignment_stays_level_over_a_day(capacities: list[int], leads: int) -> None:
    """Whatever the capacities, no one's share of capacity runs more than one lead ahead."""
    counts = dict.fromkeys(range(len(capacities)), 0)
    last = dict.fromkeys(range(len(capacities)), 0.0)
    for tick in range(1, leads + 1):
        pick = r.pick_consultant(
            [_c(i, counts[i], capacities[i], last[i]) for i in range(len(capacities))]
        )
        if pick is None:
            assert all(counts[i] >= capacities[i] for i in counts)
            break
        counts[pick] += 1
        last[pick] = tick
    used = [counts[i] / capacities[i] for i in counts if counts[i] < capacities[i]]
    full = [counts[i] / capacities[i] for i in counts]
    if used:
        assert max(full) - min(used) <= max(1 / c for c in capacities) + 1e-9
