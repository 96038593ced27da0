"""Opportunity pages: the list, an opportunity's page (move it through the funnel, record an
activity with the next one, plan another, ask to give it up, record the sale), the showroom
traffic of the day and the registration of a prospect."""

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
from autocrm.rules.sales import STAGE_ORDER, win_probability
from autocrm.sales import lost as lost_services
from autocrm.sales import opportunities as services
from autocrm.sales import selectors
from autocrm.sales.cleaning import parse_day
from autocrm.sales.forms import (
    LostRequestForm,
    OpportunityEditForm,
    OutcomeForm,
    PlanFields,
    ProspectForm,
    ReopenForm,
    WinForm,
    series_choices,
)
from autocrm.sales.models import (
    STAGE_CHOICES,
    FollowUpPlan,
    Opportunity,
    OpportunityStatus,
    Temperature,
    WalkInCount,
)
from autocrm.sales.policies import (
    can_receive_leads,
    can_use_sales,
    can_work_opportunity,
    sees_whole_team,
)
from autocrm.sales.traffic import prospect_register, walk_ins_record


def _int(value: Any) -> int | None:
    return int(value) if str(value or "").isdigit() else None


@permission_required(can_use_sales)
def opportunity_list(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    params = request.GET
    status = params.get("status", "open")
    page = selectors.opportunity_list(
        user,
        status=status if status in ("open", *OpportunityStatus.values) else "open",
        stage=params.get("stage", "") if params.get("stage") in dict(STAGE_CHOICES) else "",
        consultant_id=_int(params.get("consultant")),
        series_id=_int(params.get("series")),
        temperature=params.get("temperature", "")
        if params.get("temperature") in Temperature.values
        else "",
        after=_int(params.get("after")),
        before=_int(params.get("before")),
    )
    context = {
        "page": page,
        "params": params,
        "stages": STAGE_CHOICES,
        "statuses": [("open", _("Open, with pending lost requests")), *OpportunityStatus.choices],
        "temperatures": Temperature.choices,
        "models": series_choices(),
        "team": selectors.team(user) if sees_whole_team(user) else [],
        "now": timezone.now(),
        "can_register": _registers_prospects(user),
        "nav_active": "opportunities",
    }
    template = "sales/_opportunity_rows.html" if request.htmx else "sales/opportunity_list.html"
    return render(request, template, context)


def _opportunity_for(request: HttpRequest, pk: int) -> Opportunity:
    opportunity = get_object_or_404(
        Opportunity.objects.select_related(
            "customer", "consultant", "series", "series__brand", "trim", "lost_reason", "vehicle"
        ),
        pk=pk,
    )
    if not can_work_opportunity(request.user, consultant_id=opportunity.consultant_id):  # type: ignore[arg-type]
        raise PermissionDenied
    return opportunity


def _initial(opportunity: Opportunity) -> dict[str, Any]:
    initial = {
        field: getattr(opportunity, field)
        for field in ("quantity", "temperature", "drive", "expected_amount", "expected_close_on",
                      "age_band", "purchase_time", "purchase_way")
    }  # fmt: skip
    for fk in ("series", "info_source", "industry", "position", "current_series"):
        initial[fk] = getattr(opportunity, f"{fk}_id")
    initial["hobbies"] = list(opportunity.hobbies.values_list("pk", flat=True))
    return initial


@login_required
def opportunity_detail(request: HttpRequest, opportunity_id: int) -> HttpResponse:
    user: Any = request.user
    opportunity = _opportunity_for(request, opportunity_id)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    edit = OpportunityEditForm(
        request.POST if action == "edit" else None, viewer=user, initial=_initial(opportunity)
    )
    plan_form = PlanFields(request.POST if action == "plan" else None, prefix=None)
    open_plans = list(
        FollowUpPlan.objects.filter(opportunity=opportunity, done_at__isnull=True).order_by(
            "due_at"
        )
    )
    outcome_form = OutcomeForm(
        request.POST if action == "outcome" else None, needs_next=len(open_plans) <= 1
    )
    lost_form = LostRequestForm(request.POST if action == "lost" else None, viewer=user)
    win_form = WinForm(request.POST if action == "win" else None, viewer=user)
    reopen_form = ReopenForm(request.POST if action == "reopen" else None)
    forms = {"edit": edit, "plan": plan_form, "outcome": outcome_form, "lost": lost_form,
             "win": win_form, "reopen": reopen_form}  # fmt: skip
    if action in forms and forms[action].is_valid():
        form = forms[action]
        data = form.cleaned_data
        try:
            if action == "edit":
                services.opportunity_update(actor=user, opportunity=opportunity, data=data)
                done = _("Opportunity saved.")
            elif action == "plan":
                services.plan_add(actor=user, opportunity=opportunity, data=data)
                done = _("Activity planned.")
            elif action == "outcome":
                plan = get_object_or_404(
                    FollowUpPlan, pk=_int(request.POST.get("plan")), opportunity=opportunity
                )
                services.plan_record(actor=user, plan=plan, data=data)
                done = _("Activity recorded.")
            elif action == "lost":
                lost_services.lost_request_file(actor=user, opportunity=opportunity, data=data)
                done = _("Lost request sent to the sales director.")
            elif action == "win":
                services.opportunity_win(actor=user, opportunity=opportunity, data=data)
                done = _("Sale recorded: the car is on the customer's profile.")
            else:
                lost_services.opportunity_reopen(actor=user, opportunity=opportunity, data=data)
                done = _("Opportunity reopened.")
        except ValidationError as exc:
            form.apply_service_errors(exc)
        else:
            messages.success(request, done)
            return redirect("sales:opportunity", opportunity_id=opportunity.pk)
    context = {
        "o": opportunity,
        "forms": forms,
        "action": action,
        "open_plans": open_plans,
        "done_plans": list(
            FollowUpPlan.objects.filter(opportunity=opportunity, done_at__isnull=False)
            .select_related("owner")
            .order_by("-done_at")[:50]
        ),
        "stages": [
            {
                "value": s.value,
                "label": dict(STAGE_CHOICES)[s.value],
                "probability": win_probability(s),
                "reached": i <= opportunity.furthest_rank,
                "current": s.value == opportunity.stage,
            }
            for i, s in enumerate(STAGE_ORDER)
        ],  # fmt: skip
        "changes": list(opportunity.stage_changes.select_related("actor").order_by("-at")[:30]),
        "lost_requests": list(
            opportunity.lost_requests.select_related(
                "reason", "decided_by", "requested_by"
            ).order_by("-requested_at")
        ),
        "now": timezone.now(),
        "nav_active": "opportunities",
    }
    return render(request, "sales/opportunity_detail.html", context)


@require_POST
@login_required
def opportunity_move(request: HttpRequest, opportunity_id: int) -> HttpResponse:
    opportunity = _opportunity_for(request, opportunity_id)
    try:
        services.opportunity_move(
            actor=request.user, opportunity=opportunity, stage=request.POST.get("stage", "")
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, _("Stage: %(stage)s.") % {"stage": opportunity.get_stage_display()}
        )
    return redirect("sales:opportunity", opportunity_id=opportunity.pk)


# --- showroom traffic -------------------------------------------------------------------------


@permission_required(can_use_sales)
def traffic_day(request: HttpRequest) -> HttpResponse:
    """A consultant's day in the showroom: walk-ins who left no details, per model, and the
    prospects registered today."""
    user: Any = request.user
    day = parse_day(request.GET.get("day") or request.POST.get("day") or "") or timezone.localdate()
    models = [(pk, name) for _brand, group in series_choices()[1:] for pk, name in group]
    brand_first = [m for m in series_choices()[1:] if m[0] == user.dealer.brand]
    own = [(pk, name) for _b, group in brand_first for pk, name in group] or models[:12]
    if request.method == "POST":
        counts = {
            key[len("count_") :]: value
            for key, value in request.POST.items()
            if key.startswith("count_")
        }
        counts = {("" if k == "unknown" else k): v for k, v in counts.items()}
        try:
            total = walk_ins_record(actor=user, day=day, counts=counts)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request, _("Walk-ins of %(day)s saved: %(n)s.") % {"day": day, "n": total}
            )
            return redirect(f"{request.path}?day={day.isoformat()}")
    entered = dict(
        WalkInCount.objects.filter(dealer_id=user.dealer_id, consultant=user, day=day).values_list(
            "series_id", "count"
        )
    )
    registered = list(
        Opportunity.objects.filter(dealer_id=user.dealer_id, registered_on=day)
        .filter(**({} if sees_whole_team(user) else {"consultant": user}))
        .select_related("customer", "series", "consultant")
        .order_by("-created_at")
    )
    unregistered = sum(entered.values())
    context = {
        "day": day,
        "today": timezone.localdate(),
        "rows": [{"pk": pk, "name": name, "count": entered.get(pk, 0)} for pk, name in own],
        "unknown_count": entered.get(None, 0),
        "registered": registered,
        "unregistered": unregistered,
        "traffic": unregistered + len(registered),
        "can_register": _registers_prospects(user),
        "nav_active": "traffic",
    }
    return render(request, "sales/traffic_day.html", context)


def _registers_prospects(user: Any) -> bool:
    return can_use_sales(user) and can_receive_leads(user)


@permission_required(_registers_prospects)
def prospect_new(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    form = ProspectForm(request.POST or None, viewer=user)
    if request.method == "POST" and form.is_valid():
        try:
            opportunity, match = prospect_register(actor=user, data=form.cleaned_data)
        except ValidationError as exc:
            form.apply_service_errors(exc)
        else:
            note = {
                "known": _("Existing profile: the opportunity is on it."),
                "household": _("A new person in a known household (shared number)."),
                "review": _("New profile; duplicate detection will review it."),
            }.get(match, _("New prospect registered."))
            messages.success(request, note)
            return redirect("sales:opportunity", opportunity_id=opportunity.pk)
    return render(request, "sales/prospect_form.html", {"form": form, "nav_active": "traffic"})
