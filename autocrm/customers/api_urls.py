"""The customer API routes (registered with core, included at /api/)."""

from django.urls import path

from autocrm.customers import api

urlpatterns = [
    path("customers/", api.CustomerListCreateApi.as_view(), name="customer-list"),
    path("customers/<int:customer_id>/", api.CustomerDetailApi.as_view(), name="customer-detail"),
    path(
        "customers/<int:customer_id>/contacts/",
        api.CustomerContactsApi.as_view(),
        name="customer-contacts",
    ),
    path(
        "customers/<int:customer_id>/vehicles/",
        api.CustomerVehiclesApi.as_view(),
        name="customer-vehicles",
    ),
    path("vehicles/<int:vehicle_id>/", api.VehicleDetailApi.as_view(), name="vehicle-detail"),
    path(
        "vehicles/<int:vehicle_id>/mileage/",
        api.VehicleMileageApi.as_view(),
        name="vehicle-mileage",
    ),
]
