"""Turn timeline entries into what a viewer may read: labels, resolved ids, masked values.

Each entry is rendered by its registered kind (core.registry.TimelineKind: title, subject,
detail); the field changes of history entries are rendered here, masked per the role table.
The kinds customers owns (history changes, mileage readings, interactions) are registered by
customers.registry with the renderers below.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from autocrm.core.registry import TimelineEntry, timeline_kind
from autocrm.customers.choices import Channel, InteractionKind, MileageSource
from autocrm.customers.models import Contact, Customer, Vehicle
from autocrm.customers.policies import customer_masked_fields
from autocrm.dictionaries.models import DictionaryEntry
from autocrm.tenancy.masking import MASK, MASKERS, mask_address, mask_birth_date
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
    icon: str = "dot"


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
    rows = []
    masked = customer_masked_fields(viewer, customer)
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
            if model is Customer and change.field == "gender" and "gender" in masked:
                changes.append(ChangeRow(label=_label(model, change.field), old=MASK, new=MASK))
                continue
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
        kind = timeline_kind(entry.kind)
        rows.append(
            TimelineRow(
                at=entry.at,
                actor=str(entry.actor) if entry.actor else _("system"),
                kind=entry.kind,
                title=kind.heading(entry),
                detail=kind.detail_for(entry, viewer),
                changes=changes,
                icon=kind.icon,
            )
        )
    return rows


# --- the renderers of customers' activity kinds ----------------------------------------------
# An activity's data is written by the service that recorded it (customers.services) or by the
# backfill migration (customers/migrations/0010_timeline_activities.py).


def _choice_label(choices: type, value: Any) -> str:
    return str(dict(choices.choices).get(value, value or ""))


def vehicle_subject(entry: TimelineEntry) -> str:
    """The vehicle a reading is of: its plate, or its VIN (as when the reading was taken)."""
    return str(entry.data.get("vehicle", ""))


def mileage_detail(entry: TimelineEntry, viewer: Any) -> str:
    """12000 km · At sale."""
    data = entry.data
    return f"{data.get('mileage_km')} km · {_choice_label(MileageSource, data.get('source'))}"


def interaction_subject(entry: TimelineEntry) -> str:
    return _choice_label(InteractionKind, entry.data.get("kind"))


def interaction_detail(entry: TimelineEntry, viewer: Any) -> str:
    """交车回访 · Result: 满意 · Telephone · ¥120.00."""
    data = entry.data
    parts = [data.get("summary", "")]
    if data.get("outcome"):
        parts.append(f"{_('Result')}: {data['outcome']}")
    if data.get("channel"):
        parts.append(_choice_label(Channel, data["channel"]))
    if data.get("cost") is not None:
        parts.append(f"¥{data['cost']}")
    return " · ".join(parts)
