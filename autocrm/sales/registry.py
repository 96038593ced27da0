"""What sales plugs in: its menu entries, the workbench cards of a consultant and of the sales
director, the customer page's panel and the timeline kinds of its activities."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from autocrm.core.registry import (
    CustomerPanel,
    HomeCard,
    MenuEntry,
    TimelineKind,
    register_api_routes,
    register_customer_panel,
    register_home_card,
    register_menu_entry,
    register_timeline_kind,
)
from autocrm.sales import leads, lost, opportunities, staffing, timeline
from autocrm.sales.home import consultant_card_context, director_card_context, hq_card_context
from autocrm.sales.panels import customer_panel_context
from autocrm.sales.policies import (
    can_maintain_sales_setup,
    can_make_lost_calls,
    can_receive_leads,
    can_use_sales,
    can_view_analysis,
)

ECHARTS = "vendor/echarts/dist/echarts.min.js"


def _sees_leads(user: Any) -> bool:
    return can_receive_leads(user) or can_use_sales(user)


def _hq(user: Any) -> bool:
    return bool(getattr(user, "is_hq", False))


def _menu() -> None:
    for entry in (
        MenuEntry("leads", _("Leads"), "inbox", "sales:leads", 31, _sees_leads),
        MenuEntry(
            "traffic", _("Showroom traffic"), "door-open", "sales:traffic", 32, can_use_sales
        ),
        MenuEntry(
            "opportunities",
            _("Opportunities"),
            "bullseye",
            "sales:opportunities",
            33,
            can_use_sales,
        ),
        MenuEntry(
            "lost_requests",
            _("Lost requests"),
            "x-octagon",
            "sales:lost_requests",
            34,
            can_view_analysis,
        ),
        MenuEntry(
            "funnel", _("Funnel and forecast"), "funnel", "sales:funnel", 35, can_view_analysis
        ),
        MenuEntry(
            "sales_analysis",
            _("Sales analysis"),
            "graph-up",
            "sales:analysis",
            36,
            can_view_analysis,
        ),
        MenuEntry(
            "lost_calls",
            _("Lost-sale calls"),
            "telephone-outbound",
            "sales:lost_calls",
            61,
            can_make_lost_calls,
        ),
        MenuEntry("sales_group", _("Group sales"), "funnel", "sales:group", 35, _hq),
        MenuEntry(
            "sales_setup", _("Sales setup"), "sliders", "sales:setup", 88, can_maintain_sales_setup
        ),
    ):
        register_menu_entry(entry)


def _timeline() -> None:
    kinds = (
        (leads.LEAD_RECEIVED, _("Lead received"), "inbox", timeline.lead_detail),
        (leads.LEAD_ANSWERED, _("Lead answered"), "telephone", timeline.answer_detail),
        (leads.LEAD_CLOSED, _("Lead closed"), "inbox", timeline.note_detail),
        (
            opportunities.OPPORTUNITY_OPENED,
            _("Opportunity opened"),
            "bullseye",
            timeline.opened_detail,
        ),
        (opportunities.OPPORTUNITY_STAGE, _("Opportunity moved"), "funnel", timeline.stage_detail),
        (opportunities.PLAN_DONE, _("Follow-up activity"), "calendar-check", timeline.plan_detail),
        (opportunities.OPPORTUNITY_WON, _("Car sold and delivered"), "trophy", timeline.won_detail),
        (lost.LOST_REQUESTED, _("Lost request filed"), "x-octagon", timeline.lost_request_detail),
        (lost.LOST_DECIDED, _("Lost request decided"), "x-octagon", timeline.decision_detail),
        (lost.LOST_CALL, _("Lost-sale call"), "telephone-outbound", timeline.call_detail),
        (lost.OPPORTUNITY_REOPENED, _("Opportunity reopened"), "arrow-counterclockwise", None),
        (
            staffing.OPPORTUNITY_REASSIGNED,
            _("Opportunity handed over"),
            "people",
            timeline.reassigned_detail,
        ),
    )
    for key, title, icon, detail in kinds:
        register_timeline_kind(
            TimelineKind(
                key=key, title=title, icon=icon, detail=detail, subject=timeline.series_subject
            )
        )


def register() -> None:
    _menu()
    _timeline()
    register_api_routes("autocrm.sales.api_urls")
    register_home_card(
        HomeCard(
            key="sales_consultant",
            template="sales/home_consultant.html",
            context=consultant_card_context,
            order=4,
        )
    )
    register_home_card(
        HomeCard(
            key="sales_director",
            template="sales/home_director.html",
            context=director_card_context,
            order=5,
            scripts=(ECHARTS, "sales/charts.js"),
        )
    )
    register_home_card(
        HomeCard(
            key="sales_hq",
            template="sales/home_hq.html",
            context=hq_card_context,
            order=5,
        )
    )
    register_customer_panel(
        CustomerPanel(
            key="sales",
            template="sales/customer_panel.html",
            context=customer_panel_context,
            order=20,
            column="main",
        )
    )
