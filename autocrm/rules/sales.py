"""The sales figures of seed 002 (FAW-Volkswagen's DSCRM training deck), domain.md §3.

Each rule is one pure function over plain numbers, so the pages, the reports, the API and the
benchmark compute a figure the same way. A rate whose denominator is zero is `None` (shown as
"—"), never 0 and never an exception: a consultant with no traffic has no registration rate.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

# --- the funnel -------------------------------------------------------------------------------


class Stage(enum.StrEnum):
    """The funnel stages of seed 002 ("销售漏斗管理"), in order."""

    INFORMATION_OBTAINED = "obtained"  # 得到信息
    INFORMATION_CLARIFIED = "clarified"  # 明确信息
    INFORMATION_CONFIRMED = "confirmed"  # 确认信息
    NEGOTIATION = "negotiation"  # 交易磋商
    CONTRACT_SIGNED = "contract"  # 合同签订
    VEHICLE_DELIVERED = "delivered"  # 递交新车


#: Seed 002: "得到信息:10% 明确信息:25% 确认信息:50% 交易磋商:75% 合同签订:90% 递交新车:100%".
STAGE_PROBABILITY: Mapping[Stage, int] = {
    Stage.INFORMATION_OBTAINED: 10,
    Stage.INFORMATION_CLARIFIED: 25,
    Stage.INFORMATION_CONFIRMED: 50,
    Stage.NEGOTIATION: 75,
    Stage.CONTRACT_SIGNED: 90,
    Stage.VEHICLE_DELIVERED: 100,
}

STAGE_ORDER: tuple[Stage, ...] = tuple(Stage)


def win_probability(stage: str) -> int:
    """The win probability (per cent) of a funnel stage."""
    return STAGE_PROBABILITY[Stage(stage)]


def weighted_amount(amount: Decimal, stage: str) -> Decimal:
    """Seed 002, "销售管理与预测分析": the forecast weights an opportunity's expected amount by
    its stage's win probability."""
    return (amount * win_probability(stage) / 100).quantize(Decimal("0.01"), ROUND_HALF_UP)


def weighted_units(quantity: int, stage: str) -> Decimal:
    return (Decimal(quantity) * win_probability(stage) / 100).quantize(Decimal("0.01"))


# --- showroom traffic (集客量) ------------------------------------------------------------------


def traffic(unregistered: int, registered: int) -> int:
    """Seed 002: "未留档客户数+潜在客户建档数=集客量" — traffic is the unregistered walk-ins plus
    the newly registered prospects."""
    return unregistered + registered


def _rate(numerator: float | int, denominator: float | int) -> float | None:
    return numerator / denominator if denominator else None


def registration_rate(registered: int, traffic_count: int) -> float | None:
    """留档率 = registered prospects / traffic."""
    return _rate(registered, traffic_count)


def conversion_rate(buyers: int, registered: int) -> float | None:
    """Seed 002: "潜在客户成交率=购车客户数/留档客户" — buyers / registered prospects."""
    return _rate(buyers, registered)


def dealer_sales(
    traffic_count: float, registration: float | None, conversion: float | None
) -> float | None:
    """Seed 002: "经销商销量=集客量*留档率*潜在客户成交率"."""
    if registration is None or conversion is None:
        return None
    return traffic_count * registration * conversion


def monthly_traffic_target(
    sales_target: float, registration: float | None, conversion: float | None
) -> int | None:
    """Seed 002: "月度集客目标=销量目标/(留档率*潜在客户成交率)", the rates
    "通过统计近三个月整个销售团队的留档率、潜在客户成交率作为基础" (the team's last three
    months). Rounded up: a target of 194.4 walk-ins needs 195."""
    if not registration or not conversion:
        return None
    exact = Decimal(str(sales_target)) / (Decimal(str(registration)) * Decimal(str(conversion)))
    return int(exact.to_integral_value(rounding="ROUND_CEILING"))


def last_three_months(month: date) -> tuple[date, date]:
    """The first and the last day of the three whole months before `month` (its first day)."""
    first = month.replace(day=1)
    end = first - timedelta(days=1)
    start = first
    for _i in range(3):
        start = (start - timedelta(days=1)).replace(day=1)
    return start, end


# --- using the traffic (集客量的使用) ------------------------------------------------------------


@dataclass(frozen=True)
class MediaEffect:
    day: date
    days: int
    before: int
    after: int
    growth: float | None  # after / before − 1


