"""Turn timeline entries into what a viewer may read: labels, resolved ids, masked values."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from autocrm.customers.models import Contact, Customer, Vehicle
from autocrm.customers.selectors import TimelineEntry
from autocrm.dictionaries.models import DictionaryEntry
from autocrm.tenancy.masking import MASKERS, mask_address, mask_birth_date
from autocrm.tenancy.models import Staff
from autocrm.tenancy.policies import can_view_personal

MODELS = {"customer": Customer, "contact": Contact, "vehicle": Vehicle}
DICT_FIELDS = {"trade_relationship", "nature", "product_line", "info_source", "industry"}
STAFF_FIELDS = {"responsible_staff", "created_by"}
#: Fields the timeline leaves out: they repeat a change already shown (the typed form of
#: the mobile, the parsed parts of the address).
TIMELINE_HIDDEN = {"mobile_raw", "province", "city", "district", "street", "house_number"}
#: History fields that carry the same personal data as a masked field.
PERSONAL_ALIASES = {
    "mobile_raw": "mobile", "street": "address", "house_number": "address",
    "birth_date": "id_number",
}  # fmt: skip


@dataclass
class ChangeRow:
    label: str
    old: str
    new: str


@dataclass
class TimelineRow:
    at: Any
    actor: str
    kind: str
    title: str
    detail: str
    changes: list[ChangeRow]


def _label(model: type, field: str) -> str:
    try:
        return str(model._meta.get_field(field).verbose_name)
    except Exception:  # noqa: BLE001 - a field removed since the change was made
        return field


def _display(model: type, field: str, value: Any, lookups: dict[str, dict[int, str]]) -> str:
    if value in (None, "", []):
        return "—"
    if field == "hobbies":
        ids = [v.get("dictionaryentry") for v in value if isinstance(v, dict)]
        return "、".join(lookups["dict"].get(i, "?") for i in ids) or "—"
    if field in DICT_FIELDS:
        return lookups["dict"].get(value, str(value))
    if field in STAFF_FIELDS:
        return lookups["staff"].get(value, str(value))
    try:
        model_field = model._meta.get_field(field)
    except Exception:  # noqa: BLE001
        return str(value)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return str(value)


def _mask(field: str, text: str, visible: bool) -> str:
    if visible or text == "—":
        return text
    if field == "address":
        return mask_address(text)
    return MASKERS.get(field, lambda v: "****")(text)


def timeline_rows(entries: list[TimelineEntry], *, viewer: Any, customer: Customer) -> list[Any]:
    """Display rows for the profile page, personal values masked per the role table."""
    dict_ids: set[int] = set()
    staff_ids: set[int] = set()
    for entry in entries:
        for change in entry.changes:
            for value in (change.old, change.new):
                if change.field in DICT_FIELDS and isinstance(value, int):
                    dict_ids.add(value)
                elif change.field in STAFF_FIELDS and isinstance(value, int):
                    staff_ids.add(value)
                elif change.field == "hobbies" and isinstance(value, list):
                    dict_ids.update(v.get("dictionaryentry") for v in value if isinstance(v, dict))
    lookups = {
        "dict": dict(DictionaryEntry.objects.filter(pk__in=dict_ids).values_list("pk", "label")),
        "staff": {s.pk: str(s) for s in Staff.objects.filter(pk__in=staff_ids)},
    }
    titles = {
        "customer_created": _("Profile created"),
        "customer_changed": _("Profile changed"),
        "contact_created": _("Contact added"),
        "contact_changed": _("Contact changed"),
        "vehicle_created": _("Vehicle added"),
        "vehicle_changed": _("Vehicle changed"),
        "mileage": _("Mileage reading"),
        "interaction": _("Contact with the customer"),
    }
    rows = []
    for entry in entries:
        model_key = entry.kind.split("_")[0]
        model = MODELS.get(model_key, Customer)
        changes = []
        for change in entry.changes:
            if change.field in TIMELINE_HIDDEN:
                continue
            field = PERSONAL_ALIASES.get(change.field, change.field)
            visible = can_view_personal(
                viewer, field, responsible_staff_id=customer.responsible_staff_id
            )
            if change.field == "birth_date" and not visible:
                changes.append(
                    ChangeRow(
                        label=_label(model, change.field),
                        old=mask_birth_date(change.old),
                        new=mask_birth_date(change.new),
                    )
                )
                continue
            changes.append(
                ChangeRow(
                    label=_label(model, change.field),
                    old=_mask(field, _display(model, change.field, change.old, lookups), visible),
                    new=_mask(field, _display(model, change.field, change.new, lookups), visible),
                )
            )
        detail = ""
        if entry.kind == "mileage" and entry.obj is not None:
            detail = f"{entry.obj.mileage_km} km · {entry.obj.get_source_display()}"
        elif entry.kind == "interaction" and entry.obj is not None:
            obj = entry.obj
            parts = [obj.summary]
            if obj.outcome:
                parts.append(f"{_('Result')}: {obj.outcome}")
            if obj.channel:
                parts.append(obj.get_channel_display())
            if obj.cost is not None:
                parts.append(f"¥{obj.cost}")
            detail = " · ".join(parts)
        rows.append(
            TimelineRow(
                at=entry.at,
                actor=str(entry.actor) if entry.actor else _("system"),
                kind=entry.kind,
                title=f"{titles.get(entry.kind, entry.kind)}"
                + (
                    f" · {entry.subject}"
                    if entry.kind not in ("customer_created", "customer_changed")
                    else ""
                ),
                detail=detail,
                changes=changes,
            )
        )
    return rows
