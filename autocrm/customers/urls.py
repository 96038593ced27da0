from django.urls import path

from autocrm.customers import catalogue_views, identity_views, split_views, views

app_name = "customers"

urlpatterns = [
    path("", views.customer_list, name="list"),
    path("new/", views.customer_create_view, name="create"),
    path("assign/", views.customers_assign_view, name="assign"),
    path("<int:pk>/", views.customer_detail, name="detail"),
    path("<int:pk>/edit/", views.customer_edit, name="edit"),
    path("<int:pk>/vehicles/new/", views.vehicle_add_view, name="vehicle_add"),
    path("<int:pk>/vehicles/<int:vehicle_pk>/mileage/", views.mileage_add_view, name="mileage_add"),
    path("<int:pk>/contacts/new/", views.contact_add_view, name="contact_add"),
    path("<int:pk>/interactions/new/", views.interaction_add_view, name="interaction_add"),
    path("<int:pk>/household/new/", identity_views.household_add_view, name="household_add"),
    path(
        "<int:pk>/household/<int:member_pk>/remove/",
        identity_views.household_remove_view,
        name="household_remove",
    ),
    path("wrong-merges/", split_views.split_list, name="split_list"),
    path(
        "catalogue/unmatched/",
        catalogue_views.unmatched_models,
        name="catalogue_unmatched",
    ),
    path("wrong-merges/<int:pk>/", split_views.split_confirm, name="split_confirm"),
    path("vehicles/<int:vehicle_pk>/", identity_views.vehicle_detail_view, name="vehicle_detail"),
]
