"""A dealer's business calendar as the value the clocks count in (`BusinessHours`), and the
statutory holidays of the PRC for the calendar page.

`business_hours_for(dealer_id)` puts together, in this order (a later one wins for its day):

1. the dealer's weekly hours (`BusinessCalendar`; our default when the dealer has no row:
   every day 08:30–12:00 and 13:30–18:00, a 4S store being open seven days a week);
2. when the dealer closes on public holidays (the default): the statutory holidays of the
   years asked for, closed, and the make-up working days (调休) open. A 调休 day is always a
   Saturday or a Sunday the State Council makes a working day, so it changes only a weekday
   the dealer is closed on: it gets the hours of the dealer's first open weekday (Monday
   first). **For a dealer open on weekends, as our default is, 调休 days change nothing**;
3. the dealer's own days (`CalendarDay`): closed, or open with their own hours (no hours: the
   weekday's, or for a weekday it is closed on, those of its first open weekday), which also
   opens the dealer on a public holiday.

The statutory days come from the `chinese-calendar` package, which knows the years the State
Council has published (up to the year after its release). For a year it does not know, only
the fixed-date holidays are taken (New Year's Day 1-1, Labour Day 5-1, National Day 10-1 to
10-3): the Spring Festival and the other lunar holidays of that year, and its 调休 days, are
missing until the package is upgraded (the page says so). Nothing here raises for a year.

Reads: two queries per call (the dealer's calendar row and its days), never cached, so an
edit shows at the next call; the statutory days are cached per year (they are package data).
A caller computing many clocks of one dealer at once builds the value once and keeps it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import MAXYEAR, MINYEAR, date, timedelta
from functools import lru_cache

import chinese_calendar  # type: ignore[import-untyped]  # no stubs, no py.typed
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django_scopes import scope

from autocrm.core.calendar_models import (
    DEFAULT_DAY_HOURS,
    BusinessCalendar,
    CalendarDay,
    default_weekly_hours,
)
from autocrm.rules.business_time import SHANGHAI, BusinessHours, DayHours, day_hours

#: The names chinese-calendar gives the holidays, as our messages.
HOLIDAY_NAMES: dict[str, Promise] = {
    "New Year's Day": _("New Year's Day"),
    "Spring Festival": _("Spring Festival"),
    "Tomb-sweeping Day": _("Tomb-sweeping Day"),
    "Labour Day": _("Labour Day"),
    "Dragon Boat Festival": _("Dragon Boat Festival"),
    "National Day": _("National Day"),
    "Mid-autumn Festival": _("Mid-autumn Festival"),
    "Anti-Fascist 70th Day": _("Anti-Fascist War Victory Day"),
}

#: The holidays on fixed dates (month, day, name): all that is taken for a year the package
#: does not know.
FIXED_HOLIDAYS: tuple[tuple[int, int, str], ...] = (
    (1, 1, "New Year's Day"),
    (5, 1, "Labour Day"),
    (10, 1, "National Day"),
    (10, 2, "National Day"),
    (10, 3, "National Day"),
)

Named = tuple[tuple[date, str], ...]


def _days_of(year: int) -> list[date]:
    first = date(year, 1, 1)
    return [first + timedelta(days=n) for n in range((date(year + 1, 1, 1) - first).days)]


@lru_cache(maxsize=32)
def _statutory(year: int) -> tuple[Named, Named, bool]:
    """The year's statutory holidays and make-up working days, with chinese-calendar's
    (English) names, and whether the package knows the year."""
    if not MINYEAR < year < MAXYEAR:
        return (), (), False  # no whole year of dates to walk (and no clock reaches it)
    holidays: list[tuple[date, str]] = []
    workdays: list[tuple[date, str]] = []
    try:
        for day in _days_of(year):
            is_holiday, name = chinese_calendar.get_holiday_detail(day)
            if name is None:
                continue  # an ordinary weekday or weekend day
            (holidays if is_holiday else workdays).append((day, name))
    except NotImplementedError:  # "no available data for year …"
        fixed = tuple((date(year, month, dom), name) for month, dom, name in FIXED_HOLIDAYS)
        return fixed, (), False
    return tuple(holidays), tuple(workdays), True


def _label(name: str) -> str:
    return str(HOLIDAY_NAMES.get(name, name))


def statutory_year_known(year: int) -> bool:
    """Whether the installed chinese-calendar has the year's published holidays."""
    return _statutory(year)[2]


