"""Undoing an applied import (refused when its records were changed since) and rolling back a
failed one: created records deleted, changed fields given their values from before."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Field, Model
from django.utils import timezone
from django.utils.translation import gettext as _

from autocrm.customers.choices import MileageSource
from autocrm.customers.models import Contact, Customer, Interaction, Vehicle
from autocrm.customers.writes import customer_writes
from autocrm.imports.models import ImportBatch, ImportChange, ImportRow, ImportStatus
from autocrm.imports.policies import ensure_can_import
from autocrm.tenancy.models import Staff

#: What an import links to its customers besides their records, undone first.
LINKS = ("contact_point", "household_member", "household", "ownership")


def _from_json(model: type[Model], values: dict[str, Any]) -> dict[str, Any]:
    """Values stored as JSON (an `ImportChange`'s before/after) back as the fields' types."""
    return {
        k: cast("Field[Any, Any]", model._meta.get_field(k)).to_python(v) for k, v in values.items()
    }


@dataclass(frozen=True)
class _Entry:
    """One record an import created or changed (an `ImportChange` lists several creations)."""

    model: str
    object_id: int
    action: str
    before: dict[str, Any]
    after: dict[str, Any]


def _entries(batch: ImportBatch) -> list[_Entry]:
    return [
        _Entry(change.model, pk, change.action, change.before, change.after or {})
        for change in ImportChange.objects.filter(batch=batch).order_by("id")
        for pk in change.ids()
    ]


@dataclass
class UndoConflict:
    model: str
    object_id: int
    label: str
    reason: str


def _conflicts(batch: ImportBatch) -> list[UndoConflict]:
    conflicts: list[UndoConflict] = []
    changes = _entries(batch)
    # the vehicles it created, and those it moved to a new owner (a car sold on)
    created_vehicles = {c.object_id for c in changes if c.model == "vehicle"}
    for model_name, model in (("customer", Customer), ("vehicle", Vehicle)):
        ids = [c.object_id for c in changes if c.model == model_name]
        later: set[int] = set()
        existing: set[int] = set()
        for start in range(0, len(ids), 1000):
            chunk = ids[start : start + 1000]
            existing |= set(model.objects.filter(pk__in=chunk).values_list("pk", flat=True))
            later |= set(
                model.history.filter(  # type: ignore[attr-defined]  # simple-history's manager
                    id__in=chunk, history_date__gt=batch.written_at
                )
                .values_list("id", flat=True)
                .distinct()
            )
        for change in changes:
            if change.model != model_name:
                continue
            if change.object_id not in existing and change.action == "updated":
                reason = _("deleted since the import")
            elif change.object_id in later and change.object_id in existing:
                reason = _("changed since the import")
            else:
                continue
            conflicts.append(UndoConflict(model_name, change.object_id, "", reason))
    labels = dict(
        Customer.objects.filter(
            pk__in=[c.object_id for c in conflicts if c.model == "customer"][:10]
        ).values_list("pk", "name")
    )
    for conflict in conflicts:
        conflict.label = labels.get(conflict.object_id) or f"#{conflict.object_id}"
    created_customers = [
        c.object_id for c in changes if c.model == "customer" and c.action == "created"
    ]
    extra = (
        set(
            Vehicle.objects.filter(customer_id__in=created_customers)
            .exclude(pk__in=created_vehicles)
            .values_list("customer_id", flat=True)
        )
        | set(
            Contact.objects.filter(customer_id__in=created_customers).values_list(
                "customer_id", flat=True
            )
        )
        | set(
            Interaction.objects.filter(customer_id__in=created_customers).values_list(
                "customer_id", flat=True
            )
        )
    )
    for customer in Customer.objects.filter(pk__in=extra):
        conflicts.append(
            UndoConflict("customer", customer.pk, str(customer), _("has records added since"))
        )
    return conflicts


def import_rollback(batch: ImportBatch) -> None:
    """Remove what the import wrote, without checks (used when applying failed)."""
    with transaction.atomic():
        _revert(batch, actor=None, reason=_("Rolled back failed import #%(id)d") % {"id": batch.pk})
        # the outcomes of the rows of the chunks written before the failure
        ImportRow.objects.filter(dealer_id=batch.dealer_id, batch=batch).delete()


def _revert(batch: ImportBatch, *, actor: Staff | None, reason: str) -> dict[str, int]:
    """Delete what the import created and give what it changed, per field, its value from
    before the import's first change, through the customer write functions."""
    changes = _entries(batch)
    result = {"deleted": 0, "restored": 0}
    for model_name in ("customer", "vehicle"):
        result[f"{model_name}s_deleted"] = result[f"{model_name}s_restored"] = 0
    with customer_writes(
        dealer_id=batch.dealer_id, actor=actor, reason=reason, now=timezone.now()
    ) as writes:
        for model_name in LINKS:  # numbers, households and owners first
            mine = [c for c in changes if c.model == model_name]
            created = [c.object_id for c in mine if c.action == "created"]
            if created:
                result[model_name] = writes.delete_links(model_name, created)
            if model_name == "ownership":
                writes.reopen_periods([c.object_id for c in mine if c.action == "updated"])
        for model_name, model in (("vehicle", Vehicle), ("customer", Customer)):
            mine = [c for c in changes if c.model == model_name]
            created = [c.object_id for c in mine if c.action == "created"]
            delete = writes.delete_vehicles if model is Vehicle else writes.delete_customers
            deleted = delete(created)
            result["deleted"] += deleted
            result[f"{model_name}s_deleted"] += deleted
            objs, fields = _restored(model, mine)
            if model is Vehicle:
                writes.delete_readings(_readings_written(mine), source=MileageSource.IMPORT)
                writes.update_vehicles(
                    objs, fields, source=MileageSource.IMPORT, mileage_changed=()
                )
            else:
                writes.update_customers(objs, fields)
            result["restored"] += len(objs)
            result[f"{model_name}s_restored"] += len(objs)
    ImportChange.objects.filter(batch=batch).delete()
    return result


def _restored(model: type[Any], changes: list[_Entry]) -> tuple[list[Any], set[str]]:
    """The records an import changed, with the values they had before its first change (a
    record changed more than once, the same customer in several write batches, gets per field
    the earliest value)."""
    before_of: dict[int, dict[str, Any]] = {}
    for change in changes:
        if change.action == "updated":
            earliest = before_of.setdefault(change.object_id, {})
            for key, value in change.before.items():
                earliest.setdefault(key, value)
    if not before_of:
        return [], set()
    current = model.objects.in_bulk(list(before_of))
    objs, fields = [], set()
    for object_id, before in before_of.items():
        obj = current.get(object_id)
        if obj is None:
            continue
        for key, value in _from_json(model, before).items():
            setattr(obj, key, value)
            fields.add(key)
        objs.append(obj)
    return objs, fields


def _readings_written(changes: list[_Entry]) -> list[tuple[int, int]]:
    """(vehicle id, km) of the mileage readings an import's vehicle updates recorded."""
    return [
        (c.object_id, c.after["mileage_km"])
        for c in changes
        if c.action == "updated" and c.after.get("mileage_km") is not None
    ]


@transaction.atomic
def import_undo(*, actor: Staff, batch: ImportBatch) -> dict[str, int]:
    """Undo an applied import: created customers and vehicles are deleted, changed fields get
    their values from before the import. Refused, naming the records, when any of them was
    changed after the import (undoing would throw that work away). Returns what it did:
    "deleted" and "restored" in all, and by kind ("customers_deleted", "vehicles_restored" …)."""
    ensure_can_import(actor)
    if batch.dealer_id != actor.dealer_id:
        raise PermissionDenied
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.status != ImportStatus.APPLIED:
        raise ValidationError(_("Only an applied import can be undone."))
    conflicts = _conflicts(batch)
    if conflicts:
        names = "、".join(f"{c.label}（{c.reason}）" for c in conflicts[:10])
        more = len(conflicts) - 10
        message = _("Cannot undo: %(n)d records were changed after the import: %(names)s") % {
            "n": len(conflicts),
            "names": names,
        }
        if more > 0:
            message += " …"
        raise ValidationError(message)
    result = _revert(batch, actor=actor, reason=_("Undo import #%(id)d") % {"id": batch.pk})
    batch.status = ImportStatus.UNDONE
    batch.undone_at = timezone.now()
    batch.undone_by = actor
    batch.save(update_fields=["status", "undone_at", "undone_by"])
    return result
