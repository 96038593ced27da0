"""Turn what staff typed (form, API or import row) into normalized, validated field values.

Each field runs through its rule in `autocrm.rules`; every problem is collected
and raised together as one ValidationError keyed by field name, so nothing is half-saved and
the page (or the API's 400) can show each message at its field.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable, Mapping
from datetime import date
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from autocrm.customers.choices import (
    ActivityLevel,
    ContactType,
    CreditRating,
    CustomerKind,
    Education,
    Gender,
    IdType,
    IncomeBand,
)
from autocrm.rules.address import validate_address_complete
from autocrm.rules.dates import EARLIEST_BIRTH_YEAR, is_plausible_birth_date
from autocrm.rules.email import validate_email
from autocrm.rules.id_numbers import check_id_matches, validate_id_number, validate_uscc
from autocrm.rules.phones import normalize_landline, normalize_mobile
from autocrm.rules.text import clean_name, clean_text
from autocrm.rules.vehicles import validate_plate_number, validate_vin

MAX_HOBBIES = 3  # seed 002: up to three hobbies per prospect
#: The code of the error on a birth date or gender that disagrees with a valid ID number.
ID_MISMATCH = "id_mismatch"

#: Fields with a fixed choice list, checked here so forms, API and imports agree.
CHOICE_FIELDS = {
    "gender": Gender, "education": Education, "annual_income_band": IncomeBand,
    "activity_level": ActivityLevel, "credit_rating": CreditRating, "id_type": IdType,
}  # fmt: skip
# the choices' values, computed once (`Choices.values` builds a new list on every access)
_CHOICE_VALUES = {name: tuple(choices.values) for name, choices in CHOICE_FIELDS.items()}
_ID_TYPES = tuple(IdType.values)
_KINDS = frozenset(CustomerKind.values)
_CONTACT_TYPES = frozenset(ContactType.values)
#: What people type for gender in forms and spreadsheets.
GENDER_SPELLINGS = {
    "男": "M", "male": "M", "m": "M", "女": "F", "female": "F", "f": "F",
}  # fmt: skip


@functools.cache
def _max_lengths(model: Any) -> dict[str, int]:
    return {f.name: f.max_length for f in model._meta.concrete_fields if f.max_length}


def _check_lengths(values: dict[str, Any], errors: FieldErrors, model: Any = None) -> None:
    """Refuse values longer than their column (a clear message, never a database error)."""
    if model is None:
        from autocrm.customers.models import Customer

        model = Customer
    limits = _max_lengths(model)
    for name, value in values.items():
        # a field without a limit compares with one no string reaches
        if isinstance(value, str) and len(value) > limits.get(name, _NO_LIMIT):
            if name in errors.errors:
                continue
            max_length = limits[name]
            errors.add(
                name,
                ValidationError(
                    _("Too long: at most %(max)d characters."), params={"max": max_length}
                ),
            )


_NO_LIMIT = sys.maxsize


TEXT_FIELDS = (
    "native_place", "health", "employer", "position", "former_reason", "remarks",
    "form_number", "fax",
)  # fmt: skip


if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class FieldErrors:
    """Collects ValidationErrors per field and raises them together."""

    def __init__(self) -> None:
        self.errors: dict[str, list[ValidationError]] = {}

    def add(self, field: str, error: ValidationError | StrOrPromise) -> None:
        if not isinstance(error, ValidationError):  # a message, maybe a lazy translation
            error = ValidationError(error)
        # Kept without its traceback: the traceback's frames hold this collector, which holds
        # the error, a reference cycle; through the frames' callers it held whatever they
        # held (an import's whole chunk of rows) until a garbage collection.
        error.__traceback__ = None
        self.errors.setdefault(field, []).append(error)

    def run(self, field: str, func: Callable[[], Any]) -> Any:
        try:
            return func()
        except ValidationError as exc:
            self.add(field, exc)
            return None

    def raise_if_any(self) -> None:
        if self.errors:
            raise ValidationError(self.errors)


def clean_customer_fields(
    data: Mapping[str, Any], *, kind: str, near_province: str = ""
) -> dict[str, Any]:
    """Validate and normalize the customer fields present in `data`.

    Only keys present in `data` are returned, so an update can be partial. Raises one
    ValidationError with every problem keyed by field. `near_province` is the dealer's
    province: an address naming only a district found in several provinces (南山区) is taken
    to be the one in it.
    """
    errors = FieldErrors()
    out: dict[str, Any] = {}
    if data.get("gender"):
        spelled = str(data["gender"]).strip().lower()
        data = {**data, "gender": GENDER_SPELLINGS.get(spelled, data["gender"])}
    _clean_kind_and_name(data, out, errors)
    _clean_contact_points(data, out, errors)
    _clean_address(data, out, errors, near_province=near_province)
    _clean_uscc(data, out, errors, kind=kind)
    _clean_identity(data, out, errors)
    for text_field in TEXT_FIELDS:
        if text_field in data:
            out[text_field] = clean_text(data[text_field])
    _clean_lists(data, out, errors)
    _clean_choices_and_references(data, out, errors)
    _check_lengths(out, errors)
    errors.raise_if_any()
    return out


def _clean_kind_and_name(data: Mapping[str, Any], out: dict[str, Any], errors: FieldErrors) -> None:
    if "kind" in data:
        if data["kind"] not in _KINDS:
            errors.add("kind", _("Choose person or organization."))
        out["kind"] = data["kind"]
    if "name" in data:
        name = clean_name(data["name"])
        if not name:
            errors.add("name", _("Enter the customer's name."))
        elif len(name) > 100:
            errors.add("name", _("The name is too long (100 characters at most)."))
        out["name"] = name


def _clean_contact_points(
    data: Mapping[str, Any], out: dict[str, Any], errors: FieldErrors
) -> None:
    """The mobile (with what was typed and its last four digits), landline and e-mail."""
    if "mobile" in data:
        raw = clean_text(data["mobile"])
        out["mobile_raw"] = raw
        out["mobile"] = errors.run("mobile", lambda: normalize_mobile(raw)) if raw else ""
        out["mobile_last4"] = (out["mobile"] or "")[-4:]
    if "landline" in data:
        raw = clean_text(data["landline"])
        out["landline"] = errors.run("landline", lambda: normalize_landline(raw)) if raw else ""
    if "email" in data:
        raw = clean_text(data["email"])
        out["email"] = errors.run("email", lambda: validate_email(raw)) if raw else ""


def _clean_address(
    data: Mapping[str, Any], out: dict[str, Any], errors: FieldErrors, *, near_province: str
) -> None:
    """The address, complete and parsed into its parts, and the postcode. A compound without
    a road (香山小区7栋) is stored as the street, its building as the house number."""
    if "address" in data:
        raw = clean_text(data["address"])
        if raw:
            parsed = errors.run(
                "address", lambda: validate_address_complete(raw, near_province=near_province)
            )
            if parsed is not None:
                out.update(
                    address=raw,
                    province=parsed.province,
                    city=parsed.city,
                    district=parsed.district,
                    street=parsed.street or parsed.compound,
                    house_number=parsed.house_number,
                )
        else:
            out.update(address="", province="", city="", district="", street="", house_number="")
    if "postcode" in data:
        postcode = clean_text(data["postcode"])
        if postcode and not (len(postcode) == 6 and postcode.isdigit()):
            errors.add("postcode", _("A postcode has 6 digits."))
        out["postcode"] = postcode


def _clean_uscc(
    data: Mapping[str, Any], out: dict[str, Any], errors: FieldErrors, *, kind: str
) -> None:
    """An organization's unified social credit code; a person has none."""
    if "uscc" in data:
        raw = clean_text(data["uscc"]).upper()
        if raw and kind != CustomerKind.ORGANIZATION:
            errors.add("uscc", _("Only an organization has a unified social credit code."))
        out["uscc"] = errors.run("uscc", lambda: validate_uscc(raw)) if raw else ""
    if "kind" in data and kind != CustomerKind.ORGANIZATION and "uscc" not in data:
        out["uscc"] = ""  # a person has no unified social credit code


