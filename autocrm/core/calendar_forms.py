"""The forms of the business calendar page: the weekly hours (seven rows of a morning and an
afternoon opening) and one exception day."""

from __future__ import annotations

from datetime import time
from typing import Any

from django import forms
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext_lazy as _

from autocrm.core.calendar_services import FIRST_DAY, LAST_DAY, NAME_MAX_LENGTH
from autocrm.core.forms import DateInput, StyledForm
from autocrm.rules.business_time import format_clock, parse_clock

#: The two openings of a day on the page, and their parts.
PERIODS = (("am", _("Morning")), ("pm", _("Afternoon")))
ENDS = ("start", "end")


class ClockField(forms.Field):
    """A time of day written HH:MM (what an <input type="time"> sends); blank is None."""

    widget = forms.TextInput(
        attrs={"type": "time", "inputmode": "numeric", "placeholder": "HH:MM", "maxlength": 8}
    )
    default_error_messages = {"invalid": _("Enter a time of day written HH:MM (00:00 to 23:59).")}

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> time | None:
        text = value.strip() if isinstance(value, str) else ""
        if not text:
            return None
        if len(text) == 8 and text.endswith(":00"):  # some browsers send HH:MM:SS
            text = text[:5]
        try:
            return parse_clock(text)
        except ValueError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None

    def prepare_value(self, value: Any) -> Any:
        return format_clock(value) if isinstance(value, time) else value


def _clean_openings(form: StyledForm, prefix: str) -> list[list[str]]:
    """The day's openings from its `<prefix>_am_start` … `<prefix>_pm_end` fields, each error
    at the field it is about; [] for a closed day (all blank)."""
    data = form.cleaned_data
    openings: list[tuple[str, time, time]] = []
    for period, _label in PERIODS:
        start_name, end_name = (f"{prefix}{period}_{end}" for end in ENDS)
        if start_name not in data or end_name not in data:
            continue  # already invalid
        start, end = data[start_name], data[end_name]
        if start is None and end is None:
            continue
        if start is None or end is None:
            missing = start_name if start is None else end_name
            form.add_error(missing, _("Give both the opening and the closing time, or neither."))
            continue
        if not start < end:
            form.add_error(end_name, _("The closing time must be after the opening time."))
            continue
        openings.append((start_name, start, end))
    openings.sort(key=lambda o: o[1])
    for (_name_a, _start_a, end_a), (name_b, start_b, _end_b) in zip(
        openings, openings[1:], strict=False
    ):
        if start_b < end_a:
            form.add_error(name_b, _("This opening overlaps the other one of the day."))
    return [[format_clock(start), format_clock(end)] for _name, start, end in openings]


class WeeklyHoursForm(StyledForm):
    """Seven rows (Monday first) of a morning and an afternoon opening; blank is closed."""

    closes_on_public_holidays = forms.BooleanField(
        label=_("Closed on public holidays"),
        required=False,
        help_text=_(
            "The statutory holidays close the dealer, and their make-up working days open "
            "it on a weekday it is otherwise closed on."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for weekday, weekday_label in WEEKDAYS.items():
            for period, period_label in PERIODS:
                for end in ENDS:
                    label = _("opens") if end == "start" else _("closes")
                    field = ClockField(label=f"{weekday_label} · {period_label} · {label}")
                    # added after StyledForm styled the declared fields: styled here; the
                    # table's cells have no <label>, so the input names itself
                    field.widget.attrs["class"] = "form-control form-control-sm"
                    field.widget.attrs["aria-label"] = field.label
                    self.fields[f"d{weekday}_{period}_{end}"] = field

    @classmethod
    def initial_from(
        cls, weekly_hours: list[Any], closes_on_public_holidays: bool
    ) -> dict[str, Any]:
        """The form's initial values from stored weekly hours (the first two openings a day)."""
        initial: dict[str, Any] = {"closes_on_public_holidays": closes_on_public_holidays}
        for weekday, pairs in enumerate(weekly_hours):
            for (period, _label), pair in zip(PERIODS, pairs, strict=False):
                initial[f"d{weekday}_{period}_start"], initial[f"d{weekday}_{period}_end"] = pair
        return initial

    def rows(self) -> list[dict[str, Any]]:
        """For the template: per weekday its label and its four bound fields."""
        return [
            {
                "label": weekday_label,
                "fields": [self[f"d{weekday}_{p}_{e}"] for p, _label in PERIODS for e in ENDS],
            }
            for weekday, weekday_label in WEEKDAYS.items()
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        cleaned["weekly_hours"] = [_clean_openings(self, f"d{weekday}_") for weekday in WEEKDAYS]
        return cleaned


class CalendarDayForm(StyledForm):
    """One of the dealer's own days: closed, or open (with its own hours, or the weekday's)."""

    day = forms.DateField(label=_("Day"), widget=DateInput())
    is_open = forms.TypedChoiceField(
        label=_("The dealer is"),
        choices=((0, _("Closed")), (1, _("Open"))),
        coerce=lambda v: bool(int(v)),
        initial=0,
    )
    name = forms.CharField(
        label=_("Occasion"),
        max_length=NAME_MAX_LENGTH,
        required=False,
        help_text=_("For example: store anniversary, stocktaking, open for the holiday sales."),
    )
    am_start = ClockField(label=_("Morning opens"))
    am_end = ClockField(label=_("Morning closes"))
    pm_start = ClockField(label=_("Afternoon opens"))
    pm_end = ClockField(label=_("Afternoon closes"))

    def clean_day(self) -> Any:
        day = self.cleaned_data["day"]
        if not FIRST_DAY <= day <= LAST_DAY:
            raise forms.ValidationError(
                _("Choose a day between %(first)s and %(last)s."),
                params={"first": FIRST_DAY, "last": LAST_DAY},
            )
        return day

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        cleaned["hours"] = _clean_openings(self, "") if cleaned.get("is_open") else []
        return cleaned


class CalendarDayRemoveForm(StyledForm):
    day = forms.DateField(label=_("Day"), widget=DateInput())
