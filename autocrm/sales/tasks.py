"""Background work of sales (huey: a consumer beside the web server in `make run`; inline when
immediate, as in tests): applying an uploaded platform export (`lead_import`)."""

from __future__ import annotations

from django_scopes import scope
from huey.contrib.djhuey import db_task

from autocrm.sales.lead_import import lead_import_apply, lead_upload_get
from autocrm.tenancy.models import Staff


@db_task()
def lead_import_apply_task(upload_id: str, actor_id: int, claim: str) -> None:
    """Apply a claimed upload as its uploader, in the uploader's dealer scope."""
    actor = Staff.objects.get(pk=actor_id)
    with scope(dealer=actor.dealer_id):
        upload = lead_upload_get(actor=actor, upload_id=upload_id)
        lead_import_apply(actor=actor, upload=upload, claim=claim)
