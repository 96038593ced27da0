"""Which dealers a user's queries are limited to."""

from __future__ import annotations

from typing import Any

from django_scopes import scope


def scope_kwargs_for(user: Any) -> dict[str, Any]:
    """Dealer staff: their dealer. HQ: every dealer (personal data stays masked by policy).

    Anyone else (anonymous, a bare superuser): an empty list, which matches no row.
    """
    if getattr(user, "is_authenticated", False):
        if getattr(user, "is_hq", False):
            return {"dealer": None}
        if getattr(user, "dealer_id", None):
            return {"dealer": user.dealer_id}
    return {"dealer": []}


def staff_scope(user: Any) -> scope:
    """Context manager opening the scope of `user` (for tasks and commands)."""
    return scope(**scope_kwargs_for(user))
