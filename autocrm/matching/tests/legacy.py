"""Records as legacy data holds them, which entry no longer lets anyone make."""

from __future__ import annotations

from typing import Any

from django_scopes import scopes_disabled

from autocrm.customers.models import Customer


def same_id_twin(make_customer: Any, actor: Any, *, id_number: str, **data: Any) -> Any:
    """A second profile with an ID number already on file: entry refuses it now (one person,
    one profile), but data imported or typed before the check has such pairs."""
    twin = make_customer(actor, **data)
    with scopes_disabled():
        Customer.objects.filter(pk=twin.pk).update(id_type="resident_id", id_number=id_number)
        twin.refresh_from_db()
    return twin
