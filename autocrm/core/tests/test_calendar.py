"""The business calendar on the real database: a dealer's hours, the statutory holidays of the
installed chinese-calendar, the dealer's own days, and the services that write them."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation
from django_scopes import scopes_disabled

from autocrm.core.calendar import (
    FIXED_HOLIDAYS,
    business_calendar_of,
    business_hours_for,
    default_years,
    holiday_periods,
    makeup_workdays,
    public_holidays,
    statutory_year_known,
)
from autocrm.core.calendar_models import BusinessCalendar, CalendarDay, default_weekly_hours
from autocrm.core.calendar_services import (
    business_calendar_update,
    calendar_day_remove,
    calendar_day_set,
)
from autocrm.rules.business_time import (
    SHANGHAI,
    add_business_time,
    business_seconds_between,
    intervals_on,
    is_open,
)


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """The messages are asserted in English (the site's default language is Chinese)."""
    with translation.override("en"):
        yield


pytestmark = pytest.mark.django_db

FIFTEEN = timedelta(minutes=15)
DAY = [["08:30", "12:00"], ["13:30", "18:00"]]
#: A year no chinese-calendar will know for a long time (the last one a dealer may set).
UNKNOWN_YEAR = 2099


def sh(*args: int) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)


def test_the_default_calendar_needs_no_row(dealer_a: Any) -> None:
    hours = business_hours_for(dealer_a.pk, years=[2026])
    with scopes_disabled():
        assert not BusinessCalendar.objects.exists()
    assert hours.weekly == ((((time(8, 30), time(12)), (time(13, 30), time(18)))),) * 7
    # open seven days a week: a Saturday and a Sunday like any day
    assert is_open(hours, sh(2026, 6, 6, 9)) and is_open(hours, sh(2026, 6, 7, 15))
    assert add_business_time(hours, sh(2026, 6, 1, 11, 55), FIFTEEN) == sh(2026, 6, 1, 13, 40)
    assert add_business_time(hours, sh(2026, 6, 1, 17, 50), FIFTEEN) == sh(2026, 6, 2, 8, 35)
    assert add_business_time(hours, sh(2026, 6, 1, 22, 0), FIFTEEN) == sh(2026, 6, 2, 8, 45)
    calendar = business_calendar_of(dealer_a.pk)
    assert calendar.pk is None and calendar.closes_on_public_holidays
    assert calendar.weekly_hours == default_weekly_hours() == [DAY] * 7


def test_2026_national_day_is_closed(dealer_a: Any) -> None:
    hours = business_hours_for(dealer_a.pk, years=[2026])
    for day in range(1, 8):
        assert intervals_on(hours, date(2026, 10, day)) == ()
    assert intervals_on(hours, date(2026, 10, 8))
    # a lead on the eve of the holiday is due after it
    due = add_business_time(hours, sh(2026, 9, 30, 17, 55), FIFTEEN)
    assert due == sh(2026, 10, 8, 8, 40)
    assert due.tzinfo is UTC
    assert business_seconds_between(hours, sh(2026, 9, 30, 17, 55), due) == 15 * 60
    # the Spring Festival too
    assert all(intervals_on(hours, date(2026, 2, d)) == () for d in range(15, 24))


def test_the_statutory_days_for_the_page() -> None:
    holidays = dict(public_holidays(2026))
    assert date(2026, 10, 1) in holidays and date(2026, 10, 8) not in holidays
    national = [p for p in holiday_periods(2026) if p.first == date(2026, 10, 1)]
    assert [(p.last, p.days) for p in national] == [(date(2026, 10, 7), 7)]
    assert date(2026, 10, 10) in dict(makeup_workdays(2026))  # a Saturday worked (调休)
    assert statutory_year_known(2026)


def test_a_year_the_package_does_not_know_has_the_fixed_date_holidays(dealer_a: Any) -> None:
    assert not statutory_year_known(UNKNOWN_YEAR)
    fixed = [date(UNKNOWN_YEAR, m, d) for m, d, _name in FIXED_HOLIDAYS]
    assert [day for day, _name in public_holidays(UNKNOWN_YEAR)] == fixed
    assert makeup_workdays(UNKNOWN_YEAR) == []
    hours = business_hours_for(dealer_a.pk, years=[UNKNOWN_YEAR])
    assert hours.closed == frozenset(fixed)
    assert intervals_on(hours, date(UNKNOWN_YEAR, 10, 4))  # the rest of the week: unknown
    due = add_business_time(hours, sh(UNKNOWN_YEAR, 9, 30, 17, 55), FIFTEEN)
    assert due == sh(UNKNOWN_YEAR, 10, 4, 8, 40)


