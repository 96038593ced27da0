"""What imports plug into the shared pages: the menu entry and the timeline entry of a record
an import created or updated."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from autocrm.core.registry import (
    MenuEntry,
    TimelineEntry,
    TimelineKind,
    register_menu_entry,
    register_timeline_kind,
)
from autocrm.imports.policies import can_import_customers

#: Recorded by the import writer, one per customer a batch created or updated, through
#: core.activity.activities_record_bulk with data {"batch_id": <ImportBatch pk>, "file":
#: <its file_name>, "created": <True: new record, False: updated>} and the batch as target.
CUSTOMER_IMPORTED = "customer_imported"


def imported_detail(entry: TimelineEntry, viewer: Any) -> str:
    """New record · import #12, or Record updated · import #12."""
    batch = {"id": entry.data.get("batch_id", "?")}
    if entry.data.get("created"):
        return _("New record · import #%(id)s") % batch
    return _("Record updated · import #%(id)s") % batch


def register() -> None:
    register_menu_entry(
        MenuEntry(
            key="imports",
            label=gettext_lazy("Imports"),
            icon="upload",
            url_name="imports:history",
            order=50,
            visible=can_import_customers,
        )
    )
    register_timeline_kind(
        TimelineKind(
            key=CUSTOMER_IMPORTED,
            title=gettext_lazy("Imported from %(file)s"),
            icon="upload",
            detail=imported_detail,
            show_subject=False,
        )
    )
