"""What customer profiles plug into the shared pages: menu entries and API routes."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from autocrm.core.registry import MenuEntry, register_api_routes, register_menu_entry
from autocrm.customers.policies import can_create_customer


def register() -> None:
    register_menu_entry(
        MenuEntry(
            key="customers",
            label=_("Customers"),
            icon="people",
            url_name="customers:list",
            order=20,
        )
    )
    register_menu_entry(
        MenuEntry(
            key="customer_create",
            label=_("New customer"),
            icon="person-plus",
            url_name="customers:create",
            order=30,
            visible=can_create_customer,
        )
    )
    register_api_routes("autocrm.customers.api_urls")
