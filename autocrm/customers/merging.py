"""The writes of a merge and of its undo: moving every row that points at the merged record
to the survivor (and back), and saving both records with their history.

`matching` decides what is merged and records the merge; these functions do the writing, so
that no module outside `customers` writes customer records.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, cast

from django.apps import apps
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django_scopes import scopes_disabled

from autocrm.core.models import CustomerIdField
from autocrm.customers.events import customers_changed
from autocrm.customers.models import Customer
from autocrm.customers.names import set_name_search_fields
from autocrm.tenancy.models import Staff


class _ExactEncoder(DjangoJSONEncoder):
    """Like Django's encoder, but times keep their microseconds (an undo restores exactly)."""

    def default(self, o: Any) -> Any:
        if isinstance(o, datetime.datetime):
            return o.isoformat()
        return super().default(o)


def record_snapshot(instance: models.Model) -> dict[str, Any]:
    row = {f.attname: f.value_from_object(instance) for f in instance._meta.concrete_fields}
    return json.loads(json.dumps(row, cls=_ExactEncoder))


def record_restore(instance: models.Model, row: Mapping[str, Any]) -> None:
    for f in instance._meta.concrete_fields:
        if f.attname in row and not f.primary_key:
            value = row[f.attname]
            if value is not None and not isinstance(f, models.JSONField):
                value = f.to_python(value)
            setattr(instance, f.attname, value)


def _own_history_models() -> set[type[models.Model]]:
    """The customer's own history tables: they describe the record, they do not move."""
    history = Customer.history.model  # type: ignore[attr-defined]
    out: set[type[models.Model]] = {history}
    for model in apps.get_models(include_auto_created=True):
        if model.__name__.startswith(history.__name__ + "_"):
            out.add(model)
    return out


def _points_at_customer(field: models.Field[Any, Any]) -> bool:
    """A foreign key to Customer, or a customer's id kept by an app below customers
    (core.models.CustomerIdField: the activity record)."""
    if isinstance(field, models.ForeignKey):
        return field.related_model is Customer
    return isinstance(field, CustomerIdField)


def customer_references(
    *, exclude: Iterable[type[models.Model]] = ()
) -> list[tuple[type[models.Model], models.Field[Any, Any]]]:
    """Every (model, field) that points at a customer and moves with a merge, in every
    installed app (an app added later moves with it), but the models in `exclude` (the merge's
    own records)."""
    skip = _own_history_models() | set(exclude)
    out = []
    for model in apps.get_models(include_auto_created=True):
        if model in skip:
            continue
        for field in model._meta.concrete_fields:
            if not _points_at_customer(field):
                continue
            if model is Customer and field.name == "merged_into":
                continue  # earlier merges stay chained (A → B → C), each undoable on its own
            out.append((model, field))
    return out


def field_attname(model: type[models.Model], name: str) -> str:
    """The column of a concrete field named in the model's own constraints."""
    return cast("models.Field[Any, Any]", model._meta.get_field(name)).attname


def _unique_partners(model: type[models.Model], field: models.Field[Any, Any]) -> list[list[str]]:
    """The other columns of each unique constraint that includes `field`."""
    groups: list[list[str]] = []
    for together in model._meta.unique_together:
        if field.name in together:
            groups.append([field_attname(model, n) for n in together if n != field.name])
    for constraint in model._meta.constraints:
        if isinstance(constraint, models.UniqueConstraint) and field.name in constraint.fields:
            groups.append([field_attname(model, n) for n in constraint.fields if n != field.name])
    return groups


def _key(model: type[models.Model], field: models.Field[Any, Any]) -> str:
    return f"{model._meta.label}.{field.name}"


