"""What the sales director sets up: the month's targets, the lead rules, each consultant's
daily lead capacity and absences."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from autocrm.catalogue.models import Series
from autocrm.sales.config import sales_settings_for
from autocrm.sales.models import Absence, ConsultantCapacity, SalesSettings, SalesTarget
from autocrm.sales.policies import can_maintain_sales_setup
from autocrm.tenancy.models import Staff
from autocrm.tenancy.roles import Role

SETTINGS_FIELDS = (
    "response_target_minutes",
    "response_missed_minutes",
    "repeat_window_days",
    "daily_lead_capacity",
    "lost_call_sample_percent",
    "plan_due_days",
)


def _ensure(actor: Staff) -> int:
    if not can_maintain_sales_setup(actor):
        raise PermissionDenied(_("Only the sales director changes the sales setup."))
    return actor.own_dealer_id


@transaction.atomic
def sales_settings_update(*, actor: Staff, data: Mapping[str, Any]) -> SalesSettings:
    dealer_id = _ensure(actor)
    row = sales_settings_for(dealer_id)
    for field in SETTINGS_FIELDS:
        if field in data:
            try:
                setattr(row, field, int(str(data[field])))
            except ValueError:
                raise ValidationError({field: [_("Enter a whole number.")]}) from None
    row.full_clean(exclude=["dealer"])
    if row.response_missed_minutes < row.response_target_minutes:
        raise ValidationError(
            {"response_missed_minutes": [_("A lead is missed no sooner than it is late.")]}
        )
    row.save()
    return row


@transaction.atomic
def sales_target_set(
    *, actor: Staff, month: date, units: int, series: Series | None = None
) -> SalesTarget | None:
    """The month's sales target in units, for the dealer or one model (0 removes it)."""
    dealer_id = _ensure(actor)
    month = month.replace(day=1)
    if units < 0 or units > 100_000:
        raise ValidationError({"units": [_("Enter a target from 0 to 100,000 cars.")]})
    rows = SalesTarget.objects.filter(dealer_id=dealer_id, month=month, series=series)
    if units == 0:
        rows.delete()
        return None
    target = rows.first() or SalesTarget(dealer_id=dealer_id, month=month, series=series)
    target.units = units
    target.save()
    return target


def _consultant(actor: Staff, consultant: Staff) -> None:
    if consultant.dealer_id != actor.dealer_id or consultant.role != Role.SALES_CONSULTANT:
        raise ValidationError({"consultant": [_("Choose a sales consultant of this dealer.")]})


@transaction.atomic
def consultant_capacity_set(*, actor: Staff, consultant: Staff, capacity: int | None) -> None:
    """A consultant's own daily lead capacity; None returns them to the dealer's."""
    dealer_id = _ensure(actor)
    _consultant(actor, consultant)
    rows = ConsultantCapacity.objects.filter(dealer_id=dealer_id, consultant=consultant)
    if capacity is None:
        rows.delete()
        return
    if not 0 <= capacity <= 200:
        raise ValidationError({"capacity": [_("Enter a capacity from 0 to 200 leads a day.")]})
    if not rows.update(daily_lead_capacity=capacity):
        ConsultantCapacity.objects.create(
            dealer_id=dealer_id, consultant=consultant, daily_lead_capacity=capacity
        )


@transaction.atomic
def absence_add(
    *, actor: Staff, consultant: Staff, starts_on: date, ends_on: date, reason: str
) -> Absence:
    """A consultant is off duty from `starts_on` to `ends_on` (no leads are assigned)."""
    dealer_id = _ensure(actor)
    _consultant(actor, consultant)
    if ends_on < starts_on:
        raise ValidationError({"ends_on": [_("The absence ends after it starts.")]})
    if reason not in Absence.Reason.values:
        raise ValidationError({"reason": [_("Choose a reason.")]})
    return Absence.objects.create(
        dealer_id=dealer_id,
        consultant=consultant,
        starts_on=starts_on,
        ends_on=ends_on,
        reason=reason,
    )


@transaction.atomic
def absence_remove(*, actor: Staff, absence: Absence) -> None:
    dealer_id = _ensure(actor)
    if absence.dealer_id != dealer_id:
        raise PermissionDenied
    absence.delete()