def test_a_dealer_open_on_public_holidays(dealer_a: Any, manager_a: Any, scoped: Any) -> None:
    with scoped(dealer_a):
        business_calendar_update(
            actor=manager_a,
            dealer=dealer_a,
            weekly_hours=[DAY] * 7,
            closes_on_public_holidays=False,
        )
    hours = business_hours_for(dealer_a.pk, years=[2026])
    assert hours.closed == frozenset() and not hours.special
    assert add_business_time(hours, sh(2026, 9, 30, 17, 55), FIFTEEN) == sh(2026, 10, 1, 8, 40)


def test_a_calendar_day_overrides_the_week_and_the_holidays(
    dealer_a: Any, manager_a: Any, scoped: Any
) -> None:
    with scoped(dealer_a):
        calendar_day_set(actor=manager_a, dealer=dealer_a, day=date(2026, 6, 1), is_open=False,
                         name="店庆")  # fmt: skip
        # open in the middle of National Day, mornings only, for the holiday sales
        calendar_day_set(actor=manager_a, dealer=dealer_a, day=date(2026, 10, 3), is_open=True,
                         hours=[["09:00", "12:00"]], name="国庆车展")  # fmt: skip
        # open on the Spring Festival's eve with the weekday's hours
        calendar_day_set(actor=manager_a, dealer=dealer_a, day=date(2026, 2, 16), is_open=True)
    hours = business_hours_for(dealer_a.pk, years=[2026])
    assert intervals_on(hours, date(2026, 6, 1)) == ()
    assert add_business_time(hours, sh(2026, 5, 31, 17, 55), FIFTEEN) == sh(2026, 6, 2, 8, 40)
    assert intervals_on(hours, date(2026, 10, 3)) == ((sh(2026, 10, 3, 9), sh(2026, 10, 3, 12)),)
    assert add_business_time(hours, sh(2026, 9, 30, 17, 55), FIFTEEN) == sh(2026, 10, 3, 9, 10)
    assert len(intervals_on(hours, date(2026, 2, 16))) == 2
    assert intervals_on(hours, date(2026, 2, 17)) == ()
    # setting a day again replaces it; removing it gives the holiday back
    with scoped(dealer_a):
        calendar_day_set(actor=manager_a, dealer=dealer_a, day=date(2026, 10, 3), is_open=False)
        assert CalendarDay.objects.count() == 3
    assert intervals_on(business_hours_for(dealer_a.pk, years=[2026]), date(2026, 10, 3)) == ()
    with scoped(dealer_a):
        calendar_day_remove(actor=manager_a, dealer=dealer_a, day=date(2026, 6, 1))
    assert intervals_on(business_hours_for(dealer_a.pk, years=[2026]), date(2026, 6, 1))


def test_makeup_working_days_open_only_a_weekday_the_dealer_is_closed_on(
    dealer_a: Any, dealer_b: Any, manager_a: Any, scoped: Any
) -> None:
    monday = [["09:00", "17:00"]]
    with scoped(dealer_a):
        business_calendar_update(actor=manager_a, dealer=dealer_a,
                                 weekly_hours=[monday, DAY, DAY, DAY, DAY, [], []],
                                 closes_on_public_holidays=True)  # fmt: skip
    hours = business_hours_for(dealer_a.pk, years=[2026])
    # 20 September 2026 is a Sunday worked for the Mid-autumn Festival: Monday's hours
    assert intervals_on(hours, date(2026, 9, 20)) == ((sh(2026, 9, 20, 9), sh(2026, 9, 20, 17)),)
    assert intervals_on(hours, date(2026, 9, 27)) == ()  # a Sunday inside the holiday
    # a dealer open on weekends (our default): the make-up days change nothing
    every_day = business_hours_for(dealer_b.pk, years=[2026])
    assert not every_day.special


