"""The shape of a demo dealer's sales year (domain.md §3, seed 002): how many walk-ins and
leads each day brings, and when in the day they come.

Pure: every function takes the dates and a `random.Random`. The shape:

- weekday periodicity ("集客量的周期性"): Saturday and Sunday are the busiest showroom days;
- the Spring Festival ("2月份春节长假期间集客量明显减少"): the statutory holiday of the year
  (chinese-calendar; a table of 正月初一 for the years it does not know) is a deep dip, the
  week before it a little busier (buying before the new year), the days after it slow;
- the golden weeks (Labour Day, National Day) a little busier;
- an advertising campaign ("媒体效果评价 … 关注延迟期"): its effect starts after a lag of two
  days, peaks on the fourth and fades over about two weeks;
- a little day-to-day noise.

Counts are allocated by cumulative (systematic) rounding of the expected values, so a small
demo follows the shape as closely as a large one (no Poisson noise on a rate of 2 a day).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from random import Random

import chinese_calendar  # type: ignore[import-untyped]  # no stubs

from autocrm.rules.business_time import SHANGHAI, BusinessHours, intervals_on

#: 正月初一 of the years around the demo's (chinese-calendar knows the published years only).
LUNAR_NEW_YEAR = {
    2023: date(2023, 1, 22),
    2024: date(2024, 2, 10),
    2025: date(2025, 1, 29),
    2026: date(2026, 2, 17),
    2027: date(2027, 2, 6),
    2028: date(2028, 1, 26),
    2029: date(2029, 2, 13),
    2030: date(2030, 2, 3),
}

#: Monday … Sunday: the showroom's week (sums to 7, so the mean day is 1).
WALK_IN_WEEKDAY = (0.80, 0.72, 0.78, 0.82, 0.86, 1.55, 1.47)
#: Leads from the platforms and the phone: nearly flat over the week.
LEAD_WEEKDAY = (1.05, 1.0, 1.0, 1.0, 0.95, 1.03, 0.97)
#: A mild season: the new-year buying in January and December, a quiet summer.
MONTH = (1.05, 0.95, 1.0, 1.0, 1.0, 1.0, 0.92, 0.92, 1.0, 1.05, 1.02, 1.08)


@lru_cache(maxsize=16)
def holidays(year: int) -> dict[date, str]:
    """The statutory days off of `year` by chinese-calendar's names; for a year it does not
    know, the Spring Festival from the table (除夕 to 初七) and the fixed-date holidays."""
    found: dict[date, str] = {}
    day = date(year, 1, 1)
    try:
        while day.year == year:
            is_holiday, name = chinese_calendar.get_holiday_detail(day)
            if is_holiday and name:
                found[day] = name
            day += timedelta(days=1)
        return found
    except NotImplementedError:
        found.clear()
    new_year = LUNAR_NEW_YEAR.get(year)
    if new_year is not None:
        for offset in range(-1, 7):
            found[new_year + timedelta(days=offset)] = "Spring Festival"
    for month, dom, name in ((1, 1, "New Year's Day"), (5, 1, "Labour Day")):
        found[date(year, month, dom)] = name
    for dom in range(1, 8):
        found[date(year, 10, dom)] = "National Day"
    return found


def spring_festival(year: int) -> tuple[date, date] | None:
    """The first and last statutory day off of the year's Spring Festival."""
    days = sorted(d for d, name in holidays(year).items() if name == "Spring Festival")
    return (days[0], days[-1]) if days else None


def _festival_factor(day: date) -> float:
    for year in (day.year, day.year + 1):
        span = spring_festival(year)
        if span is None:
            continue
        first, last = span
        if first <= day <= last:
            return 0.2
        if first - timedelta(days=8) <= day < first:
            return 1.12
        if last < day <= last + timedelta(days=6):
            return 0.7
    return 1.0


def _golden_week(day: date) -> float:
    name = holidays(day.year).get(day)
    return 1.2 if name in ("National Day", "Labour Day") else 1.0


@dataclass(frozen=True)
class Campaign:
    """An advertisement or a platform promotion on `day`, its name, and the dictionary option
    (information source) its prospects name."""

    day: date
    name: str
    source_label: str
    platform: str = ""  # a LeadSource when it was a platform's promotion
    lift: float = 1.3  # the traffic at the peak: 1 + lift times the usual