def _move_references(
    survivor: Customer, merged: Customer, exclude: Iterable[type[models.Model]]
) -> tuple[dict[str, list[Any]], dict[str, list[dict[str, Any]]]]:
    moved: dict[str, list[Any]] = {}
    removed: dict[str, list[dict[str, Any]]] = {}
    for model, field in customer_references(exclude=exclude):
        manager = model._base_manager
        qs = manager.filter(**{field.attname: merged.pk})
        if isinstance(field, CustomerIdField):
            qs = qs.filter(dealer_id=merged.dealer_id)  # indexed (dealer, customer_id, …)
        if model is Customer:
            qs = qs.exclude(pk__in=[survivor.pk, merged.pk])
        for partners in _unique_partners(model, field):
            taken = manager.filter(**{field.attname: survivor.pk}).values_list(*partners)
            taken_set = set(taken)
            clashing = [row for row in qs.values() if tuple(row[p] for p in partners) in taken_set]
            if clashing:
                removed.setdefault(_key(model, field), []).extend(
                    json.loads(json.dumps(clashing, cls=_ExactEncoder))
                )
                manager.filter(pk__in=[row[model._meta.pk.attname] for row in clashing]).delete()
        ids = list(qs.values_list("pk", flat=True))
        if ids:
            manager.filter(pk__in=ids).update(**{field.attname: survivor.pk})
            moved[_key(model, field)] = ids
    return moved, removed


def references_move(
    survivor: Customer, merged: Customer, *, exclude: Iterable[type[models.Model]] = ()
) -> tuple[dict[str, list[Any]], dict[str, list[dict[str, Any]]]]:
    """Point every row that refers to `merged` at `survivor`. A row that would break a unique
    constraint at the survivor (the same hobby twice) is removed instead. Returns the moved
    ids and the removed rows per "model.field", for the undo."""
    with scopes_disabled():
        return _move_references(survivor, merged, exclude)


def references_restore(
    *,
    moved: Mapping[str, list[Any]],
    removed: Mapping[str, list[dict[str, Any]]],
    to_id: int,
    exclude: Iterable[type[models.Model]] = (),
) -> None:
    """Undo `references_move`: the moved rows point at `to_id` again, removed rows come back."""
    references = {_key(m, f): (m, f) for m, f in customer_references(exclude=exclude)}
    with scopes_disabled():
        for key, ids in moved.items():
            model, field = references[key]
            model._base_manager.filter(pk__in=ids).update(**{field.attname: to_id})
        for key, rows in removed.items():
            model, _field = references[key]
            instances = []
            for row in rows:
                instance = model()
                record_restore(instance, row)
                instance.pk = row[model._meta.pk.attname]
                instances.append(instance)
            model._base_manager.bulk_create(instances)


def merge_records_save(
    *,
    actor: Staff,
    survivor: Customer,
    merged: Customer,
    now: datetime.datetime,
    survivor_reason: str,
    merged_reason: str,
) -> None:
    """Save the survivor with the values chosen for it (its derived search fields follow) and
    the merged record as merged into it and inactive, each with a history row."""
    if survivor.referred_by_id == merged.pk:
        survivor.referred_by = None  # a record cannot refer itself
    set_name_search_fields(survivor)
    survivor.mobile_last4 = survivor.mobile[-4:] if survivor.mobile else ""
    survivor.updated_at = now
    survivor._history_user = actor  # type: ignore[attr-defined]
    survivor._change_reason = survivor_reason  # type: ignore[attr-defined]
    survivor.save()
    merged.is_active, merged.merged_into, merged.updated_at = False, survivor, now
    merged._history_user = actor  # type: ignore[attr-defined]
    merged._change_reason = merged_reason  # type: ignore[attr-defined]
    merged.save()
    customers_changed.publish(customer_ids=[survivor.pk], instances=[survivor], now=now)


def merge_records_restore(
    *, actor: Staff, records: Sequence[tuple[Customer, Mapping[str, Any], str]]
) -> None:
    """Give each record the values of its snapshot (scores included: the undo restores the
    records exactly as they were), with a history row."""
    for customer, snapshot, reason in records:
        record_restore(customer, snapshot)
        customer._history_user = actor  # type: ignore[attr-defined]
        customer._change_reason = reason  # type: ignore[attr-defined]
        customer.save()


