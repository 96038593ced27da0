"""Plausible dates of a dealership's records: what no real record can carry is refused at
entry (issue #13: an interaction at 0001-01-01, a mileage reading of 0416-01-28)."""

from __future__ import annotations

from datetime import date

#: Nothing a dealership records (a visit, a call, a mileage reading) happened before this year.
EARLIEST_EVENT_YEAR = 1970
#: No customer was born before this year (the ID number's rule allows ages up to 120).
EARLIEST_BIRTH_YEAR = 1900


def is_plausible_event_year(year: int) -> bool:
    """A year a record's event may have happened in: from EARLIEST_EVENT_YEAR to this year."""
    return EARLIEST_EVENT_YEAR <= year <= date.today().year


def is_plausible_birth_date(value: date, *, today: date | None = None) -> bool:
    """A birth date a customer may have: from EARLIEST_BIRTH_YEAR on, and not in the future."""
    return value.year >= EARLIEST_BIRTH_YEAR and value <= (today or date.today())


#: No car is driven farther in a day (two drivers, motorway, 24 hours): a reading that
#: implies more since the previous one, or since a new car's purchase, is a typing error.
MAX_KM_PER_DAY = 2_000


def implausible_distance(km: int, since_km: int, days: int) -> bool:
    """Whether `km - since_km` could not have been driven in `days` days (at least one)."""
    return km - since_km > MAX_KM_PER_DAY * max(days, 1)
