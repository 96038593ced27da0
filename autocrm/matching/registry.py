"""What duplicate detection plugs into the shared pages: the menu entry (HQ's own page)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from autocrm.core.registry import MenuEntry, register_menu_entry
from autocrm.matching.policies import can_merge_customers


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
