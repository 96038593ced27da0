"""REST API for customer profiles, contacts and vehicles (thin: parse, call a service, render).

Every query runs in the dealer scope that DealerScopeMiddleware opened for the caller, so an id
of another dealer's record answers 404, exactly like an id that does not exist. Writes go
through the services, which validate and normalise; their ValidationError becomes a 400 keyed
by field and their PermissionDenied a 403. Personal fields are masked per the role table by
the output serializers.
"""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.permissions import SAFE_METHODS, BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from autocrm.core.api import FIELD_ERRORS, READ_ERRORS, WRITE_ERRORS, ServiceApi
from autocrm.customers.models import Contact, Customer, Vehicle
from autocrm.customers.policies import can_create_customer, can_read_records
from autocrm.customers.selectors import customer_queryset
from autocrm.customers.serializers import (
    ContactInputSerializer,
    ContactOutputSerializer,
    CustomerCreateInputSerializer,
    CustomerFilterSerializer,
    CustomerInputSerializer,
    CustomerOutputSerializer,
    MileageInputSerializer,
    MileageReadingOutputSerializer,
    VehicleCreateInputSerializer,
    VehicleOutputSerializer,
    VehicleUpdateInputSerializer,
)
from autocrm.customers.services import (
    contact_add,
    customer_create,
    customer_update,
    mileage_record,
    vehicle_add,
    vehicle_update,
)


def _customer(customer_id: int) -> Customer:
    return get_object_or_404(Customer.objects.prefetch_related("hobbies"), pk=customer_id)


def _vehicle(vehicle_id: int) -> Vehicle:
    return get_object_or_404(Vehicle.objects.select_related("customer"), pk=vehicle_id)


class CanChangeCustomers(BasePermission):
    """Reading is open to every dealership user within their scope (not to HQ, which sees
    de-identified rows only: issue #13); writing only to the roles that may create and
    change customers (the general manager only reads)."""

    message = _("HQ reads de-identified data: its pages show it, the record API does not.")

    def has_permission(self, request: Request, view: APIView) -> bool:
        if not can_read_records(request.user):
            return False
        return request.method in SAFE_METHODS or can_create_customer(request.user)


class CustomerApi(ServiceApi):
    """Base of the customer API views: writes only by the roles that change customers."""

    permission_classes = [IsAuthenticated, CanChangeCustomers]


# --- customers ------------------------------------------------------------------------------


class CustomerListCreateApi(CustomerApi):
    @extend_schema(
        operation_id="customers_list",
        parameters=[CustomerFilterSerializer],
        responses={200: CustomerOutputSerializer(many=True), 400: FIELD_ERRORS, **READ_ERRORS},
        summary="Search the dealer's customers (newest first, keyset pages).",
    )
    def get(self, request: Request) -> Response:
        filters = self.validated(CustomerFilterSerializer, request.query_params)
        queryset, _term = customer_queryset(viewer=request.user, **filters)
        return self.paginated(queryset.prefetch_related("hobbies"), CustomerOutputSerializer)

    @extend_schema(
        operation_id="customers_create",
        request=CustomerCreateInputSerializer,
        responses={201: CustomerOutputSerializer, **WRITE_ERRORS},
        summary="Create a customer profile (the caller becomes responsible unless named).",
    )
    def post(self, request: Request) -> Response:
        data = self.validated(CustomerCreateInputSerializer, request.data)
        customer = customer_create(actor=request.user, data=data)
        return self.output(CustomerOutputSerializer, _customer(customer.pk), status_code=201)


class CustomerDetailApi(CustomerApi):
    @extend_schema(
        operation_id="customers_retrieve", responses={200: CustomerOutputSerializer, **READ_ERRORS}
    )
    def get(self, request: Request, customer_id: int) -> Response:
        return self.output(CustomerOutputSerializer, _customer(customer_id))

    @extend_schema(
        operation_id="customers_partial_update",
        request=CustomerInputSerializer,
        responses={200: CustomerOutputSerializer, **WRITE_ERRORS},
        summary="Change the fields sent; masked fields cannot be changed by your role.",
    )
    def patch(self, request: Request, customer_id: int) -> Response:
        customer = _customer(customer_id)
        data = self.validated(CustomerInputSerializer, request.data, partial=True)
        customer_update(actor=request.user, customer=customer, data=data)
        return self.output(CustomerOutputSerializer, _customer(customer_id))


