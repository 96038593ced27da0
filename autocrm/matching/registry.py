"""What duplicate detection plugs into the shared pages: the menu entry (HQ's own page) and the
timeline entries of merges and un-merges."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from autocrm.core.registry import (
    MenuEntry,
    TimelineKind,
    register_menu_entry,
    register_timeline_kind,
)
from autocrm.matching.policies import can_merge_customers
from autocrm.matching.timeline import MERGE_UNDONE, MERGED, UNMERGED, merge_detail


def _duplicates_page(user: Any) -> str:
    return "matching:hq" if user.is_hq else "matching:queue"


def _sees_duplicates(user: Any) -> bool:
    return can_merge_customers(user) or user.is_hq


def register() -> None:
    register_menu_entry(
        MenuEntry(
            key="duplicates",
            label=_("Duplicates"),
            icon="union",
            url_name=_duplicates_page,
            order=70,
            visible=_sees_duplicates,
        )
    )
    for kind in (
        TimelineKind(
            key=MERGED,
            title=_("Record #%(merged_id)s merged into this one"),
            icon="union",
            detail=merge_detail,
            show_subject=False,
        ),
        TimelineKind(
            key=MERGE_UNDONE,
            title=_("Merge of record #%(merged_id)s undone"),
            icon="arrow-counterclockwise",
            show_subject=False,
        ),
        TimelineKind(
            key=UNMERGED,
            title=_("Restored from record #%(survivor_id)s (merge undone)"),
            icon="arrow-counterclockwise",
            show_subject=False,
        ),
    ):
        register_timeline_kind(kind)
