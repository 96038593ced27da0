"""Customer pages: list, customer 360, create/edit, vehicles, contacts, interactions.

Thin: parse input, call a service or selector, render.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from autocrm.core.permissions import permission_required
from autocrm.core.registry import customer_filters, customer_panels
from autocrm.customers import services
from autocrm.customers.choices import AccuracyStatus, QualityLevel
from autocrm.customers.forms import (
    ContactForm,
    CustomerForm,
    InteractionForm,
    MileageForm,
    VehicleForm,
)
from autocrm.customers.models import Customer, Vehicle
from autocrm.customers.policies import (
    can_assign_customers,
    can_create_customer,
    can_edit_customer,
    can_read_records,
    ensure_can_read_records,
)
from autocrm.customers.presenters import (
    birth_date_display,
    contact_mobile,
    display_mobile,
    gender_display,
    personal_value,
)
from autocrm.customers.selectors import customer_page, customer_queryset, customer_timeline
from autocrm.customers.timeline_display import timeline_rows
from autocrm.dictionaries.models import DictionaryEntry
from autocrm.rules.issue_messages import issue_message
from autocrm.rules.search_terms import search_kind_label
from autocrm.tenancy.masking import MASKERS, mask_name, mask_plate
from autocrm.tenancy.models import Staff
from autocrm.tenancy.policies import PERSONAL_FIELDS
from autocrm.tenancy.pseudonyms import pseudonym


def _int(value: str | None) -> int | None:
    try:
        number = int(value) if value else None
    except ValueError:
        return None
    return number if number is not None and 0 < number < 2**63 else None


def _get_customer(pk: int) -> Customer:
    """Scoped: another dealer's customer is simply not found (404, never 403)."""
    return get_object_or_404(
        Customer.objects.select_related(
            "dealer",
            "responsible_staff",
            "created_by",
            "trade_relationship",
            "nature",
            "product_line",
            "info_source",
            "industry",
            "referred_by",
            "merged_into",
        ),
        pk=pk,
    )


@login_required
def customer_list(request: HttpRequest) -> HttpResponse:
    params = request.GET
    viewer = request.user
    can_assign = can_assign_customers(viewer)
    staff_filter = params.get("staff", "")
    responsible = viewer.pk if staff_filter == "me" else _int(staff_filter)
    customer_ids, filter_labels = _registered_filters(request)
    dealers = _hq_dealers() if not can_read_records(viewer) else []
    qs, term = customer_queryset(
        viewer=viewer,
        dealer=_int(params.get("dealer")) if dealers else None,
        unassigned=can_assign and staff_filter == UNASSIGNED,
        customer_ids=customer_ids,
        q=params.get("q", ""),
        trade_relationship=_int(params.get("trade")),
        nature=_int(params.get("nature")),
        product_line=_int(params.get("product_line")),
        responsible_staff=responsible,
        accuracy_level=params.get("accuracy", "")
        if params.get("accuracy") in QualityLevel.values
        else "",
        completeness_level=params.get("completeness", "")
        if params.get("completeness") in QualityLevel.values
        else "",
        accuracy_status=params.get("verified", "")
        if params.get("verified") in AccuracyStatus.values
        else "",
    )
    if dealers:
        qs = qs.select_related("dealer")
    page = customer_page(
        qs, term=term, after=_int(params.get("after")), before=_int(params.get("before"))
    )
    hq = not can_read_records(viewer)
    rows = [_hq_row(c) if hq else _row(viewer, c) for c in page.rows]
    base_query = params.copy()
    for key in ("after", "before"):
        base_query.pop(key, None)
    context: dict[str, Any] = {
        "page": page,
        "rows": rows,
        "term_label": search_kind_label(term.kind) if term else "",
        "params": params,
        "base_query": base_query.urlencode(),
        "dictionaries": _filter_dictionaries(),
        "staff_choices": Staff.objects.filter(dealer_id=viewer.dealer_id, is_active=True).order_by(
            "role", "username"
        )
        if viewer.dealer_id
        else [],
        "levels": QualityLevel.choices,
        "statuses": AccuracyStatus.choices,
        "nav_active": "customers",
        "can_create": can_create_customer(viewer),
        "can_assign": can_assign,
        "filter_labels": filter_labels,
        "list_url": request.get_full_path(),
        "hq": hq,
        "dealers": dealers,
    }
    template = "customers/_list_results.html" if request.htmx else "customers/list.html"
    return render(request, template, context)


def _row(viewer: Any, customer: Customer) -> dict[str, Any]:
    return {
        "customer": customer,
        "mobile": display_mobile(personal_value(viewer, customer, "mobile")),
        "plates": getattr(customer, "plates", []),
    }