def campaign_boost(campaign: Campaign | None, day: date) -> float:
    """The campaign's extra share of the usual traffic on `day`: nothing for two days (the
    lag), then rising to the peak on the fourth day, fading by half every three days."""
    if campaign is None:
        return 0.0
    k = (day - campaign.day).days
    if k < 2 or k > 20:
        return 0.0
    shape = {2: 0.3, 3: 0.75}.get(k, math.exp(-(k - 4) / 4.3))
    return campaign.lift * shape


def walk_in_factor(day: date, campaign: Campaign | None) -> float:
    return (
        WALK_IN_WEEKDAY[day.weekday()]
        * MONTH[day.month - 1]
        * _festival_factor(day)
        * _golden_week(day)
        * (1 + campaign_boost(campaign, day))
    )


def lead_factor(day: date, campaign: Campaign | None) -> float:
    boost = campaign_boost(campaign, day) if campaign and campaign.platform else 0.0
    festival = _festival_factor(day)
    return LEAD_WEEKDAY[day.weekday()] * MONTH[day.month - 1] * (0.5 + festival / 2) * (1 + boost)


def allocate(expected: Sequence[float], total: int, rng: Random, noise: float = 0.12) -> list[int]:
    """Integer counts summing to about `total`, in proportion to `expected` (with a little
    multiplicative noise per item), by cumulative rounding from a random offset."""
    weights = [max(e, 0.0) * math.exp(rng.gauss(0, noise)) for e in expected]
    whole = sum(weights)
    if not whole or total <= 0:
        return [0] * len(weights)
    scale = total / whole
    counts, acc, offset = [], 0.0, rng.random()
    previous = math.floor(offset)
    for w in weights:
        acc += w * scale
        now = math.floor(acc + offset)
        counts.append(now - previous)
        previous = now
    return counts


class Quota:
    """Cumulative rounding of a rate over a stream: `take(n, p)` says how many of `n` items
    are chosen at rate `p`, so that over the stream the chosen share is exactly the rate."""

    def __init__(self, rng: Random) -> None:
        self.acc = rng.random()

    def take(self, n: int, p: float) -> int:
        before = math.floor(self.acc)
        self.acc += n * p
        return min(n, math.floor(self.acc) - before)

    def one(self, p: float) -> bool:
        return self.take(1, p) == 1


# --- moments ----------------------------------------------------------------------------------


def local(day: date, hour: int, minute: int = 0, second: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute, second), tzinfo=SHANGHAI).astimezone(UTC)


def business_moment(hours: BusinessHours, day: date, rng: Random) -> datetime | None:
    """A moment within the day's opening hours (None when closed), busier in the afternoon."""
    spans = intervals_on(hours, day)
    if not spans:
        return None
    length = sum((b - a).total_seconds() for a, b in spans)
    x = rng.random() ** 0.85 * length  # a little more in the later hours
    for start, end in spans:
        span = (end - start).total_seconds()
        if x < span:
            return (start + timedelta(seconds=int(x))).astimezone(UTC)
        x -= span
    return spans[-1][1].astimezone(UTC) - timedelta(minutes=5)


def online_moment(day: date, rng: Random) -> datetime:
    """When a platform lead arrives: from 07:00 to 23:59, most in the evening."""
    minute = int(7 * 60 + (rng.random() ** 0.8) * (17 * 60 - 1))
    return local(day, minute // 60, minute % 60, rng.randrange(60))


def business_before(hours: BusinessHours, end: datetime, seconds: int) -> datetime:
    """The moment `seconds` of opening time before `end` (the walk back stops after 30 days)."""
    remaining = float(seconds)
    day = end.astimezone(SHANGHAI).date()
    for _ in range(30):
        for opens, closes in reversed(intervals_on(hours, day)):
            hi = min(closes, end)
            if hi <= opens:
                continue
            available = (hi - opens).total_seconds()
            if remaining <= available:
                return (hi - timedelta(seconds=remaining)).astimezone(UTC)
            remaining -= available
        day -= timedelta(days=1)
    return end - timedelta(seconds=seconds)


def days_between(first: date, last: date) -> Iterable[date]:
    for n in range((last - first).days + 1):
        yield first + timedelta(days=n)


def month_end(day: date) -> date:
    return (day.replace(day=1) + timedelta(days=32)).replace(day=1) - timedelta(days=1)


def add_months(day: date, months: int) -> date:
    """The first day of the month `months` after `day`'s."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)