def public_holidays(year: int) -> list[tuple[date, str]]:
    """The year's statutory days off (weekend days inside a holiday included), with their
    names in the current language; for a year the package does not know, the fixed-date
    holidays only."""
    return [(day, _label(name)) for day, name in _statutory(year)[0]]


def makeup_workdays(year: int) -> list[tuple[date, str]]:
    """The year's make-up working days (调休: a Saturday or Sunday worked for a holiday), with
    the holiday's name; none for a year the package does not know."""
    return [(day, _label(name)) for day, name in _statutory(year)[1]]


@dataclass(frozen=True)
class HolidayPeriod:
    """Consecutive statutory days off of one holiday (国庆节 10-01 to 10-07), for the page."""

    name: str
    first: date
    last: date

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1


def holiday_periods(year: int) -> list[HolidayPeriod]:
    """The year's public holidays, consecutive days of one holiday as one period."""
    periods: list[HolidayPeriod] = []
    for day, name in public_holidays(year):
        last = periods[-1] if periods else None
        if last is not None and last.name == name and last.last + timedelta(days=1) == day:
            periods[-1] = HolidayPeriod(name, last.first, day)
        else:
            periods.append(HolidayPeriod(name, day, day))
    return periods


def default_years(today: date | None = None) -> list[int]:
    """The years a clock running today may need: last year, this year and the next."""
    year = (today or timezone.localdate()).year
    return [year - 1, year, year + 1]


def business_calendar_of(dealer_id: int) -> BusinessCalendar:
    """The dealer's calendar row, or an unsaved one with the defaults (read in the dealer's
    scope)."""
    with scope(dealer=dealer_id):
        calendar = BusinessCalendar.objects.filter(dealer_id=dealer_id).first()
    return calendar or BusinessCalendar(dealer_id=dealer_id)


def calendar_days(dealer_id: int, *, since: date | None = None) -> QuerySet[CalendarDay]:
    """The dealer's own days, by date (from `since` on when given). Evaluate it in a scope of
    the dealer (a request by its staff has one)."""
    days = CalendarDay.objects.filter(dealer_id=dealer_id).order_by("day")
    return days.filter(day__gte=since) if since is not None else days


def _usual_hours(weekly: Sequence[DayHours], day: date) -> DayHours:
    """The day's weekday hours; for a weekday the dealer is closed on, those of its first open
    weekday (Monday first), or our default day."""
    if weekly[day.weekday()]:
        return weekly[day.weekday()]
    return next((hours for hours in weekly if hours), day_hours(DEFAULT_DAY_HOURS))


def business_hours_for(dealer_id: int, *, years: Iterable[int] | None = None) -> BusinessHours:
    """The dealer's opening hours, holidays and own days as one value (see the module's
    docstring), with the statutory days of `years` (default: last, this and next year)."""
    with scope(dealer=dealer_id):
        calendar = BusinessCalendar.objects.filter(dealer_id=dealer_id).first()
        own_days = list(CalendarDay.objects.filter(dealer_id=dealer_id).order_by("day"))
    stored = calendar.weekly_hours if calendar is not None else default_weekly_hours()
    weekly = tuple(day_hours(pairs) for pairs in stored)
    closes = calendar.closes_on_public_holidays if calendar is not None else True

    closed: set[date] = set()
    special: dict[date, DayHours] = {}
    if closes:
        for year in sorted(set(default_years() if years is None else years)):
            holidays, workdays, _known = _statutory(year)
            closed.update(day for day, _name in holidays)
            for day, _name in workdays:
                if not weekly[day.weekday()]:
                    special[day] = _usual_hours(weekly, day)
    for own in own_days:
        if own.is_open:
            closed.discard(own.day)
            special[own.day] = day_hours(own.hours) or _usual_hours(weekly, own.day)
        else:
            special.pop(own.day, None)
            closed.add(own.day)
    return BusinessHours(weekly=weekly, closed=frozenset(closed), special=special, tz=SHANGHAI)
