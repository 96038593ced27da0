"""What imports plug into the shared pages: the menu entry.

An import shows on a customer's timeline through what it wrote: the history rows of the
records it created or changed (with the batch as their reason) and the mileage readings it
recorded (customers' "imported_readings" source); ADR 0007 says why it writes no activity row
per record.
"""

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
