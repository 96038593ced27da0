"""/sales/leads/import/: a platform export uploaded, previewed, applied (in the `sales`
namespace, included by sales.urls)."""

from django.urls import path

from autocrm.sales import lead_import_views as views

urlpatterns = [
    path("", views.lead_import, name="lead_import"),
    path("<slug:upload_id>/", views.lead_import_detail, name="lead_import_detail"),
    path("<slug:upload_id>/apply/", views.lead_import_apply, name="lead_import_apply"),
    path("<slug:upload_id>/refused.xlsx", views.lead_import_refused, name="lead_import_refused"),
    path("<slug:upload_id>/discard/", views.lead_import_discard, name="lead_import_discard"),
]
