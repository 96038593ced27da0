"""The sales API routes (registered with core, included at /api/)."""

from django.urls import path

from autocrm.sales import api

urlpatterns = [
    path("leads/", api.LeadListCreateApi.as_view(), name="lead-list"),
    path("leads/<int:lead_id>/", api.LeadDetailApi.as_view(), name="lead-detail"),
    path("opportunities/", api.OpportunityListCreateApi.as_view(), name="opportunity-list"),
    path(
        "opportunities/<int:opportunity_id>/",
        api.OpportunityDetailApi.as_view(),
        name="opportunity-detail",
    ),
    path(
        "opportunities/<int:opportunity_id>/stage/",
        api.OpportunityStageApi.as_view(),
        name="opportunity-stage",
    ),
    path(
        "opportunities/<int:opportunity_id>/plans/",
        api.OpportunityPlansApi.as_view(),
        name="opportunity-plans",
    ),
    path(
        "opportunities/<int:opportunity_id>/lost-request/",
        api.OpportunityLostRequestApi.as_view(),
        name="opportunity-lost-request",
    ),
    path("plans/<int:plan_id>/outcome/", api.PlanOutcomeApi.as_view(), name="plan-outcome"),
    path("lost-requests/", api.LostRequestListApi.as_view(), name="lost-request-list"),
    path(
        "lost-requests/<int:lost_request_id>/decision/",
        api.LostRequestDecisionApi.as_view(),
        name="lost-request-decision",
    ),
    path("traffic/", api.TrafficApi.as_view(), name="traffic"),
]
