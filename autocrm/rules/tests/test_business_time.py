"""Business time on hand-built calendars: clocks that stop for lunch, the night, the weekend
and holidays (the calendar built from the statutory holidays is tested in core)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from autocrm.rules.business_time import (
    MAX_CLOSED_DAYS,
    SHANGHAI,
    BusinessHours,
    add_business_time,
    business_seconds_between,
    intervals_on,
    is_open,
    next_opening,
)

DAY = ((time(8, 30), time(12, 0)), (time(13, 30), time(18, 0)))
#: A 4S store: open every day, 08:30–12:00 and 13:30–18:00.
EVERY_DAY = BusinessHours(weekly=(DAY,) * 7)
#: An office: Monday to Friday only.
WEEKDAYS = BusinessHours(weekly=(DAY,) * 5 + ((), ()))
NATIONAL_DAY = frozenset(date(2026, 10, d) for d in range(1, 8))
MINUTE = timedelta(minutes=1)


def sh(*args: int) -> datetime:
    """An aware datetime on Shanghai's wall clock."""
    return datetime(*args, tzinfo=SHANGHAI)


def test_across_the_lunch_break() -> None:
    assert add_business_time(EVERY_DAY, sh(2026, 6, 1, 11, 55), 15 * MINUTE) == sh(
        2026, 6, 1, 13, 40
    )


def test_across_the_night() -> None:
    assert add_business_time(EVERY_DAY, sh(2026, 6, 1, 17, 50), 15 * MINUTE) == sh(
        2026, 6, 2, 8, 35
    )


def test_across_a_public_holiday() -> None:
    hours = BusinessHours(weekly=(DAY,) * 7, closed=NATIONAL_DAY)
    assert add_business_time(hours, sh(2026, 9, 30, 17, 55), 15 * MINUTE) == sh(2026, 10, 8, 8, 40)


def test_a_lead_arriving_while_closed_counts_from_the_opening() -> None:
    assert add_business_time(EVERY_DAY, sh(2026, 6, 1, 22, 0), 15 * MINUTE) == sh(2026, 6, 2, 8, 45)
    # before the opening the same day, and during lunch
    assert add_business_time(EVERY_DAY, sh(2026, 6, 2, 6, 0), 15 * MINUTE) == sh(2026, 6, 2, 8, 45)
    assert add_business_time(EVERY_DAY, sh(2026, 6, 2, 12, 30), 15 * MINUTE) == sh(
        2026, 6, 2, 13, 45
    )


def test_time_used_up_at_a_closing_ends_there() -> None:
    assert add_business_time(EVERY_DAY, sh(2026, 6, 1, 11, 45), 15 * MINUTE) == sh(
        2026, 6, 1, 12, 0
    )
    assert add_business_time(EVERY_DAY, sh(2026, 6, 1, 22, 0), timedelta()) == sh(2026, 6, 1, 22, 0)


def test_the_result_is_in_utc_and_inputs_may_be_in_utc() -> None:
    start = datetime(2026, 6, 1, 3, 55, tzinfo=UTC)  # 11:55 in Shanghai
    due = add_business_time(EVERY_DAY, start, 15 * MINUTE)
    assert due.tzinfo is UTC
    assert due == datetime(2026, 6, 1, 5, 40, tzinfo=UTC)  # 13:40 in Shanghai
    # 23:00 UTC on 31 May is 07:00 on 1 June in Shanghai: the day that counts is Shanghai's
    assert add_business_time(EVERY_DAY, datetime(2026, 5, 31, 23, 0, tzinfo=UTC), MINUTE) == sh(
        2026, 6, 1, 8, 31
    )
    assert (
        business_seconds_between(
            EVERY_DAY,
            datetime(2026, 6, 1, 0, 0, tzinfo=UTC),
            datetime(2026, 6, 1, 1, 0, tzinfo=UTC),
        )
        == 30 * 60
    )  # 08:00–09:00 in Shanghai, open from 08:30


