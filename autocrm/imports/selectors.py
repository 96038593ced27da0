"""Reads of the import pages."""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from autocrm.imports.models import ImportBatch
from autocrm.tenancy.models import Staff


def import_history(*, actor: Staff) -> QuerySet[ImportBatch]:
    return (
        ImportBatch.objects.filter(dealer_id=actor.dealer_id)  # type: ignore[misc]  # HQ: no dealer, no rows
        .select_related("uploaded_by", "source", "undone_by")
        .order_by("-id")
    )


def import_get(*, actor: Staff, pk: int) -> ImportBatch:
    """One import of the actor's dealer (404 for another dealer's)."""
    return get_object_or_404(import_history(actor=actor), pk=pk)
