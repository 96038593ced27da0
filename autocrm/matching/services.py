"""Every write of duplicate detection and merge: runs, merges, un-merges, dismissals.

A merge moves *every* row that points at the merged record to the survivor. It does not list the
relations by hand: it walks all models (including auto-created many-to-many tables and the
simple-history tables of child records) for foreign keys to `Customer` and for customer ids
kept without one (`core.models.CustomerIdField`: the activity record, so the merged record's
timeline entries go with its rows), so a relation a future app adds is moved, recorded and
restored too. The merged record is kept, inactive, with `merged_into` set; an un-merge puts
every moved row back and restores both records' fields. Merges and un-merges record their own
activity (matching.timeline).
"""

from __future__ import annotations

import datetime
import json
import time
from collections.abc import Iterable, Mapping
from typing import Any

from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_scopes import scopes_disabled

from autocrm.core.models import CustomerIdField
from autocrm.customers.models import Customer
from autocrm.customers.names import set_name_search_fields
from autocrm.customers.quality_refresh import customer_quality_refresh
from autocrm.matching import selectors
from autocrm.matching.models import (
    CandidateStatus,
    CrossDealerCandidate,
    DuplicateCandidate,
    MatchRun,
    Merge,
    RunStage,
    RunStatus,
)
from autocrm.matching.policies import can_merge_customers
from autocrm.matching.timeline import merge_activity_record, unmerge_activities_record
from autocrm.tenancy.masking import mask_mobile
from autocrm.tenancy.models import Dealer, Staff

#: Fields a reviewer picks per pair; a group moves together (an address is one choice).
MERGE_FIELDS: dict[str, tuple[str, ...]] = {
    "name": ("name",),
    "gender": ("gender",),
    "birth_date": ("birth_date",),
    "id_number": ("id_type", "id_number"),
    "mobile": ("mobile", "mobile_raw", "mobile_flagged_wrong"),
    "landline": ("landline",),
    "email": ("email",),
    "address": ("address", "province", "city", "district", "street", "house_number", "postcode"),
    "employer": ("employer", "position"),
    "native_place": ("native_place",),
    "education": ("education",),
    "annual_income_band": ("annual_income_band",),
    "trade_relationship": ("trade_relationship",),
    "nature": ("nature",),
    "product_line": ("product_line",),
    "info_source": ("info_source",),
    "activity_level": ("activity_level",),
    "credit_rating": ("credit_rating",),
    "responsible_staff": ("responsible_staff",),
    "remarks": ("remarks",),
}
SURVIVOR, MERGED = "survivor", "merged"


# --- detection ---------------------------------------------------------------------------------


def _candidate_rows(con: Any, table: str) -> list[tuple[Any, ...]]:
    from autocrm.matching.model import FIELD_NAMES

    gammas = ", ".join(f"gamma_{n}" for n in FIELD_NAMES)
    return con.execute(
        f"SELECT least(unique_id_l, unique_id_r), greatest(unique_id_l, unique_id_r),"
        f" CASE WHEN unique_id_l < unique_id_r THEN dealer_id_l ELSE dealer_id_r END,"
        f" CASE WHEN unique_id_l < unique_id_r THEN dealer_id_r ELSE dealer_id_l END,"
        f" match_probability, match_weight, {gammas}"
        f" FROM {table} ORDER BY 1, 2"
    ).fetchall()


def _fields_of(row: tuple[Any, ...]) -> dict[str, str]:
    from autocrm.matching.model import FIELD_NAMES, summary

    return summary(dict(zip(FIELD_NAMES, row[6:], strict=True)))


