"""The stored name search fields of a customer (derived from its name and type)."""

from __future__ import annotations

from typing import Any

from autocrm.rules.names import name_search_values


def set_name_search_fields(customer: Any) -> None:
    """Recompute a customer's `NAME_SEARCH_FIELDS` after its name or type changed (unsaved)."""
    for field, value in name_search_values(customer.name, customer.kind).items():
        setattr(customer, field, value)