def test_an_edit_is_seen_at_the_next_call_and_reads_need_no_scope(
    dealer_a: Any, dealer_b: Any, manager_a: Any, scoped: Any
) -> None:
    before = business_hours_for(dealer_a.pk, years=[2026])  # outside any scope (a task)
    with scoped(dealer_a):
        business_calendar_update(actor=manager_a, dealer=dealer_a,
                                 weekly_hours=[[["10:00", "16:00"]]] * 7,
                                 closes_on_public_holidays=True)  # fmt: skip
    after = business_hours_for(dealer_a.pk, years=[2026])
    assert before.weekly != after.weekly
    assert after.weekly[0] == ((time(10), time(16)),)
    # dealer B keeps the default, whatever scope the caller is in
    with scoped(dealer_a):
        assert business_hours_for(dealer_b.pk, years=[2026]).weekly == before.weekly


def test_the_default_years_are_last_this_and_next() -> None:
    assert default_years(date(2026, 12, 4)) == [2025, 2026, 2027]


# --- the services ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("weekly", "says"),
    [
        ([DAY] * 6, "7 days"),
        ([[["25:00", "26:00"]]] + [DAY] * 6, "25:00"),
        ([[["8:30", "12:00"]]] + [DAY] * 6, "8:30"),
        ([[["12:00", "08:30"]]] + [DAY] * 6, "12:00–08:30"),
        ([[["08:30", "12:00"], ["11:00", "18:00"]]] + [DAY] * 6, "overlap"),
        ([[["08:30"]]] + [DAY] * 6, "pair"),
        (["08:30-12:00"] + [DAY] * 6, "list"),
        ([[DAY[0]] * 7] + [DAY] * 6, "at most"),
    ],
)
def test_bad_weekly_hours_are_refused_at_the_field(
    dealer_a: Any, manager_a: Any, scoped: Any, weekly: Any, says: str
) -> None:
    with scoped(dealer_a), pytest.raises(ValidationError) as caught:
        business_calendar_update(
            actor=manager_a, dealer=dealer_a, weekly_hours=weekly, closes_on_public_holidays=True
        )
    assert list(caught.value.message_dict) == ["weekly_hours"]
    assert says in " ".join(caught.value.message_dict["weekly_hours"])
    with scopes_disabled():
        assert not BusinessCalendar.objects.exists()


def test_hours_are_stored_sorted(dealer_a: Any, gm_a: Any, scoped: Any) -> None:
    with scoped(dealer_a):
        calendar = business_calendar_update(
            actor=gm_a, dealer=dealer_a, weekly_hours=[list(reversed(DAY))] * 7,
            closes_on_public_holidays=True,
        )  # fmt: skip
    assert calendar.weekly_hours == [DAY] * 7 and calendar.updated_by == gm_a


def test_bad_calendar_days_are_refused_at_their_fields(
    dealer_a: Any, manager_a: Any, scoped: Any
) -> None:
    with scoped(dealer_a):
        with pytest.raises(ValidationError) as caught:
            calendar_day_set(actor=manager_a, dealer=dealer_a, day=date(1999, 12, 31),
                             is_open=True, hours=[["09:00", "08:00"]], name="x" * 51)  # fmt: skip
        assert set(caught.value.message_dict) == {"day", "hours", "name"}
        with pytest.raises(ValidationError) as caught:
            calendar_day_remove(actor=manager_a, dealer=dealer_a, day=date(2026, 6, 1))
        assert list(caught.value.message_dict) == ["day"]
        assert not CalendarDay.objects.exists()


@pytest.mark.parametrize("who", ["consultant_a", "cr_a", "advisor_a", "manager_b", "hq_analyst"])
def test_only_the_dealers_managers_write_its_calendar(
    who: str, request: Any, dealer_a: Any, scoped: Any
) -> None:
    actor = request.getfixturevalue(who)
    with scoped(dealer_a):
        with pytest.raises(PermissionDenied):
            business_calendar_update(
                actor=actor,
                dealer=dealer_a,
                weekly_hours=[DAY] * 7,
                closes_on_public_holidays=False,
            )
        with pytest.raises(PermissionDenied):
            calendar_day_set(actor=actor, dealer=dealer_a, day=date(2026, 6, 1), is_open=False)
        with pytest.raises(PermissionDenied):
            calendar_day_remove(actor=actor, dealer=dealer_a, day=date(2026, 6, 1))
    with scopes_disabled():
        assert not BusinessCalendar.objects.exists() and not CalendarDay.objects.exists()