# --- contacts -------------------------------------------------------------------------------


class CustomerContactsApi(CustomerApi):
    @extend_schema(
        operation_id="customers_contacts_list",
        responses={200: ContactOutputSerializer(many=True), **READ_ERRORS},
    )
    def get(self, request: Request, customer_id: int) -> Response:
        customer = _customer(customer_id)
        contacts = Contact.objects.filter(customer=customer).select_related("customer")
        return self.paginated(contacts, ContactOutputSerializer)

    @extend_schema(
        operation_id="customers_contacts_create",
        request=ContactInputSerializer,
        responses={201: ContactOutputSerializer, **WRITE_ERRORS},
    )
    def post(self, request: Request, customer_id: int) -> Response:
        customer = _customer(customer_id)
        data = self.validated(ContactInputSerializer, request.data)
        contact = contact_add(actor=request.user, customer=customer, data=data)
        return self.output(ContactOutputSerializer, contact, status_code=201)


# --- vehicles -------------------------------------------------------------------------------


class CustomerVehiclesApi(CustomerApi):
    @extend_schema(
        operation_id="customers_vehicles_list",
        responses={200: VehicleOutputSerializer(many=True), **READ_ERRORS},
    )
    def get(self, request: Request, customer_id: int) -> Response:
        customer = _customer(customer_id)
        return self.paginated(Vehicle.objects.filter(customer=customer), VehicleOutputSerializer)

    @extend_schema(
        operation_id="customers_vehicles_create",
        request=VehicleCreateInputSerializer,
        responses={201: VehicleOutputSerializer, **WRITE_ERRORS},
        summary="Register a vehicle; a VIN already on file at this dealer is refused.",
    )
    def post(self, request: Request, customer_id: int) -> Response:
        customer = _customer(customer_id)
        data = self.validated(VehicleCreateInputSerializer, request.data)
        vehicle = vehicle_add(actor=request.user, customer=customer, data=data)
        return self.output(VehicleOutputSerializer, vehicle, status_code=201)


class VehicleDetailApi(CustomerApi):
    @extend_schema(
        operation_id="vehicles_retrieve", responses={200: VehicleOutputSerializer, **READ_ERRORS}
    )
    def get(self, request: Request, vehicle_id: int) -> Response:
        return self.output(VehicleOutputSerializer, _vehicle(vehicle_id))

    @extend_schema(
        operation_id="vehicles_partial_update",
        request=VehicleUpdateInputSerializer,
        responses={200: VehicleOutputSerializer, **WRITE_ERRORS},
    )
    def patch(self, request: Request, vehicle_id: int) -> Response:
        vehicle = _vehicle(vehicle_id)
        data = self.validated(VehicleUpdateInputSerializer, request.data, partial=True)
        vehicle = vehicle_update(actor=request.user, vehicle=vehicle, data=data)
        return self.output(VehicleOutputSerializer, vehicle)


class VehicleMileageApi(CustomerApi):
    @extend_schema(
        operation_id="vehicles_mileage_create",
        request=MileageInputSerializer,
        responses={201: MileageReadingOutputSerializer, **WRITE_ERRORS},
        summary="Record an odometer reading (lower than an earlier reading is refused).",
    )
    def post(self, request: Request, vehicle_id: int) -> Response:
        vehicle = _vehicle(vehicle_id)
        data = self.validated(MileageInputSerializer, request.data)
        reading = mileage_record(actor=request.user, vehicle=vehicle, **data)
        return self.output(
            MileageReadingOutputSerializer, reading, status_code=status.HTTP_201_CREATED
        )
