"""What imports plug into the shared pages: the menu entry, and the customer list's filter
of the customers an import created (`?import=<batch id>`).

An import shows on a customer's timeline through what it wrote: the history rows of the
records it created or changed (with the batch as their reason) and the mileage readings it
recorded (customers' "imported_readings" source); ADR 0007 says why it writes no activity row
per record.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from autocrm.core.registry import (
    CustomerFilter,
    MenuEntry,
    register_customer_filter,
    register_menu_entry,
)
from autocrm.imports.models import ImportRow
from autocrm.imports.policies import can_import_customers


def created_by_import(viewer: Any, value: str) -> QuerySet[ImportRow] | None:
    """The customers an import created (`?import=<batch id>` on the customer list): its rows
    with the status "new" (scoped to the viewer's dealer like every query)."""
    if not value.isdigit():
        return None
    return ImportRow.objects.filter(batch_id=int(value), status="new").values("customer_id")


def _created_label(value: str) -> str:
    return gettext("Created by import #%(id)s") % {"id": value}


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
    register_customer_filter(
        CustomerFilter(key="import", customer_ids=created_by_import, label=_created_label)
    )
