"""What `web` itself puts in the menu: the workbench (home page)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from autocrm.core.registry import MenuEntry, register_menu_entry


def register() -> None:
    register_menu_entry(
        MenuEntry(key="home", label=_("Workbench"), icon="speedometer2", url_name="home", order=10)
    )