def test_seconds_between_over_a_weekend() -> None:
    friday_evening, monday_morning = sh(2026, 6, 5, 17, 0), sh(2026, 6, 8, 9, 0)
    assert business_seconds_between(WEEKDAYS, friday_evening, monday_morning) == 90 * 60
    full_day = (3.5 + 4.5) * 3600
    assert business_seconds_between(EVERY_DAY, friday_evening, monday_morning) == (
        3600 + 2 * full_day + 30 * 60
    )


def test_seconds_between_over_a_holiday() -> None:
    hours = BusinessHours(weekly=(DAY,) * 7, closed=NATIONAL_DAY)
    assert business_seconds_between(hours, sh(2026, 9, 30, 17, 0), sh(2026, 10, 8, 9, 0)) == (
        90 * 60
    )


def test_seconds_between_is_zero_backwards_and_at_night() -> None:
    assert business_seconds_between(EVERY_DAY, sh(2026, 6, 2, 9), sh(2026, 6, 1, 9)) == 0
    assert business_seconds_between(EVERY_DAY, sh(2026, 6, 1, 18), sh(2026, 6, 2, 8, 30)) == 0


def test_a_special_day_has_its_own_hours() -> None:
    half_day = ((time(9, 0), time(12, 0)),)
    hours = BusinessHours(
        weekly=WEEKDAYS.weekly, closed=NATIONAL_DAY, special={date(2026, 10, 3): half_day}
    )
    # 3 October is a Saturday in the middle of the holiday: open in the morning only
    assert intervals_on(hours, date(2026, 10, 3)) == ((sh(2026, 10, 3, 9), sh(2026, 10, 3, 12)),)
    assert add_business_time(hours, sh(2026, 9, 30, 17, 55), 15 * MINUTE) == sh(2026, 10, 3, 9, 10)
    assert business_seconds_between(hours, sh(2026, 10, 1), sh(2026, 10, 8)) == 3 * 3600
    # a make-up working day (调休) on a Sunday of an office closed on weekends
    workday = BusinessHours(weekly=WEEKDAYS.weekly, special={date(2026, 9, 20): DAY})
    assert is_open(workday, sh(2026, 9, 20, 10)) and not is_open(WEEKDAYS, sh(2026, 9, 20, 10))


def test_intervals_on_are_aware_local_datetimes() -> None:
    (morning, afternoon) = intervals_on(EVERY_DAY, date(2026, 6, 1))
    assert morning == (sh(2026, 6, 1, 8, 30), sh(2026, 6, 1, 12))
    assert afternoon[0].tzinfo is SHANGHAI
    assert intervals_on(WEEKDAYS, date(2026, 6, 6)) == ()  # a Saturday


def test_is_open_and_next_opening() -> None:
    assert is_open(EVERY_DAY, sh(2026, 6, 1, 8, 30))
    assert not is_open(EVERY_DAY, sh(2026, 6, 1, 12, 0))  # closing time: closed
    assert not is_open(EVERY_DAY, sh(2026, 6, 1, 8, 29))
    assert next_opening(EVERY_DAY, sh(2026, 6, 1, 12, 10)) == sh(2026, 6, 1, 13, 30)
    assert next_opening(EVERY_DAY, sh(2026, 6, 1, 10, 0)) == sh(2026, 6, 1, 10, 0)
    assert next_opening(WEEKDAYS, sh(2026, 6, 5, 18, 0)) == sh(2026, 6, 8, 8, 30)
    assert next_opening(EVERY_DAY, sh(2026, 6, 1, 10)).tzinfo is UTC


def test_a_calendar_never_open_ends_with_an_error() -> None:
    never = BusinessHours(weekly=((),) * 7)
    with pytest.raises(ValueError, match="no opening"):
        add_business_time(never, sh(2026, 6, 1, 9), MINUTE)
    with pytest.raises(ValueError, match="no opening"):
        next_opening(never, sh(2026, 6, 1, 9))
    # an opening just within reach is found, one beyond is not
    soon = BusinessHours(weekly=((),) * 7, special={date(2026, 6, 1) + timedelta(days=300): DAY})
    assert add_business_time(soon, sh(2026, 6, 1, 9), MINUTE) == sh(2027, 3, 28, 8, 31)
    far = date(2026, 6, 1) + timedelta(days=MAX_CLOSED_DAYS + 5)
    with pytest.raises(ValueError):
        add_business_time(
            BusinessHours(weekly=((),) * 7, special={far: DAY}), sh(2026, 6, 1), MINUTE
        )


