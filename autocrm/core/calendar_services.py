"""Every write of the business calendar: a dealer's weekly hours, and its own days (closed,
or open with their own hours). Only the dealer's managers and general manager write them
(core.policies.can_edit_business_calendar), each their own dealer's.

Hours come as lists of ["HH:MM", "HH:MM"] pairs (opens, closes); they are checked (times of
day, each opening before its closing, no two overlapping) and stored sorted. Errors are raised
as ValidationError keyed by the argument's name (`weekly_hours`, `day`, `hours`, `name`).
Run them in the dealer's scope (a request by its staff has one).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext_lazy as _

from autocrm.core.calendar_models import BusinessCalendar, CalendarDay
from autocrm.core.policies import can_edit_business_calendar
from autocrm.rules.business_time import format_clock, parse_clock
from autocrm.tenancy.models import Dealer, Staff

#: More openings a day than any showroom has (the page offers two: morning and afternoon).
MAX_OPENINGS_A_DAY = 6
#: The days a dealer may set: any clock that runs in this software runs within them.
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2099, 12, 31)
NAME_MAX_LENGTH = CalendarDay._meta.get_field("name").max_length or 50


def _ensure_editor(actor: Staff, dealer: Dealer) -> None:
    if not can_edit_business_calendar(actor) or actor.dealer_id != dealer.pk:
        raise PermissionDenied(_("Only the dealer's managers may change its business calendar."))


def clean_day_hours(pairs: Any, *, label: Any) -> tuple[list[list[str]], list[str]]:
    """One day's ["HH:MM", "HH:MM"] pairs checked and sorted, and the errors found (each
    message starts with `label`, the day's name)."""
    if not isinstance(pairs, list | tuple):
        return [], [
            str(_("%(day)s: give the openings as a list of pairs of times.") % {"day": label})
        ]
    if len(pairs) > MAX_OPENINGS_A_DAY:
        message = _("%(day)s: at most %(n)s openings a day.")
        return [], [str(message % {"day": label, "n": MAX_OPENINGS_A_DAY})]
    errors: list[str] = []
    intervals = []
    for pair in pairs:
        if not isinstance(pair, list | tuple) or len(pair) != 2:
            message = _("%(day)s: give each opening as a pair of times (opens, closes).")
            errors.append(str(message % {"day": label}))
            continue
        try:
            opens, closes = parse_clock(pair[0]), parse_clock(pair[1])
        except ValueError:
            bad = next(v for v in pair if not _is_clock(v))
            message = _("%(day)s: “%(value)s” is not a time of day written HH:MM.")
            errors.append(str(message % {"day": label, "value": bad}))
            continue
        if not opens < closes:
            message = _("%(day)s: the opening %(opens)s–%(closes)s must open before it closes.")
            errors.append(str(message % {"day": label, "opens": pair[0], "closes": pair[1]}))
            continue
        intervals.append((opens, closes))
    intervals.sort()
    for (opens_a, closes_a), (opens_b, closes_b) in zip(intervals, intervals[1:], strict=False):
        if opens_b < closes_a:
            message = _("%(day)s: the openings %(first)s and %(second)s overlap.")
            first = f"{format_clock(opens_a)}–{format_clock(closes_a)}"
            second = f"{format_clock(opens_b)}–{format_clock(closes_b)}"
            errors.append(str(message % {"day": label, "first": first, "second": second}))
    cleaned = [[format_clock(opens), format_clock(closes)] for opens, closes in intervals]
    return cleaned, errors


def _is_clock(value: Any) -> bool:
    try:
        parse_clock(value)
    except ValueError:
        return False
    return True


def clean_weekly_hours(weekly_hours: Any) -> list[list[list[str]]]:
    """Seven days of hours (Monday first) checked and sorted; ValidationError keyed
    `weekly_hours` naming each bad day."""
    if not isinstance(weekly_hours, list | tuple) or len(weekly_hours) != 7:
        raise ValidationError(
            {"weekly_hours": [_("Give the hours of the 7 days of the week, Monday first.")]}
        )
    cleaned, errors = [], []
    for weekday, pairs in enumerate(weekly_hours):
        day, day_errors = clean_day_hours(pairs, label=WEEKDAYS[weekday])
        cleaned.append(day)
        errors += day_errors
    if errors:
        raise ValidationError({"weekly_hours": errors})
    return cleaned


@transaction.atomic
def business_calendar_update(
    *,
    actor: Staff,
    dealer: Dealer,
    weekly_hours: Any,
    closes_on_public_holidays: bool,
) -> BusinessCalendar:
    """Set the dealer's weekly hours (7 lists of pairs, Monday first; an empty list is a
    closed weekday) and whether it closes on the statutory holidays."""
    _ensure_editor(actor, dealer)
    weekly = clean_weekly_hours(weekly_hours)
    calendar, _created = BusinessCalendar.objects.update_or_create(
        dealer=dealer,
        defaults={
            "weekly_hours": weekly,
            "closes_on_public_holidays": bool(closes_on_public_holidays),
            "updated_by": actor,
        },
    )
    return calendar


def _check_day(day: Any) -> None:
    if not isinstance(day, date):
        raise ValidationError({"day": [_("Enter a valid date.")]})
    if not FIRST_DAY <= day <= LAST_DAY:
        message = _("Choose a day between %(first)s and %(last)s.")
        raise ValidationError({"day": [message % {"first": FIRST_DAY, "last": LAST_DAY}]})


@transaction.atomic
def calendar_day_set(
    *,
    actor: Staff,
    dealer: Dealer,
    day: date,
    is_open: bool,
    hours: Any = (),
    name: str = "",
) -> CalendarDay:
    """Make `day` one of the dealer's own days: closed, or open with `hours` (pairs; none: the
    weekday's hours), whatever the weekly hours and the statutory holidays say. A closed day
    keeps no hours (any given are dropped). Replaces the day's earlier setting."""
    _ensure_editor(actor, dealer)
    errors: dict[str, list[Any]] = {}
    try:
        _check_day(day)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    cleaned: list[list[str]] = []
    if is_open:
        label = day.isoformat() if isinstance(day, date) else _("The day")
        cleaned, hour_errors = clean_day_hours(list(hours or ()), label=label)
        if hour_errors:
            errors["hours"] = list(hour_errors)
    name = (name or "").strip()
    if len(name) > NAME_MAX_LENGTH:
        message = _("Ensure the name has at most %(n)s characters.")
        errors["name"] = [message % {"n": NAME_MAX_LENGTH}]
    if errors:
        raise ValidationError(errors)
    calendar_day, _created = CalendarDay.objects.update_or_create(
        dealer=dealer,
        day=day,
        defaults={"is_open": bool(is_open), "hours": cleaned, "name": name, "updated_by": actor},
    )
    return calendar_day


@transaction.atomic
def calendar_day_remove(*, actor: Staff, dealer: Dealer, day: date) -> None:
    """The day follows the weekly hours and the statutory holidays again."""
    _ensure_editor(actor, dealer)
    _check_day(day)
    deleted, _rows = CalendarDay.objects.filter(dealer=dealer, day=day).delete()
    if not deleted:
        message = _("%(day)s is not one of the dealer's own days.")
        raise ValidationError({"day": [message % {"day": day.isoformat()}]})
