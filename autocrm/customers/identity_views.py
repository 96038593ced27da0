"""Pages of a customer's household and of a vehicle's owners (thin: parse, call, render)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from autocrm.customers.households import household_member_add, household_member_remove
from autocrm.customers.identity_display import name_for
from autocrm.customers.identity_forms import HouseholdMemberForm, VehicleTransferForm
from autocrm.customers.identity_selectors import owner_history
from autocrm.customers.models import Customer, HouseholdMember, Vehicle
from autocrm.customers.ownership import vehicle_transfer
from autocrm.customers.policies import can_edit_customer, ensure_can_read_records
from autocrm.customers.presenters import display_mobile, personal_value
from autocrm.customers.selectors import customer_page, customer_queryset

CANDIDATES = 10


def _customer(pk: int) -> Customer:
    """Scoped: another dealer's customer is not found (404, never 403)."""
    return get_object_or_404(Customer.objects.select_related("responsible_staff"), pk=pk)


def _editable(request: HttpRequest, pk: int) -> Customer:
    customer = _customer(pk)
    if not can_edit_customer(request.user, responsible_staff_id=customer.responsible_staff_id):
        raise PermissionDenied
    return customer


def _candidates(request: HttpRequest, customer: Customer, q: str) -> list[dict[str, Any]]:
    """Customers found by the search box (name, mobile, plate …), to link as the member."""
    if not q.strip():
        return []
    qs, term = customer_queryset(viewer=request.user, q=q)
    page = customer_page(qs.exclude(pk=customer.pk), term=term, page_size=CANDIDATES)
    return [
        {
            "customer": c,
            "mobile": display_mobile(personal_value(request.user, c, "mobile")),
        }
        for c in page.rows
    ]


@login_required
def household_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a family member: a name and a relation, or an existing customer found by search."""
    customer = _editable(request, pk)
    q = request.GET.get("q", "")
    chosen_id = request.POST.get("member") or request.GET.get("member")
    initial = {"member": chosen_id} if chosen_id else {}
    form = HouseholdMemberForm(request.POST or None, initial=initial)
    chosen = None
    if chosen_id and str(chosen_id).isdigit():
        chosen = Customer.objects.filter(pk=int(chosen_id), merged_into__isnull=True).first()
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["member"] and chosen is None:
                raise ValidationError({"member": [_("Choose a customer of this dealer.")]})
            household_member_add(
                actor=request.user,
                customer=customer,
                name=data["name"],
                relation=data["relation"],
                member=chosen,
                shared_number=data["shared_number"],
            )
        except ValidationError as exc:
            form.apply_service_errors(exc)
        else:
            messages.success(request, _("Family member added."))
            return redirect("customers:detail", pk=customer.pk)
    return render(
        request,
        "customers/household_add.html",
        {
            "form": form,
            "customer": customer,
            "q": q,
            "candidates": _candidates(request, customer, q),
            "chosen": chosen,
            "title": _("Add family member"),
            "nav_active": "customers",
        },
    )


@login_required
def household_remove_view(request: HttpRequest, pk: int, member_pk: int) -> HttpResponse:
    """POST only; another dealer's ids are not found whatever the method."""
    customer = _editable(request, pk)
    member = HouseholdMember.objects.filter(pk=member_pk).select_related("household").first()
    if member is None:
        removed = HouseholdMember.history.filter(  # type: ignore[attr-defined]
            id=member_pk, dealer_id=customer.dealer_id, history_type="-"
        ).exists()
        if not removed:
            raise Http404
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if member is None:  # removed already (a second click, another tab)
        messages.info(request, _("Removed from the household."))
        return redirect("customers:detail", pk=customer.pk)
    try:
        household_member_remove(actor=request.user, customer=customer, member=member)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Removed from the household."))
    return redirect("customers:detail", pk=customer.pk)


@login_required
def vehicle_detail_view(request: HttpRequest, vehicle_pk: int) -> HttpResponse:
    """A vehicle and its owner history (from, to, how); a transfer to another customer."""
    ensure_can_read_records(request.user)  # HQ: de-identified rows only
    vehicle = get_object_or_404(
        Vehicle.objects.select_related("customer", "customer__responsible_staff"), pk=vehicle_pk
    )
    owner = vehicle.customer
    viewer = request.user
    can_transfer = can_edit_customer(viewer, responsible_staff_id=owner.responsible_staff_id)
    form = VehicleTransferForm(request.POST or None) if can_transfer else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            new_owner = Customer.objects.filter(pk=data["new_owner"]).first()
            try:
                if new_owner is None:
                    raise ValidationError({"new_owner": [_("Choose a customer of this dealer.")]})
                vehicle_transfer(
                    vehicle=vehicle, new_owner=new_owner, on=data["on"], how=data["how"],
                    actor=viewer,
                )  # fmt: skip
            except (ValidationError, PermissionDenied) as exc:
                if isinstance(exc, PermissionDenied):
                    exc = ValidationError(
                        {"new_owner": [_("Your role may not change this customer.")]}
                    )
                form.apply_service_errors(exc)
            else:
                messages.success(request, _("Vehicle transferred."))
                return redirect("customers:vehicle_detail", vehicle_pk=vehicle.pk)
    history = [
        {
            "period": period,
            "owner_id": period.customer_id,
            "owner": name_for(viewer, period.customer.name),
        }
        for period in owner_history(vehicle)
    ]
    return render(
        request,
        "customers/vehicle_detail.html",
        {
            "vehicle": vehicle,
            "owner": owner,
            "owner_name": name_for(viewer, owner.name),
            "history": history,
            "readings": vehicle.readings.order_by("-read_on", "-id")[:20],
            "form": form,
            "nav_active": "customers",
        },
    )
