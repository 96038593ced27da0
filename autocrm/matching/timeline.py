"""Merges and un-merges on the customers' timelines (kinds registered in matching.registry).

A merge is recorded on the survivor, an un-merge on both records. The entries name the other
record by its id only: the merged record's personal data stays on its own (masked) profile.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from autocrm.core.activity import activity_record
from autocrm.core.registry import TimelineEntry
from autocrm.matching.models import Merge
from autocrm.tenancy.models import Staff

MERGED = "customer_merged"  # on the survivor: another record was merged into this one
MERGE_UNDONE = "merge_undone"  # on the survivor: that merge was undone
UNMERGED = "customer_unmerged"  # on the merged record: it was restored from the survivor


def merge_activity_record(*, actor: Staff, merge: Merge) -> None:
    activity_record(
        dealer_id=merge.dealer_id,
        customer_id=merge.survivor_id,
        kind=MERGED,
        actor=actor,
        target=merge,
        at=merge.merged_at,
        data={"merge_id": merge.pk, "merged_id": merge.merged_id, "bulk": merge.bulk},
    )


def unmerge_activities_record(*, actor: Staff, merge: Merge) -> None:
    facts = {"merge_id": merge.pk, "survivor_id": merge.survivor_id, "merged_id": merge.merged_id}
    for customer_id, kind in ((merge.survivor_id, MERGE_UNDONE), (merge.merged_id, UNMERGED)):
        activity_record(
            dealer_id=merge.dealer_id,
            customer_id=customer_id,
            kind=kind,
            actor=actor,
            target=merge,
            at=merge.undone_at,
            data=facts,
        )


def merge_detail(entry: TimelineEntry, viewer: Any) -> str:
    if entry.data.get("bulk"):
        return _("Exact duplicate (same ID number or VIN), merged in bulk")
    return ""
