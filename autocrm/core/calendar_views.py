"""The business calendar page (/settings/calendar/): a dealer's weekly hours, the statutory
holidays of this year and the next, and the dealer's own days. Everyone at the dealer sees
it; its managers and general manager change it (others get 403 on a POST); HQ has no
dealer, so no calendar (403)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from autocrm.core.calendar import (
    business_calendar_of,
    business_hours_for,
    calendar_days,
    holiday_periods,
    makeup_workdays,
    statutory_year_known,
)
from autocrm.core.calendar_forms import CalendarDayForm, CalendarDayRemoveForm, WeeklyHoursForm
from autocrm.core.calendar_services import (
    business_calendar_update,
    calendar_day_remove,
    calendar_day_set,
)
from autocrm.core.permissions import permission_required
from autocrm.core.policies import can_edit_business_calendar, can_view_business_calendar
from autocrm.rules.business_time import is_open, next_opening

NOT_EDITOR = gettext_lazy("Only the dealer's managers may change its business calendar.")


def _statutory_years(today: date) -> list[dict[str, Any]]:
    return [
        {
            "year": year,
            "known": statutory_year_known(year),
            "periods": holiday_periods(year),
            "workdays": makeup_workdays(year),
        }
        for year in (today.year, today.year + 1)
    ]


def _now(dealer_id: int) -> dict[str, Any]:
    """Whether the dealer is open now, and else when it opens."""
    now = timezone.now()
    hours = business_hours_for(dealer_id)
    try:
        opening = next_opening(hours, now)
    except ValueError:  # closed for more than a year from now
        opening = None
    return {"open": is_open(hours, now), "next_opening": opening}


@permission_required(
    can_view_business_calendar, gettext_lazy("The business calendar is a dealer's own.")
)
def business_calendar(request: HttpRequest) -> HttpResponse:
    staff: Any = request.user
    dealer = staff.dealer
    calendar = business_calendar_of(dealer.pk)
    hours_form = WeeklyHoursForm(
        initial=WeeklyHoursForm.initial_from(
            calendar.weekly_hours, calendar.closes_on_public_holidays
        )
    )
    day_form = CalendarDayForm()
    if request.method == "POST":
        if not can_edit_business_calendar(staff):
            raise PermissionDenied(NOT_EDITOR)
        action = request.POST.get("action", "")
        if action == "hours":
            hours_form = WeeklyHoursForm(request.POST)
            if hours_form.is_valid():
                try:
                    business_calendar_update(
                        actor=staff,
                        dealer=dealer,
                        weekly_hours=hours_form.cleaned_data["weekly_hours"],
                        closes_on_public_holidays=hours_form.cleaned_data[
                            "closes_on_public_holidays"
                        ],
                    )
                except ValidationError as exc:
                    hours_form.apply_service_errors(exc)
                else:
                    messages.success(request, _("The weekly hours are saved."))
                    return redirect("core:business_calendar")
        elif action == "day":
            day_form = CalendarDayForm(request.POST)
            if day_form.is_valid():
                data = day_form.cleaned_data
                try:
                    calendar_day_set(
                        actor=staff,
                        dealer=dealer,
                        day=data["day"],
                        is_open=data["is_open"],
                        hours=data["hours"],
                        name=data["name"],
                    )
                except ValidationError as exc:
                    day_form.apply_service_errors(exc)
                else:
                    messages.success(
                        request, _("%(day)s is saved.") % {"day": data["day"].isoformat()}
                    )
                    return redirect("core:business_calendar")
        elif action == "remove":
            remove_form = CalendarDayRemoveForm(request.POST)
            if remove_form.is_valid():
                day = remove_form.cleaned_data["day"]
                try:
                    calendar_day_remove(actor=staff, dealer=dealer, day=day)
                except ValidationError as exc:
                    messages.error(request, " ".join(exc.messages))
                else:
                    messages.success(
                        request,
                        _("%(day)s follows the weekly hours again.") % {"day": day.isoformat()},
                    )
            else:
                messages.error(request, _("Choose the day to remove."))
            return redirect("core:business_calendar")
        else:
            messages.error(request, _("Nothing was saved: the form was not recognised."))
            return redirect("core:business_calendar")
    today = timezone.localdate()
    failed = request.method == "POST"  # a POST that got here has errors to show
    return render(
        request,
        "core/business_calendar.html",
        {
            "calendar": calendar,
            "can_edit": can_edit_business_calendar(staff),
            "hours_form": hours_form,
            "day_form": day_form,
            "own_days": list(calendar_days(dealer.pk, since=date(today.year, 1, 1))),
            "statutory": _statutory_years(today),
            "now": _now(dealer.pk),
            "nav_active": "business_calendar",
        },
        status=400 if failed else 200,
    )