# --- what a merge rewrites beyond moving references --------------------------------------------
#
# A merge must never duplicate a vehicle, and must keep every number it saw (issue #12, part 9).
# Both write rows that `references_move` does not: `vehicles_join` makes one vehicle of each VIN
# the survivor now holds twice, `numbers_keep` adds the numbers the survivor no longer shows as
# contact points. Each returns an undo log that `rewrites_undo` replays backwards:
#   {"updated": [{"model", "row"}], "moved": [{"model", "field", "ids", "to"}],
#    "removed": [{"model", "row"}], "created": [{"model", "pk"}]}

#: Vehicle fields a joined vehicle takes from the other record when its own is empty.
VEHICLE_FILLED_FIELDS: tuple[str, ...] = ("plate_number", "brand", "model_name", "color")
VEHICLE_FILLED_FIELDS += ("purchase_date", "purchase_price")


def _log() -> dict[str, list[Any]]:
    return {"updated": [], "moved": [], "removed": [], "created": []}


def _row(instance: models.Model) -> dict[str, Any]:
    return {"model": instance._meta.label, "row": record_snapshot(instance)}


def _vehicle_references() -> list[tuple[type[models.Model], models.Field[Any, Any]]]:
    """Every (model, foreign key) pointing at a vehicle, but the history tables."""
    from autocrm.customers.models import Vehicle

    out: list[tuple[type[models.Model], models.Field[Any, Any]]] = []
    for model in apps.get_models(include_auto_created=True):
        if model.__name__.startswith("Historical"):
            continue
        for field in model._meta.concrete_fields:
            if isinstance(field, models.ForeignKey) and field.related_model is Vehicle:
                out.append((model, field))
    return out


def _vehicle_rank(vehicle: Any) -> tuple[Any, ...]:
    filled = sum(1 for name in VEHICLE_FILLED_FIELDS if getattr(vehicle, name) not in ("", None))
    return (-filled, vehicle.created_at, vehicle.pk)


def _join_into(keep: Any, other: Any) -> None:
    """The best of each field: the kept vehicle's own value, else the other's; the later
    mileage reading; bought here when either record says so."""
    for name in VEHICLE_FILLED_FIELDS:
        if getattr(keep, name) in ("", None) and getattr(other, name) not in ("", None):
            setattr(keep, name, getattr(other, name))
    if other.mileage_km is not None and (
        keep.mileage_km is None
        or (
            other.mileage_read_on
            and (not keep.mileage_read_on or other.mileage_read_on > keep.mileage_read_on)
        )
    ):
        keep.mileage_km, keep.mileage_read_on = other.mileage_km, other.mileage_read_on
    keep.bought_here = keep.bought_here or other.bought_here
    keep.created_at = min(keep.created_at, other.created_at)


def _ownerships_join(vehicle: Any, log: dict[str, list[Any]]) -> None:
    """Two open periods of one owner on the joined vehicle become one (the earlier start)."""
    from autocrm.customers.models import VehicleOwnership

    periods = list(
        VehicleOwnership._base_manager.filter(vehicle=vehicle, ended_on__isnull=True).order_by(
            "customer_id", "started_on", "id"
        )
    )
    by_owner: dict[int, list[Any]] = {}
    for period in periods:
        by_owner.setdefault(period.customer_id, []).append(period)
    for same in by_owner.values():
        if len(same) < 2:
            continue
        kept, rest = same[0], same[1:]
        starts = [p.started_on for p in same if p.started_on]
        if starts and kept.started_on != min(starts):
            log["updated"].append(_row(kept))
            kept.started_on = min(starts)
            kept.save(update_fields=["started_on"])
        for period in rest:
            log["removed"].append(_row(period))
            period.delete()


