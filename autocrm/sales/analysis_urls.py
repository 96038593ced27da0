"""The analysis pages (under the `sales` namespace): `sales:analysis`, the index, then
`sales:analysis_<slug>` per analysis (analysis_views.ANALYSES)."""

from django.urls import path

from autocrm.sales import analysis_views

urlpatterns = [
    path("", analysis_views.index, name="analysis"),
    *[
        path(f"{a.slug}/", analysis_views.PAGE_VIEWS[a.slug], name=a.url_name)
        for a in analysis_views.ANALYSES
    ],
]
