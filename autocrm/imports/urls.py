from django.urls import path

from autocrm.imports import views

app_name = "imports"

urlpatterns = [
    path("", views.history, name="history"),
    path("upload/", views.upload, name="upload"),
    path("template.xlsx", views.template, name="template"),
    path("<int:pk>/checking/", views.checking, name="checking"),
    path("<int:pk>/preview/", views.preview, name="preview"),
    path("<int:pk>/staff/", views.staff_mapping, name="staff_mapping"),
    path("<int:pk>/apply/", views.apply, name="apply"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/rejected.xlsx", views.rejected, name="rejected"),
    path("<int:pk>/undo/", views.undo, name="undo"),
]