def run_detection(
    *, dealer: Dealer, started_by: Staff | None = None, threshold: float | None = None
) -> MatchRun:
    """Find the dealer's likely duplicates and replace its open candidates with them.

    Dismissed pairs stay dismissed and merged pairs stay merged: a pair already decided is not
    offered again.
    """
    import duckdb

    from autocrm.matching.features import extract_features
    from autocrm.matching.model import predict

    run = MatchRun.objects.create(dealer=dealer, started_by=started_by, stage=RunStage.READING)
    started = time.perf_counter()
    try:
        con = duckdb.connect()
        extract_features(con, dealer_id=dealer.pk)
        _stage(run, RunStage.COMPARING)
        prediction = predict(con, mode="dealer", threshold=threshold)
        rows = _candidate_rows(con, prediction.table)
        con.close()
        _stage(run, RunStage.SAVING)
        written = _replace_candidates(dealer=dealer, run=run, rows=rows)
    except Exception as error:
        MatchRun.objects.filter(pk=run.pk).update(
            status=RunStatus.FAILED, error=str(error)[:2000], finished_at=timezone.now()
        )
        raise
    run.records, run.pairs_compared, run.candidates_found = (
        prediction.records,
        prediction.pairs_compared,
        written,
    )
    run.status, run.finished_at = RunStatus.DONE, timezone.now()
    run.seconds = round(time.perf_counter() - started, 2)
    run.save()
    return run


def _stage(run: MatchRun, stage: str) -> None:
    """Record what the run is doing now (its own statement: the page polling it sees it)."""
    run.stage = stage
    with scopes_disabled():
        MatchRun.objects.filter(pk=run.pk).update(stage=stage)


@transaction.atomic
def _replace_candidates(*, dealer: Dealer, run: MatchRun, rows: list[tuple[Any, ...]]) -> int:
    decided = set(
        DuplicateCandidate.objects.filter(dealer=dealer)
        .exclude(status=CandidateStatus.OPEN)
        .values_list("customer_low_id", "customer_high_id")
    )
    DuplicateCandidate.objects.filter(dealer=dealer, status=CandidateStatus.OPEN).delete()
    now = timezone.now()
    batch = [
        DuplicateCandidate(
            dealer=dealer,
            customer_low_id=row[0],
            customer_high_id=row[1],
            run=run,
            probability=float(row[4]),
            match_weight=float(row[5]),
            fields=_fields_of(row),
            created_at=now,
        )
        for row in rows
        if (row[0], row[1]) not in decided
    ]
    DuplicateCandidate.objects.bulk_create(batch, batch_size=5000)
    return len(batch)


def masked_name(name: str) -> str:
    """张小明 → 张**; a company keeps its first two characters."""
    from autocrm.matching.features import split_name

    surname, given = split_name(name or "")
    if surname:
        return surname + "*" * len(given)
    return (name or "")[:2] + "**" if name else ""


def run_cross_dealer_detection(
    *, started_by: Staff | None = None, threshold: float | None = None
) -> MatchRun:
    """HQ: people held by two dealers (撞单). Stored de-identified: masked name and mobile."""
    with scopes_disabled():
        run = MatchRun.objects.create(dealer=None, started_by=started_by, stage=RunStage.READING)
        try:
            return _cross_dealer_run(run, threshold)
        except Exception as error:
            MatchRun.objects.filter(pk=run.pk).update(
                status=RunStatus.FAILED, error=str(error)[:2000], finished_at=timezone.now()
            )
            raise


