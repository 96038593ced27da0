"""The sales director's pages: the lost-sale audit, the funnel and the forecast, the team's
setup (targets, lead rules, capacities, absences, dictionaries, a consultant's hand-over);
customer relations' lost-sale calls; HQ's group-wide funnel and forecast."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from autocrm.catalogue.models import Series
from autocrm.core.permissions import permission_required
from autocrm.dictionaries.defaults import DEFAULT_ENTRIES
from autocrm.dictionaries.models import DictionaryEntry, DictionaryKind
from autocrm.dictionaries.services import dictionary_entry_create
from autocrm.rules.sales import STAGE_ORDER
from autocrm.sales import charts, selectors, setup, staffing
from autocrm.sales import lost as lost_services
from autocrm.sales.audit import lost_audit_by_consultant
from autocrm.sales.cleaning import parse_day
from autocrm.sales.config import capacities, sales_settings_for
from autocrm.sales.forms import DecisionForm, LostCallForm
from autocrm.sales.funnel import forecast, funnel
from autocrm.sales.models import STAGE_CHOICES, Absence, LostRequest
from autocrm.sales.policies import (
    can_decide_lost,
    can_maintain_sales_setup,
    can_make_lost_calls,
    can_view_analysis,
    is_sales_director,
)
from autocrm.tenancy.models import Dealer, DealerGroup, Staff

#: The dictionaries the sales director keeps (seed 002, "字典维护").
SALES_DICTIONARIES = (
    DictionaryKind.INFO_SOURCE,
    DictionaryKind.HOBBY,
    DictionaryKind.LOST_REASON,
    DictionaryKind.INDUSTRY,
    DictionaryKind.POSITION,
    DictionaryKind.PAYMENT_METHOD,
)


def _int(value: Any) -> int | None:
    return int(value) if str(value or "").isdigit() else None


def _range(
    request: HttpRequest, *, default_days: int = 90, future: bool = False
) -> tuple[date, date]:
    today = timezone.localdate()
    if future:
        start_default = today.replace(day=1)
        end_default = (start_default + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    else:
        start_default, end_default = today - timedelta(days=default_days), today
    start = parse_day(request.GET.get("start") or "") or start_default
    end = parse_day(request.GET.get("end") or "") or end_default
    if end < start:
        start, end = end, start
    if (end - start).days > 3 * 366:
        start = end - timedelta(days=3 * 366)
    return start, end


# --- the lost-sale audit ----------------------------------------------------------------------


@permission_required(can_view_analysis)
def lost_requests(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    start, end = _range(request)
    context = {
        "pending": selectors.pending_lost_requests(user),
        "stats": lost_audit_stats(user.dealer_id, start, end),
        "start": start,
        "end": end,
        "form": DecisionForm(),
        "can_decide": can_decide_lost(user),
        "nav_active": "lost_requests",
    }
    return render(request, "sales/lost_requests.html", context)


def lost_audit_stats(dealer_id: int, start: date, end: date) -> list[dict[str, Any]]:
    """Per consultant: requests decided, rejected, the rejection rate; approved lost sales
    called and found still winnable, and that rate (the 主观战败 audit)."""
    return lost_audit_by_consultant(dealer_id, start, end)


@require_POST
@login_required
def lost_request_decide(request: HttpRequest, lost_request_id: int) -> HttpResponse:
    user: Any = request.user
    lost = get_object_or_404(LostRequest.objects.select_related("opportunity"), pk=lost_request_id)
    if not can_decide_lost(user):
        raise PermissionDenied
    note = request.POST.get("note", "")
    try:
        if request.POST.get("decision") == "approve":
            lost_services.lost_request_approve(actor=user, request=lost, note=note)
            messages.success(request, _("Approved: the opportunity is lost."))
        else:
            lost_services.lost_request_reject(actor=user, request=lost, note=note)
            messages.success(request, _("Rejected: the opportunity is back with its consultant."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("sales:lost_requests")


@permission_required(can_make_lost_calls)
def lost_calls(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    form = LostCallForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        lost = get_object_or_404(LostRequest, pk=_int(request.POST.get("request")))
        try:
            lost_services.lost_call_record(
                actor=user, request=lost, result=form.cleaned_data["result"],
                note=form.cleaned_data["note"],
            )  # fmt: skip
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Call recorded."))
            return redirect("sales:lost_calls")
    from autocrm.customers.presenters import contact_mobile, display_mobile

    rows = [
        {
            "r": r,
            "mobile": display_mobile(
                contact_mobile(user, r.opportunity.customer, r.opportunity.customer.mobile)
            ),
        }
        for r in selectors.lost_calls_due(user)
    ]
    return render(
        request,
        "sales/lost_calls.html",
        {"rows": rows, "form": form, "nav_active": "lost_calls"},
    )


# --- funnel and forecast ----------------------------------------------------------------------


def _funnel_context(
    dealer_ids: list[int], request: HttpRequest, *, team: list[Staff]
) -> dict[str, Any]:
    start, end = _range(request)
    group_by = (
        request.GET.get("group") if request.GET.get("group") in ("consultant", "series") else ""
    )
    consultant_id = _int(request.GET.get("consultant"))
    series_id = _int(request.GET.get("series"))
    shape = funnel(
        dealer_ids, start=start, end=end, consultant_id=consultant_id, series_id=series_id,
        group_by=group_by,
    )  # fmt: skip
    labels = dict(STAGE_CHOICES)
    names = [str(labels[s.value]) for s in STAGE_ORDER]
    f_start, f_end = _range_forecast(request)
    by = (
        request.GET.get("by")
        if request.GET.get("by") in ("brand", "series", "dealer")
        else "series"
    )
    outlook = forecast(
        dealer_ids, start=f_start, end=f_end, group_by=by, consultant_id=consultant_id
    )
    top = outlook.rows[:15]
    pipeline = charts.bar(
        names[:-1],
        [(_("Open opportunities"), [row.open_count for row in shape.stages[:-1]])],
    )
    if shape.groups:
        pipeline = charts.bar(
            names[:-1],
            [(name, counts[:-1]) for name, counts in shape.groups[:10]],
            stacked=True,
        )
    return {
        "funnel": shape,
        "labels": labels,
        "pipeline_chart": charts.dumps(pipeline),
        "funnel_chart": charts.dumps(
            charts.funnel_chart(names, [row.reached for row in shape.stages])
        ),
        "forecast": outlook,
        "forecast_chart": charts.dumps(
            charts.bar(
                [r.label for r in top],
                [
                    (_("Won"), [r.won_units for r in top]),
                    (_("Expected (weighted)"), [float(r.weighted_units) for r in top]),
                    (_("Target"), [r.target_units or 0 for r in top]),
                ],
            )
        ),
        "start": start,
        "end": end,
        "f_start": f_start,
        "f_end": f_end,
        "by": by,
        "group_by": group_by,
        "consultant_id": consultant_id,
        "series_id": series_id,
        "team": team,
        "models": Series.objects.filter(is_active=True)
        .select_related("brand")
        .order_by("brand__name", "name"),
        "params": request.GET,
    }


def _range_forecast(request: HttpRequest) -> tuple[date, date]:
    today = timezone.localdate()
    start = today.replace(day=1)
    end = (start + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    start = parse_day(request.GET.get("f_start") or "") or start
    end = parse_day(request.GET.get("f_end") or "") or end
    return (start, end) if start <= end else (end, start)


@permission_required(can_view_analysis)
def funnel_page(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    context = _funnel_context([user.dealer_id], request, team=selectors.team(user))
    context["nav_active"] = "funnel"
    return render(request, "sales/funnel.html", context)


def _hq(user: Any) -> bool:
    return bool(getattr(user, "is_hq", False))


@permission_required(_hq)
def group_page(request: HttpRequest) -> HttpResponse:
    """HQ: the funnel and forecast of every dealer (or one group's) together: counts and
    amounts only, no customer."""
    groups = list(DealerGroup.objects.order_by("name"))
    group_id = _int(request.GET.get("dealer_group"))
    dealers = Dealer.objects.all()
    if group_id:
        dealers = dealers.filter(group_id=group_id)
    context = _funnel_context(list(dealers.values_list("pk", flat=True)), request, team=[])
    context |= {"groups": groups, "group_id": group_id, "nav_active": "sales_group", "hq": True}
    return render(request, "sales/funnel.html", context)


# --- setup ------------------------------------------------------------------------------------


@permission_required(can_maintain_sales_setup)
def setup_page(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    dealer_id = user.dealer_id
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "settings":
                setup.sales_settings_update(actor=user, data=request.POST)
            elif action == "target":
                month = parse_day((request.POST.get("month") or "") + "-01")
                if month is None:
                    raise ValidationError({"month": [_("Choose a month.")]})
                series = Series.objects.filter(pk=_int(request.POST.get("series"))).first()
                units = _int(request.POST.get("units"))
                if units is None:
                    raise ValidationError({"units": [_("Enter a whole number.")]})
                setup.sales_target_set(actor=user, month=month, units=units, series=series)
            elif action == "capacity":
                consultant = get_object_or_404(
                    Staff, pk=_int(request.POST.get("consultant")), dealer_id=dealer_id
                )
                raw = request.POST.get("capacity", "").strip()
                setup.consultant_capacity_set(
                    actor=user, consultant=consultant, capacity=int(raw) if raw.isdigit() else None
                )
            elif action == "absence":
                consultant = get_object_or_404(
                    Staff, pk=_int(request.POST.get("consultant")), dealer_id=dealer_id
                )
                starts = parse_day(request.POST.get("starts_on") or "")
                ends = parse_day(request.POST.get("ends_on") or "")
                if starts is None or ends is None:
                    raise ValidationError({"starts_on": [_("Enter both days.")]})
                setup.absence_add(
                    actor=user, consultant=consultant, starts_on=starts, ends_on=ends,
                    reason=request.POST.get("reason", ""),
                )  # fmt: skip
            elif action == "absence_remove":
                absence = get_object_or_404(Absence, pk=_int(request.POST.get("absence")))
                setup.absence_remove(actor=user, absence=absence)
            elif action == "dictionary":
                kind = request.POST.get("kind", "")
                if kind not in SALES_DICTIONARIES:
                    raise ValidationError({"kind": [_("Choose a list.")]})
                dictionary_entry_create(
                    dealer=user.dealer, kind=kind, label=request.POST.get("label", ""),
                    standard_code=request.POST.get("standard_code", ""),
                )  # fmt: skip
            else:
                raise ValidationError({"action": [_("Unknown action.")]})
        except ValidationError as exc:
            for errors in exc.message_dict.values():
                messages.error(request, " ".join(errors))
        else:
            messages.success(request, _("Saved."))
            return redirect(f"{request.path}#{action}")
    today = timezone.localdate()
    from autocrm.sales.models import SalesTarget

    consultants = selectors.team(user)
    own = capacities(dealer_id)
    rules = sales_settings_for(dealer_id)
    dictionaries = []
    for kind in SALES_DICTIONARIES:
        dictionaries.append(
            {
                "kind": kind,
                "label": DictionaryKind(kind).label,
                "entries": list(DictionaryEntry.objects.filter(dealer_id=dealer_id, kind=kind)),
                "standards": DEFAULT_ENTRIES.get(kind, []),
            }
        )
    context = {
        "rules": rules,
        "targets": list(
            SalesTarget.objects.filter(
                dealer_id=dealer_id, month__gte=today.replace(day=1) - timedelta(days=62)
            )
            .select_related("series")
            .order_by("-month", "series__name")
        ),
        "consultants": [{"s": s, "capacity": own.get(s.pk)} for s in consultants],
        "absences": list(
            Absence.objects.filter(dealer_id=dealer_id, ends_on__gte=today)
            .select_related("consultant")
            .order_by("starts_on")
        ),
        "reasons": Absence.Reason.choices,
        "models": Series.objects.filter(is_active=True, brand__name=user.dealer.brand).order_by(
            "name"
        ),
        "month": today.strftime("%Y-%m"),
        "dictionaries": dictionaries,
        "stranded": staffing.stranded(dealer_id),
        "workloads": [{"s": s, "load": staffing.workload(s)} for s in consultants],
        "can_hand_over": is_sales_director(user),
        "nav_active": "sales_setup",
    }
    return render(request, "sales/setup.html", context)


@require_POST
@permission_required(is_sales_director)
def hand_over(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    leaver = get_object_or_404(Staff, pk=_int(request.POST.get("leaver")), dealer_id=user.dealer_id)
    receivers = list(
        Staff.objects.filter(
            pk__in=[_int(v) for v in request.POST.getlist("to") if _int(v)],
            dealer_id=user.dealer_id,
        )
    )
    try:
        moved = staffing.consultant_hand_over(
            actor=user, leaver=leaver, receivers=receivers,
            deactivate=request.POST.get("deactivate") == "1",
        )  # fmt: skip
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("Handed over: %(c)s customers, %(l)s leads, %(o)s opportunities.")
            % {"c": moved.customers, "l": moved.leads, "o": moved.opportunities},
        )
    return redirect(reverse("sales:setup") + "#team")
