"""Verification calls (回访核实): samples, the call screen and the sample's funnel."""

from __future__ import annotations

import json

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from autocrm.core.permissions import permission_required
from autocrm.customers.presenters import display_mobile, personal_value
from autocrm.quality.forms import CallForm, SampleDrawForm
from autocrm.quality.models import VerificationCall, VerificationSample
from autocrm.quality.policies import can_make_verification_calls
from autocrm.quality.services import verification_call_record, verification_sample_draw
from autocrm.quality.verification_selectors import next_call, sample_funnel, samples_with_progress

STAGE_LABELS = {
    "reached": gettext_lazy("Reached"),
    "accepted": gettext_lazy("Accepted the interview"),
    "fully_valid": gettext_lazy("Fully valid"),
    "direct_mail": gettext_lazy("Valid for direct mail"),
}


caller_required = permission_required(
    can_make_verification_calls, gettext_lazy("Your role may not make verification calls.")
)


@caller_required
def samples(request: HttpRequest) -> HttpResponse:
    form = SampleDrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            sample = verification_sample_draw(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            for field, errs in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errs)
        else:
            messages.success(request, _("Drew %(n)s records to verify.") % {"n": sample.size})
            return redirect("quality:sample", pk=sample.pk)
    page = Paginator(samples_with_progress(), 20).get_page(request.GET.get("page"))
    return render(
        request,
        "quality/verification/samples.html",
        {"form": form, "page": page, "nav_active": "verification"},
        status=400 if form.is_bound and form.errors else 200,
    )


@caller_required
def sample(request: HttpRequest, pk: int) -> HttpResponse:
    obj = get_object_or_404(VerificationSample, pk=pk)
    funnel = sample_funnel(obj)
    calls = VerificationCall.objects.filter(sample=obj).select_related("customer", "caller")
    show = request.GET.get("show", "")
    if show == "todo":
        calls = calls.filter(outcome="")
    elif show == "done":
        calls = calls.exclude(outcome="")
    page = Paginator(calls, 50).get_page(request.GET.get("page"))
    for call in page:
        call.mobile_display = display_mobile(personal_value(request.user, call.customer, "mobile"))
    chart = [
        {"name": str(STAGE_LABELS[s.key]), "value": s.share, "count": s.count}
        for s in funnel.stages
    ]
    return render(
        request,
        "quality/verification/sample.html",
        {
            "sample": obj,
            "funnel": funnel,
            "stage_labels": {s.key: str(STAGE_LABELS[s.key]) for s in funnel.stages},
            "chart": json.dumps(chart, ensure_ascii=False),
            "page": page,
            "show": show,
            "next": next_call(obj),
            "nav_active": "verification",
        },
    )


@caller_required
def call(request: HttpRequest, pk: int) -> HttpResponse:
    obj = get_object_or_404(
        VerificationCall.objects.select_related("customer", "sample", "caller"), pk=pk
    )
    customer = obj.customer
    form = CallForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            verification_call_record(
                actor=request.user,
                call=obj,
                outcome=data["outcome"],
                name_ok=data["name_ok"],
                mobile_ok=data["mobile_ok"],
                address_ok=data["address_ok"],
                direct_mail_ok=data["direct_mail_ok"],
                corrections=form.corrections(),
                notes=data["notes"],
            )
        except ValidationError as exc:
            for field, errs in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errs)
        else:
            messages.success(request, _("Call recorded for %(name)s.") % {"name": customer.name})
            following = next_call(obj.sample, after_id=obj.pk)
            if following is not None:
                return redirect("quality:call", pk=following.pk)
            return redirect("quality:sample", pk=obj.sample_id)
    shown = {
        f: personal_value(request.user, customer, f)
        for f in ("mobile", "landline", "address", "email")
    }
    shown["mobile"] = display_mobile(shown["mobile"])
    return render(
        request,
        "quality/verification/call.html",
        {
            "call": obj,
            "customer": customer,
            "shown": shown,
            "form": form,
            "nav_active": "verification",
        },
    )
