"""The first-response clock of a lead (domain.md §3): counted in the dealer's business hours
and holidays (core's business calendar), with the dealer's target (default 15 minutes) and
missed bound (default 30)."""

from __future__ import annotations

from datetime import datetime, timedelta

from autocrm.core.calendar import business_hours_for
from autocrm.rules.business_time import BusinessHours, add_business_time, business_seconds_between
from autocrm.rules.sales import ResponseBand, response_band
from autocrm.sales.models import SalesSettings


def _hours(dealer_id: int, *moments: datetime) -> BusinessHours:
    years = {m.year for m in moments} | {m.year + 1 for m in moments}
    return business_hours_for(dealer_id, years=sorted(years))


def response_deadlines(
    dealer_id: int, received_at: datetime, rules: SalesSettings
) -> tuple[datetime, datetime]:
    """When the first response is due (the target) and when it counts as missed."""
    hours = _hours(dealer_id, received_at)
    due = add_business_time(hours, received_at, timedelta(minutes=rules.response_target_minutes))
    missed = add_business_time(hours, received_at, timedelta(minutes=rules.response_missed_minutes))
    return due, missed


def response_measure(
    dealer_id: int, received_at: datetime, responded_at: datetime, rules: SalesSettings
) -> tuple[int, ResponseBand]:
    """The business seconds a response took, and its band (on time / late / missed)."""
    hours = _hours(dealer_id, received_at, responded_at)
    seconds = business_seconds_between(hours, received_at, responded_at)
    band = response_band(
        seconds,
        target_minutes=rules.response_target_minutes,
        missed_minutes=rules.response_missed_minutes,
    )
    return seconds, band
