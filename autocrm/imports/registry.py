"""What imports plug into the shared pages: the menu entry."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from autocrm.core.registry import MenuEntry, register_menu_entry
from autocrm.imports.policies import can_import_customers


def register() -> None:
    register_menu_entry(
        MenuEntry(
            key="imports",
            label=_("Imports"),
            icon="upload",
            url_name="imports:history",
            order=50,
            visible=can_import_customers,
        )
    )
