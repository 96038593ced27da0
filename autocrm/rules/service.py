"""After-sales rules (domain.md §4; seeds 000, 001, 002), pure functions of plain values:
loyalty classes, the churn stages, a vehicle's daily distance from its own readings and the
next service point it reaches. The thresholds are arguments with the defaults of domain.md,
so the settings can change them without touching the rules.
"""

from __future__ import annotations

import calendar
import enum
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

# --- loyalty classes (seed 000's table, our reading) ---------------------------------------------


class LoyaltyClass(enum.StrEnum):
    LOST = "lost"  # 流失
    INACTIVE = "inactive"  # 不活跃
    LOYAL = "loyal"  # 忠诚
    FAIRLY_LOYAL = "fairly_loyal"  # 较忠诚
    REGULAR = "regular"  # otherwise (our default)


@dataclass(frozen=True)
class LoyaltyThresholds:
    """Seed 000: "未返厂维修时间 3个月 6个月; 回厂次数 =2 =4; 维修+精品+保险维修消费金额合计
    =2000 =4000; 新车客户, 续保客户"."""

    inactive_months: int = 3
    lost_months: int = 6
    fairly_loyal_visits: int = 2
    loyal_visits: int = 4
    fairly_loyal_spend: Decimal = Decimal("2000")
    loyal_spend: Decimal = Decimal("4000")


def months_between(earlier: date, later: date) -> int:
    """Whole months from `earlier` to `later` (3 March → 2 June is 2, → 3 June is 3)."""
    months = (later.year - earlier.year) * 12 + later.month - earlier.month
    if later.day < earlier.day:
        months -= 1
    return max(months, 0)


def loyalty_class(
    *,
    months_since_visit: int | None,
    visits_12m: int,
    spend_12m: Decimal,
    bought_or_renews_here: bool,
    thresholds: LoyaltyThresholds = LoyaltyThresholds(),  # noqa: B008 (frozen, shared)
) -> LoyaltyClass:
    """domain.md §4:
    - lost: no visit for more than 6 months (or never a visit);
    - inactive: no visit for more than 3 months;
    - loyal: visited within 3 months, ≥ 4 visits, spend ≥ 4,000, new-car or renewal customer;
    - fairly loyal: visited within 3 months, ≥ 2 visits, spend ≥ 2,000;
    - otherwise regular.
    "More than 6 months" is read in whole months: 6 months and 20 days is 6, not lost yet."""
    t = thresholds
    if months_since_visit is None or months_since_visit > t.lost_months:
        return LoyaltyClass.LOST
    if months_since_visit > t.inactive_months:
        return LoyaltyClass.INACTIVE
    if visits_12m >= t.loyal_visits and spend_12m >= t.loyal_spend and bought_or_renews_here:
        return LoyaltyClass.LOYAL
    if visits_12m >= t.fairly_loyal_visits and spend_12m >= t.fairly_loyal_spend:
        return LoyaltyClass.FAIRLY_LOYAL
    return LoyaltyClass.REGULAR


# --- churn (dealer practice, domain.md §4) -----------------------------------------------------


class ChurnStage(enum.StrEnum):
    NONE = ""
    FIRST_SERVICE_MISSED = "first_service_missed"  # 首保流失
    WARNING = "warning"  # 12–24 months without a visit: basic churn
    LOST_POOL = "lost_pool"  # over 24 months


def churn_stage(
    *,
    purchase_date: date | None,
    last_visit: date | None,
    today: date,
    first_service_months: int = 12,
    warning_months: int = 12,
    lost_months: int = 24,
) -> ChurnStage:
    """首保流失: a car bought here without any return within 12 months of purchase; 12–24 months
    without a visit: the churn warning; past 24 months: the lost pool."""
    if last_visit is None:
        if purchase_date is None:
            return ChurnStage.NONE
        age = months_between(purchase_date, today)
        if age > lost_months:
            return ChurnStage.LOST_POOL
        return ChurnStage.FIRST_SERVICE_MISSED if age >= first_service_months else ChurnStage.NONE
    idle = months_between(last_visit, today)
    if idle > lost_months:
        return ChurnStage.LOST_POOL
    if idle >= warning_months:
        return ChurnStage.WARNING
    return ChurnStage.NONE


