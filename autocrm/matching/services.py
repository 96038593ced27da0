"""Every write of a duplicate review: merges, un-merges, dismissals (the detection runs are in
`detection.py`).

A merge moves *every* row that points at the merged record to the survivor (`customers.merging`
does the writing). It does not list the
relations by hand: it walks all models (including auto-created many-to-many tables and the
simple-history tables of child records) for foreign keys to `Customer` and for customer ids
kept without one (`core.models.CustomerIdField`: the activity record, so the merged record's
timeline entries go with its rows), so a relation a future app adds is moved, recorded and
restored too. The merged record is kept, inactive, with `merged_into` set; an un-merge puts
every moved row back and restores both records' fields. Merges and un-merges record their own
activity (matching.timeline).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from autocrm.customers import merging
from autocrm.customers.choices import AccuracyStatus
from autocrm.customers.merging import (
    merge_records_restore,
    merge_records_save,
    numbers_keep,
    record_snapshot,
    references_move,
    references_restore,
    rewrites_undo,
    vehicles_join,
)
from autocrm.customers.models import Customer
from autocrm.matching import selectors
from autocrm.matching.models import (
    CandidateStatus,
    DuplicateCandidate,
    Merge,
)
from autocrm.matching.policies import can_merge_customers
from autocrm.matching.timeline import merge_activity_record, unmerge_activities_record
from autocrm.rules.survivorship import FIELD_GROUPS, SurvivorRecord, best_sources
from autocrm.tenancy.models import Staff

#: Fields a reviewer picks per pair; a group moves together (an address is one choice).
MERGE_FIELDS: dict[str, tuple[str, ...]] = FIELD_GROUPS


SURVIVOR, MERGED = "survivor", "merged"


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


#: The merge's own records: they point at customers but do not move with a merge.
MATCHING_MODELS = (DuplicateCandidate, Merge)


def customer_references() -> list[tuple[type[models.Model], models.Field[Any, Any]]]:
    """Every (model, foreign key) that moves with a merge."""
    return merging.customer_references(exclude=MATCHING_MODELS)


def survivor_record(customer: Customer) -> SurvivorRecord:
    """A customer's values as the survivorship rules read them (rules.survivorship)."""
    values = {
        name: getattr(customer, merging.field_attname(Customer, name))
        for names in MERGE_FIELDS.values()
        for name in names
    }
    return SurvivorRecord(
        values=values,
        verified=customer.accuracy_status == AccuracyStatus.VERIFIED,
        mobile_wrong=customer.mobile_flagged_wrong,
        updated_at=customer.updated_at,
        kind=customer.kind,
    )


def best_sides(survivor: Customer, merged: Customer) -> dict[str, str]:
    """Per field group, whose value is the best (SURVIVOR or MERGED): the merge's default."""
    sources = best_sources([survivor_record(survivor), survivor_record(merged)])
    return {group: MERGED if index == 1 else SURVIVOR for group, index in sources.items()}


def _apply_choices(
    survivor: Customer, merged: Customer, chosen: Mapping[str, str]
) -> dict[str, str]:
    """Set the survivor's fields; an unchosen field takes the best value of the two
    (rules.survivorship: verified, real name, valid ID, more complete address, newer mobile)."""
    applied: dict[str, str] = {}
    best = best_sides(survivor, merged)
    for group, attrs in MERGE_FIELDS.items():
        choice = chosen.get(group)
        attnames = [merging.field_attname(Customer, a) for a in attrs]
        if choice not in (SURVIVOR, MERGED):
            choice = best[group]
        if choice == MERGED:
            for attname in attnames:
                setattr(survivor, attname, getattr(merged, attname))
        applied[group] = choice
    return applied


def _numbers_seen(survivor: Customer, merged: Customer) -> list[tuple[str, str, Any, Any]]:
    """Both records' mobiles and landlines, newer record first: the merge keeps those the
    survivor will not show as contact points ("every number ever seen is kept")."""
    records = sorted((survivor, merged), key=lambda c: c.updated_at, reverse=True)
    return [
        (kind, getattr(c, kind), c.created_at, c.updated_at)
        for c in records
        for kind in ("mobile", "landline")
        if getattr(c, kind)
    ]


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
    before = {SURVIVOR: record_snapshot(survivor), MERGED: record_snapshot(merged)}
    seen = _numbers_seen(survivor, merged)
    applied = _apply_choices(survivor, merged, chosen or {})
    moved, removed = references_move(survivor, merged, exclude=MATCHING_MODELS)
    rewrites = [vehicles_join(survivor), numbers_keep(survivor=survivor, numbers=seen)]
    now = timezone.now()
    merge_records_save(
        actor=actor, survivor=survivor, merged=merged, now=now,
        survivor_reason=f"merge: #{merged.pk} {merged.name}",
        merged_reason=f"merged into #{survivor.pk}",
    )  # fmt: skip
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
        rewrites=rewrites,
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
    rewrites_undo(merge.rewrites)
    references_restore(
        moved=merge.moved, removed=merge.removed, to_id=merged.pk, exclude=MATCHING_MODELS
    )
    merge_records_restore(
        actor=actor,
        records=[
            (survivor, merge.before[SURVIVOR], f"merge undone: #{merged.pk}"),
            (merged, merge.before[MERGED], f"merge into #{survivor.pk} undone"),
        ],
    )
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
def exact_duplicates_merge(
    *, actor: Staff, groups: Iterable[list[int]] | None = None
) -> list[Merge]:
    """Merge every group of exact duplicates (same ID number or VIN) into its survivor.

    The plan is `selectors.bulk_merge_plan`: the survivor of a group is the most complete
    record, then the oldest; a record is merged only when the identity rules call it the same
    person as one already in the group, and never on a placeholder or a nickname (those stay
    in the review queue). Each field takes the best of the values (rules.survivorship).
    """
    _ensure_can_merge(actor, actor.dealer_id)  # type: ignore[arg-type]
    exact = selectors.exact_duplicate_groups()
    if groups is not None:
        wanted = {tuple(sorted(ids)) for ids in groups}
        exact = [g for g in exact if tuple(g.ids) in wanted]
    merges = []
    for plan in selectors.bulk_merge_plan(exact):
        survivor = plan.survivor
        for other in plan.merged:
            merges.append(customer_merge(actor=actor, survivor=survivor, merged=other, bulk=True))
            survivor.refresh_from_db()
    return merges