def _hq_row(customer: Customer) -> dict[str, Any]:
    """A de-identified row for HQ: a pseudonym instead of the record id, the name, mobile and
    plates masked, the dealer by its name (issue #13)."""
    return {
        "customer": customer,
        "pseudonym": pseudonym("customer", customer.pk),
        "name": mask_name(customer.name),
        "mobile": MASKERS["mobile"](customer.mobile) if customer.mobile else "",
        "plates": [mask_plate(p) for p in getattr(customer, "plates", [])],
        "dealer": customer.dealer.name,
    }


def _hq_dealers() -> list[Any]:
    from django_scopes import scopes_disabled

    from autocrm.tenancy.models import Dealer

    with scopes_disabled():
        return list(Dealer.objects.order_by("name"))


#: The staff filter's value for the customers no one is responsible for.
UNASSIGNED = "none"


def _registered_filters(request: HttpRequest) -> tuple[Any, list[str]]:
    """The customer-list filters other apps registered that the query uses (`?import=12`):
    the ids they keep (None: no such filter) and what each says the list shows."""
    ids: Any = None
    labels = []
    for key, entry in customer_filters().items():
        value = request.GET.get(key)
        if not value:
            continue
        kept = entry.customer_ids(request.user, value)
        if kept is None:
            continue
        ids = (
            kept
            if ids is None
            else Customer.objects.filter(pk__in=ids).filter(pk__in=kept).values("pk")
        )
        labels.append(entry.label(value))
    return ids, labels


@login_required
@require_POST
def customers_assign_view(request: HttpRequest) -> HttpResponse:
    """The list's bulk "assign to…": the checked customers to one staff member."""
    if not can_assign_customers(request.user):
        raise PermissionDenied(_("Your role may not assign customers."))
    ids = [i for i in (_int(v) for v in request.POST.getlist("customer")) if i is not None]
    staff = Staff.objects.filter(
        dealer_id=request.user.dealer_id, is_active=True, pk=_int(request.POST.get("staff"))
    ).first()
    if staff is None or not ids:
        messages.error(request, _("Choose the customers and the staff member to assign them to."))
    else:
        changed = services.customers_assign(actor=request.user, customer_ids=ids, staff=staff)
        messages.success(
            request,
            _("%(n)d customers assigned to %(staff)s.") % {"n": changed, "staff": staff},
        )
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = ""
    return redirect(back or "customers:list")


def _filter_dictionaries() -> dict[str, list[DictionaryEntry]]:
    out: dict[str, list[DictionaryEntry]] = {
        "trade_relationship": [],
        "customer_nature": [],
        "product_line": [],
    }
    for entry in DictionaryEntry.objects.filter(kind__in=list(out), is_active=True):
        out[entry.kind].append(entry)
    return out


def _merged_away(request: HttpRequest, customer: Customer) -> HttpResponse:
    """A merged-away record is read-only: its page, which points to the survivor."""
    messages.error(request, services.merged_away_message(customer))
    return redirect("customers:detail", pk=customer.pk)


@login_required
def customer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    ensure_can_read_records(request.user)  # HQ: de-identified rows only
    customer = _get_customer(pk)
    viewer = request.user
    personal = {f: personal_value(viewer, customer, f) for f in PERSONAL_FIELDS}
    personal["mobile"] = display_mobile(personal["mobile"])
    personal["birth_date"] = birth_date_display(viewer, customer)
    personal["gender"] = gender_display(viewer, customer)
    vehicles = list(customer.vehicles.prefetch_related("readings").order_by("-id"))
    contacts = [
        {"contact": c, "mobile": display_mobile(contact_mobile(viewer, customer, c.mobile))}
        for c in customer.contacts.order_by("id")
    ]
    timeline = timeline_rows(
        customer_timeline(customer, viewer=viewer), viewer=viewer, customer=customer
    )
    issues = [
        {**issue, "message": issue_message(issue["code"])} for issue in customer.quality_issues
    ]
    context = {
        "customer": customer,
        "personal": personal,
        "vehicles": vehicles,
        "contacts": contacts,
        "hobbies": list(customer.hobbies.all()),
        "interactions": customer.interactions.select_related("staff").order_by("-occurred_at")[:20],
        "timeline": timeline,
        # what the apps above customers add to the page (core.registry.CustomerPanel)
        "panels_main": customer_panels(request, customer, column="main"),
        "panels_side": customer_panels(request, customer, column="side"),
        "issues": issues,
        "can_edit": not customer.merged_into_id
        and can_edit_customer(viewer, responsible_staff_id=customer.responsible_staff_id),
        "nav_active": "customers",
        "mask_viewer": viewer,
    }
    return render(request, "customers/detail.html", context)