# --- mileage prediction ------------------------------------------------------------------------


@dataclass(frozen=True)
class Reading:
    day: date
    km: int


@dataclass(frozen=True)
class DailyDistance:
    km_per_day: float
    source: str  # "own" (the vehicle's readings) or "fallback" (the model's or dealer's average)
    readings_used: int


#: Fewer readings than this (or spread over fewer days) fall back to the average.
MIN_READINGS = 2
MIN_SPAN_DAYS = 30


def daily_distance(readings: Sequence[Reading], *, fallback_km_per_day: float) -> DailyDistance:
    """A vehicle's average daily distance from its own odometer readings, robust to one
    mistyped reading: the Theil–Sen estimate (the median of the slopes between every pair of
    readings at least a week apart), which one wrong value among three or more cannot move
    far. With too few readings, or over too short a time, the fallback (the model's or the
    dealer's average) is used."""
    points = sorted({r.day: r for r in readings}.values(), key=lambda r: r.day)
    if len(points) >= MIN_READINGS and (points[-1].day - points[0].day).days >= MIN_SPAN_DAYS:
        slopes = [
            (b.km - a.km) / (b.day - a.day).days
            for i, a in enumerate(points)
            for b in points[i + 1 :]
            if (b.day - a.day).days >= 7
        ]
        if slopes:
            slope = statistics.median(slopes)
            if slope >= 0:
                return DailyDistance(slope, "own", len(points))
    return DailyDistance(fallback_km_per_day, "fallback", len(points))


def estimated_mileage(readings: Sequence[Reading], rate: DailyDistance, today: date) -> int | None:
    """Today's estimated odometer: the median of what each reading projects to today at the
    estimated rate (a mistyped reading projects far off and is outvoted)."""
    if not readings:
        return None
    projections = [r.km + rate.km_per_day * (today - r.day).days for r in readings]
    return max(0, round(statistics.median(projections)))


def day_reaching(km_now: int, target_km: int, rate: DailyDistance, today: date) -> date | None:
    """The day the odometer reaches `target_km` at the estimated rate (today when already
    past it; None when the car does not move)."""
    if km_now >= target_km:
        return today
    if rate.km_per_day <= 0:
        return None
    return today + timedelta(days=int((target_km - km_now) / rate.km_per_day + 0.999999))


def next_service(
    *,
    km_now: int,
    last_service_day: date | None,
    last_service_km: int | None,
    interval_km: int,
    interval_months: int,
    rate: DailyDistance,
    today: date,
) -> tuple[date, str]:
    """When the next maintenance is due, by time or by predicted mileage, whichever comes
    first (domain.md §4), and which of the two it is ("km" or "time")."""
    base_km = last_service_km if last_service_km is not None else 0
    by_km = day_reaching(km_now, base_km + interval_km, rate, today)
    start = last_service_day or today
    month = start.month - 1 + interval_months
    year = start.year + month // 12
    month = month % 12 + 1
    by_time = date(year, month, min(start.day, calendar.monthrange(year, month)[1]))
    if by_km is not None and by_km <= by_time:
        return by_km, "km"
    return by_time, "time"


def in_mileage_window(km: int, *, point_km: int, half_width_km: int = 2_000) -> bool:
    """Seed 002's mileage campaigns: "每8万公里换正时皮带 … 公里数分别输入7.8和8.2, 或者输入15.8
    和16.2": within ±2,000 km of the service point or of one of its multiples."""
    if point_km <= 0 or km < point_km - half_width_km:
        return False
    nearest = max(1, round(km / point_km)) * point_km
    return abs(km - nearest) <= half_width_km
