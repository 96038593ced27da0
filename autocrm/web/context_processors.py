"""Template context shared by every page: the navigation for the signed-in role, built from
the menu entries the apps register (`autocrm.core.registry`)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from autocrm.core.registry import menu_entries


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    items = [
        {"url": entry.url_for(user), "label": entry.label, "icon": entry.icon, "key": entry.key}
        for entry in menu_entries(user)
    ]
    return {"nav_items": items}