def _clean_lists(data: Mapping[str, Any], out: dict[str, Any], errors: FieldErrors) -> None:
    """Hobbies (three at most); family members are refused (they live in households)."""
    if "hobbies" in data:
        hobbies = list(data["hobbies"] or [])
        if len(hobbies) > MAX_HOBBIES:
            errors.add("hobbies", _("Choose at most three interests."))
        out["hobbies"] = hobbies
    if "family_members" in data:
        # Deprecated: family members live in households now (customers.households); the list
        # stays on the profile as it was captured, and nothing writes it.
        errors.add(
            "family_members",
            _("Family members are kept in the household: add them on the customer's page."),
        )


def _clean_choices_and_references(
    data: Mapping[str, Any], out: dict[str, Any], errors: FieldErrors
) -> None:
    """Fixed choices checked against their lists; dictionary entries, staff and other
    records passed on (the service checks that they belong to the dealer)."""
    for choice_field, allowed in _CHOICE_VALUES.items():
        if choice_field in out or choice_field in data:
            value = out.get(choice_field, data.get(choice_field)) or ""
            if value and value not in allowed and choice_field not in errors.errors:
                errors.add(choice_field, _("Choose one of the offered options."))
            out[choice_field] = value
    for passthrough in (
        "trade_relationship", "nature", "product_line", "info_source", "industry",
        "responsible_staff", "referred_by", "is_active",
    ):  # fmt: skip
        if passthrough in data and passthrough not in out:
            out[passthrough] = data[passthrough]


