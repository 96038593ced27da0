"""Template context shared by every page: the navigation for the signed-in role."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from autocrm.tenancy.policies import (
    can_create_customer,
    can_import_customers,
    can_make_verification_calls,
    can_merge_customers,
    is_hq,
)


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    items = [
        {"url": reverse("home"), "label": _("Workbench"), "icon": "speedometer2", "key": "home"},
        {
            "url": reverse("customers:list"),
            "label": _("Customers"),
            "icon": "people",
            "key": "customers",
        },
    ]
    if can_create_customer(user):
        items.append(
            {
                "url": reverse("customers:create"),
                "label": _("New customer"),
                "icon": "person-plus",
                "key": "customer_create",
            }
        )
    items.append(
        {
            "url": reverse("quality:overview"),
            "label": _("Data quality"),
            "icon": "clipboard-check",
            "key": "quality",
        }
    )
    if can_import_customers(user):
        items.append(
            {
                "url": reverse("imports:history"),
                "label": _("Imports"),
                "icon": "upload",
                "key": "imports",
            }
        )
    if can_make_verification_calls(user):
        items.append(
            {
                "url": reverse("quality:samples"),
                "label": _("Verification calls"),
                "icon": "telephone-outbound",
                "key": "verification",
            }
        )
    if can_merge_customers(user) or is_hq(user):
        items.append(
            {
                "url": reverse("matching:hq" if is_hq(user) else "matching:queue"),
                "label": _("Duplicates"),
                "icon": "union",
                "key": "duplicates",
            }
        )
    return {"nav_items": items}