def test_a_long_delta_runs_through_many_open_days() -> None:
    # 1000 hours of business time on 8-hour days: 125 days, not a "closed too long" error
    due = add_business_time(EVERY_DAY, sh(2026, 1, 1, 8, 30), timedelta(hours=1000))
    assert due == sh(2026, 5, 5, 18, 0)


def test_bad_values_are_refused() -> None:
    with pytest.raises(ValueError, match="7 days"):
        BusinessHours(weekly=(DAY,) * 6)
    with pytest.raises(ValueError, match="open before closing"):
        BusinessHours(weekly=(((time(12), time(8)),),) * 7)
    with pytest.raises(ValueError, match="overlaps"):
        BusinessHours(weekly=(((time(8), time(12)), (time(11), time(18))),) * 7)
    with pytest.raises(ValueError, match="overlaps"):
        BusinessHours(weekly=(DAY,) * 7, special={date(2026, 1, 1): (DAY[1], DAY[0])})
    with pytest.raises(ValueError, match="aware"):
        add_business_time(EVERY_DAY, datetime(2026, 6, 1, 9), MINUTE)
    with pytest.raises(ValueError, match="negative"):
        add_business_time(EVERY_DAY, sh(2026, 6, 1, 9), -MINUTE)


def test_the_value_cannot_be_changed_afterwards() -> None:
    special = {date(2026, 6, 1): ()}
    hours = BusinessHours(weekly=(DAY,) * 7, special=special)
    special[date(2026, 6, 2)] = ()
    assert date(2026, 6, 2) not in hours.special
    with pytest.raises(TypeError):
        hours.special[date(2026, 6, 3)] = ()


# --- properties ------------------------------------------------------------------------------

CALENDARS = st.sampled_from(
    [
        EVERY_DAY,
        WEEKDAYS,
        BusinessHours(weekly=(DAY,) * 7, closed=NATIONAL_DAY),
        BusinessHours(
            weekly=((), *((DAY,) * 5), ((time(9), time(12)),)),
            closed=NATIONAL_DAY,
            special={date(2026, 10, 5): ((time(10), time(11)),)},
        ),
    ]
)
STARTS = st.datetimes(
    min_value=datetime(2026, 9, 20), max_value=datetime(2026, 10, 15), timezones=st.just(UTC)
)
DELTAS = st.integers(min_value=0, max_value=4 * 24 * 3600).map(lambda s: timedelta(seconds=s))


@hypothesis_settings(max_examples=300, database=None, deadline=None)
@given(hours=CALENDARS, start=STARTS, delta=DELTAS)
def test_the_time_added_is_the_time_between(
    hours: BusinessHours, start: datetime, delta: timedelta
) -> None:
    due = add_business_time(hours, start, delta)
    assert due >= start
    assert business_seconds_between(hours, start, due) == delta.total_seconds()
    if delta:
        # nothing earlier would do: one second less is not enough
        assert (
            business_seconds_between(hours, start, due - timedelta(seconds=1))
            < delta.total_seconds()
        )


@hypothesis_settings(max_examples=200, database=None, deadline=None)
@given(hours=CALENDARS, start=STARTS, split=STARTS, end=STARTS)
def test_seconds_between_add_up(
    hours: BusinessHours, start: datetime, split: datetime, end: datetime
) -> None:
    start, split, end = sorted((start, split, end))
    assert business_seconds_between(hours, start, end) == pytest.approx(
        business_seconds_between(hours, start, split) + business_seconds_between(hours, split, end),
        abs=1,  # whole seconds of each part
    )


@hypothesis_settings(max_examples=200, database=None, deadline=None)
@given(hours=CALENDARS, at=STARTS)
def test_the_next_opening_is_open(hours: BusinessHours, at: datetime) -> None:
    opening = next_opening(hours, at)
    assert opening >= at and is_open(hours, opening)
    assert business_seconds_between(hours, at, opening) == 0
