"""The entry rules of sales values: each cleaner adds its message at the field's name, so a
form shows it at the field and the API answers 400 with the field names as keys."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext_lazy as _

from autocrm.catalogue.models import Series
from autocrm.dictionaries.models import DictionaryEntry
from autocrm.rules.text import clean_text
from autocrm.sales.models import ActivityKind

MAX_AMOUNT = Decimal("99999999.99")
#: No row id is larger (a bigger number would overflow the database's integer: a 500).
MAX_ID = 2**63 - 1


def an_id(value: object) -> bool:
    """Whether a value sent as an id can be one (digits that fit the database's integer)."""
    text = str(value)
    return text.isdigit() and int(text) <= MAX_ID


def parse_day(value: object) -> date | None:
    """A date typed as 2026-05-01, or None for anything else (2026-13-45 included: Django's
    parse_date raises on a well-formed impossible date)."""
    try:
        parsed = parse_date(str(value or ""))
    except ValueError:
        return None
    return parsed if parsed is not None and 1970 <= parsed.year <= 2100 else None


Errors = dict[str, list[ValidationError]]


def add_error(errors: Errors, field: str, message: Any) -> None:
    errors.setdefault(field, []).append(ValidationError(message))


def choice_field(data: Mapping[str, Any], field: str, choices: list[str], errors: Errors) -> Any:
    value = data.get(field)
    if value in (None, ""):
        return ""
    if str(value) not in choices:
        add_error(errors, field, _("Choose a valid option."))
        return None
    return str(value)


def date_field(data: Mapping[str, Any], field: str, errors: Errors) -> date | None:
    value = data.get(field)
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    parsed = parse_day(value) if isinstance(value, str) else None
    if parsed is None:
        add_error(errors, field, _("Enter a date such as 2026-05-01."))
    return parsed


def datetime_field(data: Mapping[str, Any], field: str, errors: Errors) -> datetime | None:
    value = data.get(field)
    if value in (None, ""):
        return None
    parsed: datetime | None = None
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, str):
        try:
            parsed = parse_datetime(value)
        except ValueError:
            parsed = None
    if parsed is None or not 1970 <= parsed.year <= 2100:
        add_error(errors, field, _("Enter a date and time such as 2026-05-01 10:30."))
        return None
    return timezone.make_aware(parsed) if timezone.is_naive(parsed) else parsed


def amount_field(data: Mapping[str, Any], field: str, errors: Errors) -> Decimal | None:
    value = data.get(field)
    if value in (None, ""):
        return None
    try:
        amount = Decimal(str(value).replace(",", "").strip())
    except InvalidOperation:
        add_error(errors, field, _("Enter an amount in CNY."))
        return None
    if not amount.is_finite() or amount < 0 or amount > MAX_AMOUNT:
        add_error(errors, field, _("Enter an amount between 0 and 99,999,999.99 CNY."))
        return None
    return amount.quantize(Decimal("0.01"))


def integer_field(data: Mapping[str, Any], field: str, low: int, high: int, errors: Errors) -> (
    int | None
):  # fmt: skip
    value = data.get(field)
    if value in (None, ""):
        return None
    try:
        number = int(str(value))
    except ValueError:
        add_error(errors, field, _("Enter a whole number."))
        return None
    if not low <= number <= high:
        add_error(
            errors,
            field,
            _("Enter a number from %(low)s to %(high)s.") % {"low": low, "high": high},
        )
        return None
    return number


def series_field(data: Mapping[str, Any], field: str, errors: Errors) -> Series | None:
    value = data.get(field)
    if value in (None, ""):
        return None
    if isinstance(value, Series):
        return value
    found = Series.objects.filter(pk=value).first() if an_id(value) else None
    if found is None:
        add_error(errors, field, _("Choose a model of the catalogue."))
    return found


def entry_field(data: Mapping[str, Any], field: str, kind: str, dealer_id: int, errors: Errors) -> (
    DictionaryEntry | None
):  # fmt: skip
    value = data.get(field)
    if value in (None, ""):
        return None
    entry = value if isinstance(value, DictionaryEntry) else None
    if entry is None and an_id(value):
        entry = DictionaryEntry.objects.filter(pk=value).first()
    if entry is None or entry.dealer_id != dealer_id or entry.kind != kind:
        add_error(errors, field, _("Choose a valid option."))
        return None
    return entry


def clean_plan(data: Mapping[str, Any], *, prefix: str = "plan_") -> dict[str, Any]:
    """A planned activity: its kind, its due time (not in the past) and a note."""
    errors: Errors = {}
    kind = data.get(f"{prefix}kind")
    if kind not in ActivityKind.values:
        add_error(errors, f"{prefix}kind", _("Choose the next activity."))
    due = datetime_field(data, f"{prefix}due_at", errors)
    if due is None and f"{prefix}due_at" not in errors:
        add_error(errors, f"{prefix}due_at", _("Enter when the next activity is due."))
    elif due is not None and due < timezone.now() - timedelta(minutes=5):
        add_error(errors, f"{prefix}due_at", _("Plan the next activity from now on."))
    if errors:
        raise ValidationError(errors)
    return {
        "kind": kind,
        "due_at": due,
        "note": clean_text(str(data.get(f"{prefix}note") or ""))[:300],
    }