def _cross_dealer_run(run: MatchRun, threshold: float | None) -> MatchRun:
    import duckdb

    from autocrm.matching.features import extract_features
    from autocrm.matching.model import predict

    started = time.perf_counter()
    con = duckdb.connect()
    extract_features(con, dealer_id=None)
    _stage(run, RunStage.COMPARING)
    prediction = predict(con, mode="hq", threshold=threshold)
    rows = _candidate_rows(con, prediction.table)
    people = {
        uid: (name, mobile)
        for uid, name, mobile in con.execute(
            f"SELECT c.unique_id, c.name, c.mobile FROM customers c WHERE c.unique_id IN"
            f" (SELECT unique_id_l FROM {prediction.table}"
            f" UNION SELECT unique_id_r FROM {prediction.table})"
        ).fetchall()
    }
    con.close()
    _stage(run, RunStage.SAVING)

    def mobile(uid: int) -> str:
        value = people.get(uid, ("", None))[1]
        return mask_mobile("+86" + value) if value else ""

    with transaction.atomic():
        objects = []
        for row in rows:
            low, high = row[0], row[1]
            dealer_low, dealer_high = row[2], row[3]
            objects.append(
                CrossDealerCandidate(
                    run=run,
                    dealer_low_id=dealer_low,
                    dealer_high_id=dealer_high,
                    customer_low_id=low,
                    customer_high_id=high,
                    masked_name_low=masked_name(people.get(low, ("", ""))[0]),
                    masked_name_high=masked_name(people.get(high, ("", ""))[0]),
                    masked_mobile_low=mobile(low),
                    masked_mobile_high=mobile(high),
                    probability=float(row[4]),
                    fields=_fields_of(row),
                )
            )
        CrossDealerCandidate.objects.bulk_create(objects, batch_size=5000)
        run.records, run.pairs_compared = prediction.records, prediction.pairs_compared
        run.candidates_found = len(objects)
        run.status, run.finished_at = RunStatus.DONE, timezone.now()
        run.seconds = round(time.perf_counter() - started, 2)
        run.save()
    return run


# --- review decisions --------------------------------------------------------------------------


def _ensure_can_merge(actor: Staff, dealer_id: int) -> None:
    if not can_merge_customers(actor) or actor.dealer_id != dealer_id or actor.is_hq:
        raise PermissionDenied(_("You may not merge customers."))


@transaction.atomic
def candidate_dismiss(*, actor: Staff, candidate: DuplicateCandidate) -> DuplicateCandidate:
    """ "Not the same person": the pair is not offered again by later runs."""
    _ensure_can_merge(actor, candidate.dealer_id)
    candidate.status = CandidateStatus.DISMISSED
    candidate.decided_by, candidate.decided_at = actor, timezone.now()
    candidate.save(update_fields=["status", "decided_by", "decided_at"])
    return candidate


# --- merge -------------------------------------------------------------------------------------


class _ExactEncoder(DjangoJSONEncoder):
    """Like Django's encoder, but times keep their microseconds (an undo restores exactly)."""

    def default(self, o: Any) -> Any:
        if isinstance(o, datetime.datetime):
            return o.isoformat()
        return super().default(o)


def _snapshot(instance: models.Model) -> dict[str, Any]:
    row = {f.attname: f.value_from_object(instance) for f in instance._meta.concrete_fields}
    return json.loads(json.dumps(row, cls=_ExactEncoder))


def _restore(instance: models.Model, row: Mapping[str, Any]) -> None:
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


def _points_at_customer(field: models.Field) -> bool:
    """A foreign key to Customer, or a customer's id kept by an app below customers
    (core.models.CustomerIdField: the activity record)."""
    if isinstance(field, models.ForeignKey):
        return field.related_model is Customer
    return isinstance(field, CustomerIdField)


def customer_references() -> list[tuple[type[models.Model], models.Field]]:
    """Every (model, field) that points at a customer and moves with a merge."""
    skip = _own_history_models() | {DuplicateCandidate, Merge}
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


def _unique_partners(model: type[models.Model], field: models.Field) -> list[list[str]]:
    """The other columns of each unique constraint that includes `field`."""
    groups: list[list[str]] = []
    for together in model._meta.unique_together:
        if field.name in together:
            groups.append([model._meta.get_field(n).attname for n in together if n != field.name])
    for constraint in model._meta.constraints:
        if isinstance(constraint, models.UniqueConstraint) and field.name in constraint.fields:
            groups.append(
                [model._meta.get_field(n).attname for n in constraint.fields if n != field.name]
            )
    return groups


