"""Business time: when a dealership is open, and clocks that run only while it is.

A lead's first-response target ("call back within 15 minutes") or a complaint's 2123 clocks
count the dealer's opening hours, not the wall clock: a lead at 11:55 with a 15-minute target
is due at 13:40 when the showroom closes for lunch from 12:00 to 13:30.

`BusinessHours` is a plain value: the weekly hours, the days closed and the days with their own
hours. Where it comes from (the dealer's calendar, the statutory holidays) is not this module's
business: `autocrm.core.calendar.business_hours_for` builds it. Every function here is pure and
loops per day, never per minute.

Intervals are half-open, [opening, closing): open at 08:30:00, closed at 12:00:00. An interval
lies within one day (it cannot run past midnight). Results are aware datetimes in UTC unless
said otherwise; inputs may be aware datetimes in any time zone (naive ones are refused).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from types import MappingProxyType
from zoneinfo import ZoneInfo

#: An opening interval of one day: (opens, closes), opens < closes.
Interval = tuple[time, time]
#: One day's opening intervals, sorted and not overlapping; () is closed.
DayHours = tuple[Interval, ...]

SHANGHAI = ZoneInfo("Asia/Shanghai")
#: How many days in a row without any opening a search goes through before it gives up: a
#: calendar closed this long is closed for good (add_business_time would never end).
MAX_CLOSED_DAYS = 400

_ONE_DAY = timedelta(days=1)
_CLOCK = re.compile(r"(?:[01][0-9]|2[0-3]):[0-5][0-9]")


def check_day_hours(intervals: DayHours) -> None:
    """ValueError unless each interval opens before it closes and the intervals are sorted
    and do not overlap (touching is allowed: 12:00–12:00 is no gap but no overlap either)."""
    previous_end: time | None = None
    for interval in intervals:
        if len(interval) != 2:
            raise ValueError(f"an interval is a pair (opens, closes), not {interval!r}")
        start, end = interval
        if not isinstance(start, time) or not isinstance(end, time):
            raise ValueError(f"an interval is a pair of times, not {interval!r}")
        if start.tzinfo is not None or end.tzinfo is not None:
            raise ValueError("interval times are wall-clock times, without a time zone")
        if not start < end:
            raise ValueError(f"the interval {start:%H:%M}–{end:%H:%M} does not open before closing")
        if previous_end is not None and start < previous_end:
            raise ValueError(f"the interval {start:%H:%M}–{end:%H:%M} overlaps the one before")
        previous_end = end


def parse_clock(text: str) -> time:
    """A wall-clock time written "HH:MM" (00:00 to 23:59, two digits each); ValueError else."""
    if not isinstance(text, str) or not _CLOCK.fullmatch(text):
        raise ValueError(f"not a time of day written HH:MM: {text!r}")
    return time(int(text[:2]), int(text[3:]))


def format_clock(value: time) -> str:
    return f"{value:%H:%M}"


def day_hours(pairs: Iterable[Sequence[str]]) -> DayHours:
    """A day's hours from ["HH:MM", "HH:MM"] pairs (how a calendar stores them), checked by
    check_day_hours; ValueError for a bad time or a bad set of intervals."""
    intervals = []
    for pair in pairs:
        if isinstance(pair, str) or len(pair) != 2:
            raise ValueError(f"an interval is a pair of times, not {pair!r}")
        intervals.append((parse_clock(pair[0]), parse_clock(pair[1])))
    result = tuple(intervals)
    check_day_hours(result)
    return result


@dataclass(frozen=True)
class BusinessHours:
    """When a dealer is open.

    * `weekly`: 7 entries, Monday first (date.weekday()), each the day's opening intervals,
      e.g. ((08:30, 12:00), (13:30, 18:00)): the lunch break is the gap; () is closed.
    * `closed`: days closed whatever the weekday (a statutory holiday, the dealer's own day off).
    * `special`: a day's own hours, instead of its weekday's (a holiday half-day, a make-up
      working day 调休). A day in `special` has those hours even if it is in `closed` too.
    * `tz`: the wall clock of the intervals (Asia/Shanghai, which keeps no daylight saving).
    """

    weekly: tuple[DayHours, ...]
    closed: frozenset[date] = frozenset()
    special: Mapping[date, DayHours] = field(default_factory=dict)
    tz: ZoneInfo = SHANGHAI

    def __post_init__(self) -> None:
        if len(self.weekly) != 7:
            raise ValueError(f"weekly hours need 7 days (Monday first), got {len(self.weekly)}")
        for intervals in (*self.weekly, *self.special.values()):
            check_day_hours(intervals)
        # frozen: keep our own read-only copies, so the value cannot change under a caller
        object.__setattr__(self, "weekly", tuple(tuple(d) for d in self.weekly))
        object.__setattr__(self, "closed", frozenset(self.closed))
        object.__setattr__(self, "special", MappingProxyType(dict(self.special)))

    def hours_on(self, day: date) -> DayHours:
        """The day's opening intervals as wall-clock times."""
        if day in self.special:
            return self.special[day]
        if day in self.closed:
            return ()
        return self.weekly[day.weekday()]


def _aware(at: datetime, name: str) -> datetime:
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError(f"{name} must be an aware datetime, not {at!r}")
    return at.astimezone(UTC)


def intervals_on(hours: BusinessHours, day: date) -> tuple[tuple[datetime, datetime], ...]:
    """The day's opening intervals as aware datetimes in the calendar's time zone."""
    return tuple(
        (
            datetime.combine(day, start, tzinfo=hours.tz),
            datetime.combine(day, end, tzinfo=hours.tz),
        )
        for start, end in hours.hours_on(day)
    )


def _utc_intervals(hours: BusinessHours, day: date) -> Iterator[tuple[datetime, datetime]]:
    # Arithmetic in UTC: two datetimes sharing one tzinfo subtract as wall-clock times, which
    # is wrong across a daylight-saving change (none in Shanghai, but the value takes any tz).
    for start, end in intervals_on(hours, day):
        yield start.astimezone(UTC), end.astimezone(UTC)


def _local_day(hours: BusinessHours, at: datetime) -> date:
    return at.astimezone(hours.tz).date()


def business_seconds_between(hours: BusinessHours, start: datetime, end: datetime) -> int:
    """Whole seconds of opening time from `start` to `end` (0 when end <= start)."""
    start, end = _aware(start, "start"), _aware(end, "end")
    if end <= start:
        return 0
    total = timedelta()
    day, last = _local_day(hours, start), _local_day(hours, end)
    while day <= last:
        for opens, closes in _utc_intervals(hours, day):
            lo, hi = max(opens, start), min(closes, end)
            if lo < hi:
                total += hi - lo
        day += _ONE_DAY
    return total // timedelta(seconds=1)


def is_open(hours: BusinessHours, at: datetime) -> bool:
    """Whether the dealer is open at `at` (open at an opening time, closed at a closing time)."""
    at = _aware(at, "at")
    return any(
        opens <= at < closes for opens, closes in _utc_intervals(hours, _local_day(hours, at))
    )


def _closed_too_long(hours: BusinessHours, since: date) -> ValueError:
    return ValueError(
        f"the calendar has no opening in the {MAX_CLOSED_DAYS} days from {since:%Y-%m-%d}"
    )


def next_opening(hours: BusinessHours, at: datetime) -> datetime:
    """The first moment at or after `at` when the dealer is open (`at` itself when open), in
    UTC. ValueError when no opening comes within MAX_CLOSED_DAYS days."""
    at = _aware(at, "at")
    day = first = _local_day(hours, at)
    for _ in range(MAX_CLOSED_DAYS + 1):
        for opens, closes in _utc_intervals(hours, day):
            if at < closes:
                return max(opens, at)
        day += _ONE_DAY
    raise _closed_too_long(hours, first)


def add_business_time(hours: BusinessHours, start: datetime, delta: timedelta) -> datetime:
    """The moment (in UTC) at which `delta` of opening time has gone by after `start`.

    A start outside the opening hours begins counting at the next opening. A delta used up
    exactly at a closing time ends there (a lead at 11:45 with 15 minutes is due at 12:00, not
    at 13:30); a zero delta is `start` itself. ValueError for a negative delta, and when the
    calendar has no opening for MAX_CLOSED_DAYS days in a row (it would never be reached).
    """
    start = _aware(start, "start")
    if delta < timedelta():
        raise ValueError(f"the business time to add must not be negative, got {delta}")
    if not delta:
        return start
    remaining = delta
    day = _local_day(hours, start)
    closed_since, closed_days = day, 0
    while True:
        opened = False
        for opens, closes in _utc_intervals(hours, day):
            opened = True
            lo = max(opens, start)
            if lo >= closes:
                continue
            available = closes - lo
            if remaining <= available:
                return lo + remaining
            remaining -= available
        if opened:
            closed_days = 0
        else:
            if closed_days == 0:
                closed_since = day
            closed_days += 1
            if closed_days > MAX_CLOSED_DAYS:
                raise _closed_too_long(hours, closed_since)
        day += _ONE_DAY
