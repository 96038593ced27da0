from django.urls import path

from autocrm.quality import views

app_name = "quality"

urlpatterns = [path("", views.overview, name="overview")]
