"""The pages of core: a dealer's settings that every app's clocks share (/settings/)."""

from django.urls import path

from autocrm.core import calendar_views

app_name = "core"

urlpatterns = [
    path("calendar/", calendar_views.business_calendar, name="business_calendar"),
]