@permission_required(can_create_customer)
def customer_create_view(request: HttpRequest) -> HttpResponse:
    form = CustomerForm(request.POST or None, viewer=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            customer = services.customer_create(
                actor=request.user, data=form.changed_data_for_service()
            )
        except ValidationError as exc:
            form.apply_service_errors(exc)
        else:
            messages.success(request, _("Customer %(name)s saved.") % {"name": customer.name})
            return redirect("customers:detail", pk=customer.pk)
    return render(
        request,
        "customers/form.html",
        {"form": form, "title": _("New customer"), "nav_active": "customer_create"},
    )


def _initial(customer: Customer) -> dict[str, Any]:
    fields = CustomerForm.base_fields
    initial = {name: getattr(customer, name, None) for name in fields if name != "hobbies"}
    for fk in (
        "trade_relationship",
        "nature",
        "product_line",
        "info_source",
        "industry",
        "responsible_staff",
    ):
        initial[fk] = getattr(customer, f"{fk}_id")
    initial["hobbies"] = list(customer.hobbies.values_list("pk", flat=True))
    initial["mobile"] = customer.mobile_raw or customer.mobile
    return initial


@login_required
def customer_edit(request: HttpRequest, pk: int) -> HttpResponse:
    customer = _get_customer(pk)
    if not can_edit_customer(request.user, responsible_staff_id=customer.responsible_staff_id):
        raise PermissionDenied
    if customer.merged_into_id:
        return _merged_away(request, customer)
    initial = _initial(customer)
    form = CustomerForm(
        request.POST or None, initial=initial, viewer=request.user, customer=customer
    )
    if request.method == "POST" and form.is_valid():
        data = form.changed_data_for_service()
        changed = {k: data[k] for k in form.changed_data if k in data}
        if "kind" in data:
            changed.setdefault("kind", data["kind"])
        try:
            services.customer_update(actor=request.user, customer=customer, data=changed)
        except ValidationError as exc:
            form.apply_service_errors(exc)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("customers:detail", pk=customer.pk)
    return render(
        request,
        "customers/form.html",
        {
            "form": form,
            "customer": customer,
            "title": _("Edit customer"),
            "nav_active": "customers",
        },
    )


def _child_form(
    request: HttpRequest, pk: int, form_class: type, action: Any, title: str, **extra: Any
) -> HttpResponse:
    customer = _get_customer(pk)
    if not can_edit_customer(request.user, responsible_staff_id=customer.responsible_staff_id):
        raise PermissionDenied
    if customer.merged_into_id:
        return _merged_away(request, customer)
    form = form_class(request.POST or None, **extra.pop("form_kwargs", {}))
    if request.method == "POST" and form.is_valid():
        try:
            action(customer, dict(form.cleaned_data))
        except ValidationError as exc:
            form.apply_service_errors(exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("customers:detail", pk=customer.pk)
    return render(
        request,
        "customers/child_form.html",
        {"form": form, "customer": customer, "title": title, "nav_active": "customers", **extra},
        status=400 if form.is_bound and form.errors else 200,  # refused input: 400, not 200
    )


@login_required
def vehicle_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _child_form(
        request,
        pk,
        VehicleForm,
        lambda c, d: services.vehicle_add(actor=request.user, customer=c, data=d),
        _("Add vehicle"),
    )


@login_required
def contact_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _child_form(
        request,
        pk,
        ContactForm,
        lambda c, d: services.contact_add(actor=request.user, customer=c, data=d),
        _("Add contact"),
    )


@login_required
def interaction_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    def record(customer: Customer, data: dict[str, Any]) -> None:
        services.interaction_record(actor=request.user, customer=customer, data=data)

    return _child_form(request, pk, InteractionForm, record, _("Record contact"))


@login_required
def mileage_add_view(request: HttpRequest, pk: int, vehicle_pk: int) -> HttpResponse:
    vehicle = Vehicle.objects.filter(pk=vehicle_pk, customer_id=pk).first()
    if vehicle is None:
        raise Http404

    def record(customer: Customer, data: dict[str, Any]) -> None:
        services.mileage_record(actor=request.user, vehicle=vehicle, **data)

    return _child_form(
        request,
        pk,
        MileageForm,
        record,
        _("Mileage reading for %(vehicle)s") % {"vehicle": vehicle},
        vehicle=vehicle,
    )
