from django.urls import include, path

from autocrm.sales import views_director, views_leads, views_opportunities

app_name = "sales"

urlpatterns = [
    path("leads/", views_leads.lead_list, name="leads"),
    path("leads/new/", views_leads.lead_new, name="lead_new"),
    path("leads/import/", include("autocrm.sales.lead_import_urls")),
    path("leads/<int:lead_id>/", views_leads.lead_detail, name="lead"),
    path("leads/<int:lead_id>/answer/", views_leads.lead_answer, name="lead_answer"),
    path("leads/<int:lead_id>/close/", views_leads.lead_close, name="lead_close"),
    path("leads/<int:lead_id>/assign/", views_leads.lead_assign, name="lead_assign"),
    path("traffic/", views_opportunities.traffic_day, name="traffic"),
    path("prospects/new/", views_opportunities.prospect_new, name="prospect_new"),
    path("opportunities/", views_opportunities.opportunity_list, name="opportunities"),
    path(
        "opportunities/<int:opportunity_id>/",
        views_opportunities.opportunity_detail,
        name="opportunity",
    ),
    path(
        "opportunities/<int:opportunity_id>/move/",
        views_opportunities.opportunity_move,
        name="opportunity_move",
    ),
    path("lost-requests/", views_director.lost_requests, name="lost_requests"),
    path(
        "lost-requests/<int:lost_request_id>/decide/",
        views_director.lost_request_decide,
        name="lost_request_decide",
    ),
    path("lost-calls/", views_director.lost_calls, name="lost_calls"),
    path("funnel/", views_director.funnel_page, name="funnel"),
    path("analysis/", include("autocrm.sales.analysis_urls")),
    path("group/", views_director.group_page, name="group"),
    path("setup/", views_director.setup_page, name="setup"),
    path("setup/hand-over/", views_director.hand_over, name="hand_over"),
]