def _key(model: type[models.Model], field: models.Field) -> str:
    return f"{model._meta.label}.{field.name}"


def _move_references(
    survivor: Customer, merged: Customer
) -> tuple[dict[str, list[Any]], dict[str, list[dict[str, Any]]]]:
    moved: dict[str, list[Any]] = {}
    removed: dict[str, list[dict[str, Any]]] = {}
    for model, field in customer_references():
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


def _apply_choices(
    survivor: Customer, merged: Customer, chosen: Mapping[str, str]
) -> dict[str, str]:
    """Set the survivor's fields; unchosen fields keep the survivor's value unless it is empty."""
    applied: dict[str, str] = {}
    for group, attrs in MERGE_FIELDS.items():
        choice = chosen.get(group)
        attnames = [Customer._meta.get_field(a).attname for a in attrs]
        first = attnames[0] if group != "id_number" else "id_number"
        if choice not in (SURVIVOR, MERGED):
            empty = getattr(survivor, first) in ("", None)
            choice = MERGED if empty and getattr(merged, first) not in ("", None) else SURVIVOR
        if choice == MERGED:
            for attname in attnames:
                setattr(survivor, attname, getattr(merged, attname))
        applied[group] = choice
    set_name_search_fields(survivor)
    survivor.mobile_last4 = survivor.mobile[-4:] if survivor.mobile else ""
    return applied


@transaction.atomic
def customer_merge(
    *,
    actor: Staff,
    survivor: Customer,
    merged: Customer,
    chosen: Mapping[str, str] | None = None,
    candidate: DuplicateCandidate | None = None,
    bulk: bool = False,
) -> Merge:
    """Merge `merged` into `survivor`: chosen values, every related row moved, undo recorded."""
    _ensure_can_merge(actor, survivor.dealer_id)
    survivor = Customer.objects.select_for_update().get(pk=survivor.pk)
    merged = Customer.objects.select_for_update().get(pk=merged.pk)
    if survivor.pk == merged.pk or survivor.dealer_id != merged.dealer_id:
        raise ValidationError(_("These two records cannot be merged."))
    if survivor.merged_into_id or merged.merged_into_id:
        raise ValidationError(_("One of the records has already been merged."))
    before = {SURVIVOR: _snapshot(survivor), MERGED: _snapshot(merged)}
    applied = _apply_choices(survivor, merged, chosen or {})
    with scopes_disabled():
        moved, removed = _move_references(survivor, merged)
    if survivor.referred_by_id == merged.pk:
        survivor.referred_by = None  # a record cannot refer itself
    now = timezone.now()
    survivor.updated_at = now
    survivor._history_user = actor  # type: ignore[attr-defined]
    survivor._change_reason = f"merge: #{merged.pk} {merged.name}"  # type: ignore[attr-defined]
    survivor.save()
    merged.is_active, merged.merged_into, merged.updated_at = False, survivor, now
    merged._history_user = actor  # type: ignore[attr-defined]
    merged._change_reason = f"merged into #{survivor.pk}"  # type: ignore[attr-defined]
    merged.save()
    customer_quality_refresh(customer=survivor)
    if candidate is None:
        low, high = sorted((survivor.pk, merged.pk))
        candidate = DuplicateCandidate.objects.filter(
            customer_low_id=low, customer_high_id=high
        ).first()
    if candidate is not None:
        candidate.status = CandidateStatus.MERGED
        candidate.decided_by, candidate.decided_at = actor, now
        candidate.save(update_fields=["status", "decided_by", "decided_at"])
    merge = Merge.objects.create(
        dealer_id=survivor.dealer_id,
        survivor=survivor,
        merged=merged,
        candidate=candidate,
        chosen=applied,
        before=before,
        moved=moved,
        removed=removed,
        bulk=bulk,
        merged_by=actor,
        merged_at=now,
    )
    merge_activity_record(actor=actor, merge=merge)
    return merge


