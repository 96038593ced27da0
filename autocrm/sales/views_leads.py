"""Lead pages: the list, a lead typed in, and a lead's page (answer it, open its opportunity,
close it, hand it to a consultant)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from autocrm.core.permissions import permission_required
from autocrm.customers.presenters import display_mobile
from autocrm.sales import leads as services
from autocrm.sales import selectors
from autocrm.sales.forms import LeadForm, OpportunityOpenForm
from autocrm.sales.models import Lead, LeadSource, LeadStatus
from autocrm.sales.opportunities import opportunity_open
from autocrm.sales.policies import (
    can_assign,
    can_receive_leads,
    can_use_sales,
    can_work_lead,
    sees_whole_team,
)
from autocrm.sales.presenters import lead_mobile
from autocrm.tenancy.models import Staff


def _int(value: Any) -> int | None:
    return int(value) if str(value or "").isdigit() else None


def _mobile(viewer: Any, lead: Lead) -> str:
    """The lead's mobile as the viewer may see it (the customer's masking rule)."""
    return display_mobile(lead_mobile(viewer, lead))


def _sees_leads(user: Any) -> bool:
    return can_receive_leads(user) or can_use_sales(user)


@permission_required(_sees_leads)
def lead_list(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    params = request.GET
    page = selectors.lead_list(
        user,
        status=params.get("status", ""),
        source=params.get("source", "") if params.get("source") in LeadSource.values else "",
        consultant_id=_int(params.get("consultant")),
        after=_int(params.get("after")),
        before=_int(params.get("before")),
    )
    now = timezone.now()
    rows = [
        {"lead": lead, "mobile": _mobile(user, lead), "clock": selectors.clock_state(lead, now)}
        for lead in page.rows
    ]
    context = {
        "rows": rows,
        "page": page,
        "params": params,
        "statuses": [("waiting", _("Waiting for a first response")), *LeadStatus.choices],
        "sources": LeadSource.choices,
        "team": selectors.team(user) if sees_whole_team(user) else [],
        "can_receive": can_receive_leads(user),
        "nav_active": "leads",
    }
    template = "sales/_lead_rows.html" if request.htmx else "sales/lead_list.html"
    return render(request, template, context)


@permission_required(can_receive_leads)
def lead_new(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    form = LeadForm(request.POST or None, viewer=user, initial={"source": LeadSource.PHONE})
    if request.method == "POST":
        valid = form.is_valid()
        try:  # every field's message at once: the entry rules, beside the form's own
            services.clean_lead(request.POST, dealer_id=user.dealer_id)
        except ValidationError as exc:
            valid = False
            extra = {f: e for f, e in exc.error_dict.items() if f not in form.errors}
            if extra:
                form.apply_service_errors(ValidationError(extra))
        if valid:
            try:
                receipt = services.lead_receive(actor=user, data=form.cleaned_data)
            except ValidationError as exc:
                form.apply_service_errors(exc)
            else:
                lead = receipt.lead
                if lead.status == LeadStatus.REPEAT:
                    messages.info(request, _("This customer sent a lead recently: counted once."))
                else:
                    messages.success(request, _("Lead saved."))
                if can_work_lead(user, consultant_id=lead.consultant_id):
                    return redirect("sales:lead", lead_id=lead.pk)
                return redirect("sales:leads")
    return render(request, "sales/lead_form.html", {"form": form, "nav_active": "leads"})


def _lead_for(request: HttpRequest, pk: int) -> Lead:
    user: Any = request.user
    lead = get_object_or_404(
        Lead.objects.select_related("customer", "consultant", "series", "repeat_of"), pk=pk
    )
    if not can_work_lead(user, consultant_id=lead.consultant_id):
        raise PermissionDenied
    return lead


@login_required
def lead_detail(request: HttpRequest, lead_id: int) -> HttpResponse:
    user: Any = request.user
    lead = _lead_for(request, lead_id)
    initial = {"series": lead.series_id, "quantity": 1, "info_source": lead.info_source_id}
    form = OpportunityOpenForm(request.POST or None, viewer=user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            opportunity = opportunity_open(
                actor=user, customer=lead.customer, data=form.cleaned_data, lead=lead
            )
        except ValidationError as exc:
            form.apply_service_errors(exc)
        else:
            messages.success(request, _("Opportunity opened."))
            return redirect("sales:opportunity", opportunity_id=opportunity.pk)
    now = timezone.now()
    context = {
        "lead": lead,
        "mobile": _mobile(user, lead),
        "clock": selectors.clock_state(lead, now),
        "form": form,
        "team": selectors.team(user) if can_assign(user) else [],
        "can_assign": can_assign(user),
        "repeats": list(lead.repeats.order_by("received_at")[:20]),
        "nav_active": "leads",
    }
    return render(request, "sales/lead_detail.html", context)


@require_POST
@login_required
def lead_answer(request: HttpRequest, lead_id: int) -> HttpResponse:
    lead = _lead_for(request, lead_id)
    try:
        services.lead_answer(actor=request.user, lead=lead, note=request.POST.get("note", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("First response recorded."))
    return redirect("sales:lead", lead_id=lead.pk)


@require_POST
@login_required
def lead_close(request: HttpRequest, lead_id: int) -> HttpResponse:
    lead = _lead_for(request, lead_id)
    try:
        services.lead_close(actor=request.user, lead=lead, note=request.POST.get("note", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Lead closed."))
    return redirect("sales:lead", lead_id=lead.pk)


@require_POST
@login_required
def lead_assign(request: HttpRequest, lead_id: int) -> HttpResponse:
    user: Any = request.user
    lead = get_object_or_404(Lead, pk=lead_id)  # another dealer's: not found, whoever asks
    if not can_assign(user):
        raise PermissionDenied
    consultant = Staff.objects.filter(
        pk=_int(request.POST.get("consultant")), dealer_id=user.dealer_id
    ).first()
    if consultant is None:
        messages.error(request, _("Choose an active sales consultant."))
        return redirect("sales:lead", lead_id=lead.pk)
    try:
        services.lead_assign(actor=user, lead=lead, consultant=consultant)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Lead handed to %(name)s.") % {"name": consultant})
    return redirect("sales:lead", lead_id=lead.pk)