def vehicles_join(survivor: Customer) -> dict[str, list[Any]]:
    """Make one vehicle of each VIN the survivor holds more than once (its own and the merged
    record's): the most complete (then the oldest) stays, with the best of each field, every
    reading, ownership period and row of another app that pointed at the other; the other is
    removed. Returns the undo log (`rewrites_undo`)."""
    from autocrm.customers.models import Vehicle

    log = _log()
    with scopes_disabled():
        vehicles = list(Vehicle._base_manager.filter(customer=survivor).order_by("id"))
        by_vin: dict[str, list[Any]] = {}
        for vehicle in vehicles:
            by_vin.setdefault(vehicle.vin.upper(), []).append(vehicle)
        references = _vehicle_references()
        for same in by_vin.values():
            if len(same) < 2:
                continue
            same.sort(key=_vehicle_rank)
            keep, others = same[0], same[1:]
            log["updated"].append(_row(keep))
            for other in others:
                _join_into(keep, other)
                for model, field in references:
                    ids = list(
                        model._base_manager.filter(**{field.attname: other.pk}).values_list(
                            "pk", flat=True
                        )
                    )
                    if ids:
                        model._base_manager.filter(pk__in=ids).update(**{field.attname: keep.pk})
                        log["moved"].append(
                            {"model": model._meta.label, "field": field.attname, "ids": ids,
                             "to": other.pk}
                        )  # fmt: skip
                log["removed"].append(_row(other))
                other.delete()
            keep.save()
            _ownerships_join(keep, log)
    return log


def _contact_number(kind: str, value: str) -> str:
    """A contact point's number: E.164 for a mobile, the digits with the area code (and its
    trunk 0) for a landline (`ContactPoint.number`)."""
    if kind == "landline" and value.startswith("+86"):
        return "0" + value[3:].split(";", 1)[0]
    return value


def numbers_keep(
    *, survivor: Customer, numbers: Iterable[tuple[str, str, datetime.datetime, datetime.datetime]]
) -> dict[str, list[Any]]:
    """Keep every (kind, number, first seen, last seen) the survivor does not show as its
    mobile or landline as one of its contact points (none twice: the (customer, number)
    constraint). Returns the undo log (`rewrites_undo`)."""
    from autocrm.customers.choices import PhoneSource
    from autocrm.customers.models import ContactPoint

    log = _log()
    shown = {survivor.mobile, survivor.landline, _contact_number("landline", survivor.landline)}
    with scopes_disabled():
        taken = set(
            ContactPoint._base_manager.filter(customer=survivor).values_list("number", flat=True)
        )
        for kind, value, first_seen, last_seen in numbers:
            number = _contact_number(kind, value)
            if not value or value in shown or number in shown or number in taken:
                continue
            point = ContactPoint._base_manager.create(
                dealer_id=survivor.dealer_id, customer=survivor, kind=kind, number=number,
                raw=value, source=PhoneSource.MERGE, first_seen=first_seen, last_seen=last_seen,
            )  # fmt: skip
            taken.add(number)
            log["created"].append({"model": ContactPoint._meta.label, "pk": point.pk})
    return log


def rewrites_undo(logs: Sequence[Mapping[str, list[Any]]]) -> None:
    """Replay undo logs of `vehicles_join` and `numbers_keep`, the last one first: created rows
    deleted, removed rows re-created, updated rows restored, moved rows pointed back."""
    with scopes_disabled():
        for log in reversed(logs):
            for item in reversed(log.get("created", [])):
                apps.get_model(item["model"])._base_manager.filter(pk=item["pk"]).delete()
            for item in log.get("removed", []):
                model = apps.get_model(item["model"])
                instance = model()
                record_restore(instance, item["row"])
                instance.pk = item["row"][model._meta.pk.attname]
                model._base_manager.bulk_create([instance])
            for item in log.get("updated", []):
                model = apps.get_model(item["model"])
                instance = model._base_manager.get(pk=item["row"][model._meta.pk.attname])
                record_restore(instance, item["row"])
                instance.save()
            # last: a row updated after it was moved (an ownership period joined on the kept
            # vehicle) was snapshot with the new vehicle; it goes back where it was
            for item in log.get("moved", []):
                model = apps.get_model(item["model"])
                model._base_manager.filter(pk__in=item["ids"]).update(**{item["field"]: item["to"]})