def media_effect(daily: Mapping[date, int], day: date, days: int) -> MediaEffect:
    """Seed 002, "媒体效果评价": pick a day (an ad, an event), sum the traffic of the N days
    before it and of the N days after it; the growth after / before − 1 is the measure. The day
    itself belongs to neither side (its traffic is partly before the ad)."""
    before = sum(daily.get(day - timedelta(days=i), 0) for i in range(1, days + 1))
    after = sum(daily.get(day + timedelta(days=i), 0) for i in range(1, days + 1))
    growth = after / before - 1 if before else None
    return MediaEffect(day=day, days=days, before=before, after=after, growth=growth)


def lag_profile(daily: Mapping[date, int], day: date, days: int) -> list[tuple[int, int]]:
    """Traffic per day offset −N…+N around the chosen day: where the effect starts
    ("关注延迟期")."""
    return [(i, daily.get(day + timedelta(days=i), 0)) for i in range(-days, days + 1)]


def consultants_needed(expected_traffic: float, daily_capacity: float) -> int | None:
    """Seed 002: "了解销售顾问日接待能力 … 根据以往的集客量增幅估计需要的展厅销售顾问人数": the
    consultants a day's expected traffic needs, each receiving `daily_capacity` walk-ins."""
    if daily_capacity <= 0:
        return None
    whole = Decimal(str(expected_traffic)) / Decimal(str(daily_capacity))
    return int(whole.to_integral_value(rounding="ROUND_CEILING"))


# --- prospect analysis -------------------------------------------------------------------------

#: Seed 002's age bands: "20岁以下 21-25岁 26-30岁 … 51-55岁 56岁以上".
AGE_BANDS: tuple[tuple[str, int, int], ...] = (
    ("0-20", 0, 20),
    ("21-25", 21, 25),
    ("26-30", 26, 30),
    ("31-35", 31, 35),
    ("36-40", 36, 40),
    ("41-45", 41, 45),
    ("46-50", 46, 50),
    ("51-55", 51, 55),
    ("56+", 56, 200),
)


def age_band(age: int) -> str:
    """The seed's age band of an age in years: ≤20, 21–25, …, 51–55, 56+."""
    for code, low, high in AGE_BANDS:
        if low <= age <= high:
            return code
    raise ValueError(f"not an age: {age}")


def age_on(birth: date, day: date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


#: The conversion cycle's last bucket: "12" reads 12 months or more.
CYCLE_MONTHS = 12


def conversion_cycle_months(registered_on: date, won_on: date) -> int:
    """Seed 002, "潜在客户成交周期(月)": whole calendar months from registration to deal, 0–12
    (12 = a year or more). Registered 3 March, bought 28 March: month 0; bought 2 April:
    month 1."""
    months = (won_on.year - registered_on.year) * 12 + won_on.month - registered_on.month
    return max(0, min(months, CYCLE_MONTHS))


def shares(counts: Mapping[str, int]) -> dict[str, float]:
    """Each key's share of the total (0 when there is none)."""
    total = sum(counts.values())
    return {k: (v / total if total else 0.0) for k, v in counts.items()}


# --- the lead first-response clock ------------------------------------------------------------


class ResponseBand(enum.StrEnum):
    ON_TIME = "on_time"
    LATE = "late"
    MISSED = "missed"


def response_band(
    business_seconds: int, *, target_minutes: int, missed_minutes: int
) -> ResponseBand:
    """domain.md §3 (a US dealer's goal): answered within 15 minutes of business time is on
    time, later is late, after 30 minutes missed. Both bounds are the dealer's settings."""
    if business_seconds <= target_minutes * 60:
        return ResponseBand.ON_TIME
    if business_seconds <= missed_minutes * 60:
        return ResponseBand.LATE
    return ResponseBand.MISSED


# --- lead assignment --------------------------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    """A consultant who may take a lead today."""

    staff_id: int
    assigned_today: int
    capacity: int
    last_assigned_at: float  # a timestamp; 0 when never assigned


def pick_consultant(candidates: Sequence[Candidate]) -> int | None:
    """Round-robin among the consultants on duty, fair over time: the one with the smallest
    share of their daily capacity used today, then the one who waited longest since their last
    lead, then the lowest id. Counting only today is what keeps it fair over time: a consultant
    back from leave starts level with everyone else instead of being handed the leads they
    missed. A consultant at capacity gets none; None when everyone is full."""
    open_ = [c for c in candidates if c.assigned_today < c.capacity]
    if not open_:
        return None
    best = min(
        open_,
        key=lambda c: (
            Decimal(c.assigned_today) / Decimal(c.capacity),
            c.last_assigned_at,
            c.staff_id,
        ),
    )
    return best.staff_id
