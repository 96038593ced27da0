"""What data quality plugs in: menu entries, the workbench cards, the verification call's
timeline entry, and the re-scoring of the records customers publish as changed."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from autocrm.core.registry import (
    HomeCard,
    MenuEntry,
    TimelineKind,
    register_home_card,
    register_menu_entry,
    register_timeline_kind,
)
from autocrm.customers.events import customers_changed
from autocrm.quality.home import dealer_card_context, hq_card_context
from autocrm.quality.policies import can_make_verification_calls
from autocrm.quality.refresh import quality_refresh
from autocrm.quality.timeline import VERIFICATION_CALL, call_detail, outcome_subject


def register() -> None:
    customers_changed.subscribe("quality.refresh", quality_refresh)
    register_menu_entry(
        MenuEntry(
            key="quality",
            label=_("Data quality"),
            icon="clipboard-check",
            url_name="quality:overview",
            order=40,
        )
    )
    register_menu_entry(
        MenuEntry(
            key="verification",
            label=_("Verification calls"),
            icon="telephone-outbound",
            url_name="quality:samples",
            order=60,
            visible=can_make_verification_calls,
        )
    )
    register_home_card(
        HomeCard(
            key="quality",
            template="quality/home_card.html",
            context=dealer_card_context,
            order=10,
            scripts=("vendor/echarts/dist/echarts.min.js",),
        )
    )
    register_home_card(
        HomeCard(
            key="quality_hq",
            template="quality/home_hq_card.html",
            context=hq_card_context,
            order=10,
        )
    )
    register_timeline_kind(
        TimelineKind(
            key=VERIFICATION_CALL,
            title=_("Verification call"),
            icon="telephone-outbound",
            subject=outcome_subject,
            detail=call_detail,
        )
    )
