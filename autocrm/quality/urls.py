from django.urls import path

from autocrm.quality import verification_views, views

app_name = "quality"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("verification/", verification_views.samples, name="samples"),
    path("verification/<int:pk>/", verification_views.sample, name="sample"),
    path("verification/calls/<int:pk>/", verification_views.call, name="call"),
]
