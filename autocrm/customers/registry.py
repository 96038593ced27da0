"""What customer profiles plug into the shared pages: menu entries, API routes, and the
timeline: its history source and the kinds of entry customers owns."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from autocrm.core.registry import (
    CustomerPanel,
    MenuEntry,
    TimelineKind,
    TimelineSource,
    register_api_routes,
    register_customer_panel,
    register_menu_entry,
    register_timeline_kind,
    register_timeline_source,
)
from autocrm.customers.activity import INTERACTION, MILEAGE
from autocrm.customers.households import MEMBER_ADDED, MEMBER_REMOVED
from autocrm.customers.identity_display import (
    household_panel,
    member_detail,
    split_detail,
    transfer_detail,
    transfer_subject,
    vehicles_panel,
)
from autocrm.customers.ownership import TRANSFERRED_IN, TRANSFERRED_OUT
from autocrm.customers.policies import (
    can_create_customer,
    can_map_vehicle_models,
    can_split_customers,
)
from autocrm.customers.selectors import history_entries, imported_reading_entries
from autocrm.customers.splitting import SPLIT, SPLIT_FROM, SPLIT_UNDONE
from autocrm.customers.timeline_display import (
    interaction_detail,
    interaction_subject,
    mileage_detail,
    vehicle_subject,
)


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
    register_menu_entry(
        MenuEntry(
            key="wrong_merges",
            label=_("Wrong merges"),
            icon="scissors",
            url_name="customers:split_list",
            order=72,
            visible=can_split_customers,
        )
    )
    register_menu_entry(
        MenuEntry(
            key="catalogue_unmatched",
            label=_("Unmatched models"),
            icon="car-front",
            url_name="customers:catalogue_unmatched",
            order=74,
            visible=can_map_vehicle_models,
        )
    )
    register_api_routes("autocrm.customers.api_urls")
    # the household (family members, shared numbers, other numbers) and the vehicles owned
    # before, under the profile's contacts
    register_customer_panel(
        CustomerPanel(
            key="household",
            template="customers/panels/household.html",
            context=household_panel,
            order=10,
        )
    )
    register_customer_panel(
        CustomerPanel(
            key="vehicle_ownership",
            template="customers/panels/vehicles.html",
            context=vehicles_panel,
            order=12,
        )
    )
    _register_timeline()


def _register_timeline() -> None:
    # The field changes come from the history tables (the audit of every change), not from
    # activity rows: copying each change would double an import's write cost (ADR 0007).
    register_timeline_source(TimelineSource(key="history", entries=history_entries, order=10))
    register_timeline_source(
        TimelineSource(key="imported_readings", entries=imported_reading_entries, order=30)
    )
    for kind in (
        TimelineKind("customer_created", _("Profile created"), "person-plus", show_subject=False),
        TimelineKind("customer_changed", _("Profile changed"), "pencil", show_subject=False),
        TimelineKind("contact_created", _("Contact added"), "person-add"),
        TimelineKind("contact_changed", _("Contact changed"), "person-gear"),
        TimelineKind("vehicle_created", _("Vehicle added"), "car-front"),
        TimelineKind("vehicle_changed", _("Vehicle changed"), "car-front"),
        TimelineKind(
            MILEAGE,
            _("Mileage reading"),
            "speedometer",
            subject=vehicle_subject,
            detail=mileage_detail,
        ),
        TimelineKind(
            MEMBER_ADDED,
            _("Family member added"),
            "people",
            show_subject=False,
            detail=member_detail,
        ),
        TimelineKind(
            MEMBER_REMOVED,
            _("Family member removed"),
            "person-dash",
            show_subject=False,
            detail=member_detail,
        ),
        TimelineKind(
            TRANSFERRED_OUT,
            _("Vehicle passed to a new owner"),
            "car-front",
            subject=transfer_subject,
            detail=transfer_detail,
        ),
        TimelineKind(
            TRANSFERRED_IN,
            _("Vehicle taken over"),
            "car-front-fill",
            subject=transfer_subject,
            detail=transfer_detail,
        ),
        TimelineKind(
            SPLIT, _("Wrong merge split"), "scissors", show_subject=False, detail=split_detail
        ),
        TimelineKind(
            SPLIT_FROM,
            _("Split off a wrongly merged record"),
            "scissors",
            show_subject=False,
            detail=split_detail,
        ),
        TimelineKind(
            SPLIT_UNDONE,
            _("Split undone"),
            "arrow-counterclockwise",
            show_subject=False,
            detail=split_detail,
        ),
        TimelineKind(
            INTERACTION,
            _("Contact with the customer"),
            "telephone",
            subject=interaction_subject,
            detail=interaction_detail,
        ),
    ):
        register_timeline_kind(kind)