@transaction.atomic
def customer_unmerge(*, actor: Staff, merge: Merge) -> Merge:
    """Undo a merge completely: rows moved back, removed rows re-created, both records restored."""
    _ensure_can_merge(actor, merge.dealer_id)
    merge = Merge.objects.select_for_update().get(pk=merge.pk)
    if merge.undone_at is not None:
        raise ValidationError(_("This merge has already been undone."))
    survivor = Customer.objects.select_for_update().get(pk=merge.survivor_id)
    merged = Customer.objects.select_for_update().get(pk=merge.merged_id)
    if merged.merged_into_id != survivor.pk:
        raise ValidationError(_("The merged record has changed since; it cannot be restored."))
    if Merge.objects.filter(
        survivor_id=merged.pk, undone_at__isnull=True, merged_at__gt=merge.merged_at
    ).exists():
        raise ValidationError(_("Undo the later merges of this record first."))
    references = {_key(m, f): (m, f) for m, f in customer_references()}
    with scopes_disabled():
        for key, ids in merge.moved.items():
            model, field = references[key]
            model._base_manager.filter(pk__in=ids).update(**{field.attname: merged.pk})
        for key, rows in merge.removed.items():
            model, _field = references[key]
            instances = []
            for row in rows:
                instance = model()
                _restore(instance, row)
                instance.pk = row[model._meta.pk.attname]
                instances.append(instance)
            model._base_manager.bulk_create(instances)
    for customer, key, reason in (
        (survivor, SURVIVOR, f"merge undone: #{merged.pk}"),
        (merged, MERGED, f"merge into #{survivor.pk} undone"),
    ):
        _restore(customer, merge.before[key])
        customer._history_user = actor  # type: ignore[attr-defined]
        customer._change_reason = reason  # type: ignore[attr-defined]
        customer.save()
    merge.undone_by, merge.undone_at = actor, timezone.now()
    merge.save(update_fields=["undone_by", "undone_at"])
    if merge.candidate_id:
        DuplicateCandidate.objects.filter(pk=merge.candidate_id).update(
            status=CandidateStatus.OPEN, decided_by=None, decided_at=None
        )
    unmerge_activities_record(actor=actor, merge=merge)
    return merge


def candidate_merge(
    *, actor: Staff, candidate: DuplicateCandidate, survivor_id: int, chosen: Mapping[str, str]
) -> Merge:
    """Merge a reviewed pair; `survivor_id` is one of its two customers."""
    ids = {candidate.customer_low_id, candidate.customer_high_id}
    if survivor_id not in ids or candidate.status != CandidateStatus.OPEN:
        raise ValidationError(_("This pair cannot be merged."))
    (merged_id,) = ids - {survivor_id}
    return customer_merge(
        actor=actor,
        survivor=Customer.objects.get(pk=survivor_id),
        merged=Customer.objects.get(pk=merged_id),
        chosen=chosen,
        candidate=candidate,
    )


@transaction.atomic
def bulk_merge_exact(*, actor: Staff, groups: Iterable[list[int]] | None = None) -> list[Merge]:
    """Merge every group of exact duplicates (same ID number or VIN) into its survivor.

    The survivor of a group is the most complete record, then the oldest; values the survivor
    lacks are taken from the merged record.
    """
    _ensure_can_merge(actor, actor.dealer_id)  # type: ignore[arg-type]
    if groups is None:
        groups = [g.ids for g in selectors.exact_duplicate_groups()]
    merges = []
    for ids in groups:
        customers = list(Customer.objects.filter(pk__in=ids, merged_into__isnull=True))
        if len(customers) < 2:
            continue
        survivor = selectors.pick_survivor(customers)
        for other in customers:
            if other.pk != survivor.pk:
                merges.append(
                    customer_merge(actor=actor, survivor=survivor, merged=other, bulk=True)
                )
                survivor.refresh_from_db()
    return merges
