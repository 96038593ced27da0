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