def _clean_identity(data: Mapping[str, Any], out: dict[str, Any], errors: FieldErrors) -> None:
    """ID number: resident ID cards are checked (checksum, birth date, region) and the birth
    date and gender are filled from the card, or cross-checked when also entered."""
    if "id_number" not in data and "id_type" not in data:
        if "birth_date" in data:
            out["birth_date"] = data["birth_date"]
            _check_birth_date(data["birth_date"], errors)
        if "gender" in data:
            out["gender"] = data["gender"]
        return
    raw = clean_text(data.get("id_number", "")).upper().replace(" ", "")
    id_type = data.get("id_type") or (IdType.RESIDENT_ID if raw else "")
    if id_type and id_type not in _ID_TYPES:
        errors.add("id_type", _("Choose one of the offered options."))
    out["id_type"] = id_type
    out["id_number"] = raw
    birth_date: date | None = data.get("birth_date")
    gender: str | None = data.get("gender") or None
    if raw and id_type == IdType.RESIDENT_ID:
        resident = errors.run("id_number", lambda: validate_id_number(raw))
        if resident is not None:
            out["id_number"] = resident.number
            conflicts = check_id_matches(resident, birth_date=birth_date, gender=gender)
            for name, message in (
                ("birth_date", _("The birth date does not match the ID number.")),
                ("gender", _("The gender does not match the ID number.")),
            ):
                if name in conflicts:  # the code tells an import to take the card's value
                    errors.add(name, ValidationError(message, code=ID_MISMATCH))
            birth_date = birth_date or resident.birth_date
            gender = gender or resident.gender
    elif raw and len(raw) > 32:
        errors.add("id_number", _("The ID number is too long."))
    if "birth_date" in data or birth_date is not None:
        out["birth_date"] = birth_date
        _check_birth_date(birth_date, errors)
    if "gender" in data or gender is not None:
        out["gender"] = gender or ""


def _check_birth_date(value: date | None, errors: FieldErrors) -> None:
    """No one was born in year 1 or 9999 (issue #13): a birth date from 1900 to today."""
    if isinstance(value, date) and not is_plausible_birth_date(value):
        errors.add(
            "birth_date",
            ValidationError(
                _("Enter a birth date from %(year)s to today.") % {"year": EARLIEST_BIRTH_YEAR},
                code="implausible",
            ),
        )


def clean_vehicle_fields(data: Mapping[str, Any]) -> dict[str, Any]:
    """Validate and normalize vehicle fields (VIN with check digit, plate format, mileage)."""
    errors = FieldErrors()
    out: dict[str, Any] = {}
    if "vin" in data:
        raw = clean_text(data["vin"])
        if not raw:
            errors.add("vin", _("Enter the VIN."))
        else:
            out["vin"] = errors.run("vin", lambda: validate_vin(raw))
    if "plate_number" in data:
        raw = clean_text(data["plate_number"])
        out["plate_number"] = (
            errors.run("plate_number", lambda: validate_plate_number(raw)) if raw else ""
        )
    for text_field in ("brand", "model_name", "color"):
        if text_field in data:
            out[text_field] = clean_text(data[text_field])
    if "purchase_date" in data:
        purchase_date = data["purchase_date"]
        if purchase_date and purchase_date > date.today():
            errors.add("purchase_date", _("The purchase date cannot be in the future."))
        out["purchase_date"] = purchase_date
    if "mileage_km" in data:
        mileage = data["mileage_km"]
        if mileage is not None and mileage != "":
            try:
                mileage = int(mileage)
            except (TypeError, ValueError):
                errors.add("mileage_km", _("Enter the mileage as a whole number of km."))
                mileage = None
            if mileage is not None and not 0 <= mileage <= 2_000_000:
                errors.add("mileage_km", _("The mileage must be between 0 and 2,000,000 km."))
        out["mileage_km"] = mileage if mileage != "" else None
    for passthrough in ("bought_here", "purchase_price", "mileage_read_on"):
        if passthrough in data:
            out[passthrough] = data[passthrough]
    from autocrm.customers.models import Vehicle

    _check_lengths(out, errors, Vehicle)
    errors.raise_if_any()
    return out


def clean_contact_fields(data: Mapping[str, Any]) -> dict[str, Any]:
    errors = FieldErrors()
    out: dict[str, Any] = {}
    if "name" in data:
        out["name"] = clean_name(data["name"])
        if not out["name"]:
            errors.add("name", _("Enter the contact's name."))
    if "mobile" in data:
        raw = clean_text(data["mobile"])
        out["mobile_raw"] = raw
        out["mobile"] = errors.run("mobile", lambda: normalize_mobile(raw)) if raw else ""
    if "landline" in data:
        raw = clean_text(data["landline"])
        out["landline"] = errors.run("landline", lambda: normalize_landline(raw)) if raw else ""
    for text_field in ("relation", "remarks"):
        if text_field in data:
            out[text_field] = clean_text(data[text_field])
    if "contact_type" in data:
        out["contact_type"] = data["contact_type"]
        if data["contact_type"] not in _CONTACT_TYPES:
            errors.add("contact_type", _("Choose a contact type."))
    from autocrm.customers.models import Contact

    _check_lengths(out, errors, Contact)
    errors.raise_if_any()
    return out
