from django.urls import path

from autocrm.matching import views

app_name = "matching"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("run/", views.run_now, name="run"),
    path("run/status/", views.run_status, name="run-status"),
    path("<int:pk>/", views.pair, name="pair"),
    path("<int:pk>/merge/", views.merge, name="merge"),
    path("<int:pk>/dismiss/", views.dismiss, name="dismiss"),
    path("merges/", views.history, name="history"),
    path("merges/<int:pk>/undo/", views.undo, name="undo"),
    path("exact/", views.bulk, name="bulk"),
    path("hq/", views.hq, name="hq"),
]
