"""Duplicate review pages: the queue, a pair side by side, merge history, bulk merge, HQ.

Thin: parse input, call a service or selector, render. Everything is scoped to the user's
dealer by the middleware; another dealer's pair or merge is simply not found (404).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_scopes import scopes_disabled

from autocrm.core.permissions import permission_required
from autocrm.customers.presenters import display_mobile, personal_value
from autocrm.matching import selectors, services, tasks
from autocrm.matching.models import CandidateStatus, DuplicateCandidate, MatchRun, Merge
from autocrm.matching.policies import can_merge_customers
from autocrm.tenancy.models import Dealer
from autocrm.tenancy.pseudonyms import pseudonym

BULK_PAGE = 100


def steward_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Customer relations and managers of a dealer (matching.policies.can_merge_customers);
    HQ asking for the dealer queue is sent to its cross-dealer page."""
    guarded = permission_required(can_merge_customers)(view)

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = request.user
        if user.is_authenticated and user.is_hq and view.__name__ == "queue":
            return redirect("matching:hq")
        return guarded(request, *args, **kwargs)

    return wrapper


def _float(value: str | None) -> float:
    try:
        return min(max(float(value or 0), 0.0), 1.0)
    except ValueError:
        return 0.0


@steward_required
def queue(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status") or CandidateStatus.OPEN
    if status not in CandidateStatus.values:
        status = CandidateStatus.OPEN
    min_probability = _float(request.GET.get("min"))
    q = (request.GET.get("q") or "").strip()
    qs = selectors.candidate_queue(status=status, min_probability=min_probability, q=q)
    page = Paginator(qs, selectors.QUEUE_PAGE).get_page(request.GET.get("page"))
    viewer = request.user
    rows = [
        {
            "candidate": c,
            "low_mobile": display_mobile(personal_value(viewer, c.customer_low, "mobile")),
            "high_mobile": display_mobile(personal_value(viewer, c.customer_high, "mobile")),
            "badges": selectors.agreement_badges(c.fields),
        }
        for c in page.object_list
    ]
    context = {
        "rows": rows,
        "page": page,
        "status": status,
        "statuses": CandidateStatus.choices,
        "min_probability": min_probability,
        "q": q,
        "counts": selectors.status_counts(),
        **_run_context(request.user.dealer_id),
        "exact_groups": len(selectors.exact_duplicate_groups()),
        "field_labels": field_labels(),
        "level_labels": level_labels(),
        "nav_active": "duplicates",
    }
    return render(request, "matching/queue.html", context)


def field_labels() -> dict[str, str]:
    return {
        "name": _("Name"),
        "mobile": _("Mobile"),
        "landline": _("Landline"),
        "id_number": _("ID number"),
        "vehicle": _("VIN"),
        "address": _("Address"),
        "birth_date": _("Birth date"),
    }


def _run_context(dealer_id: int | None) -> dict[str, Any]:
    """The latest detection run and how to show it (matching/_run.html)."""
    run = selectors.last_run(dealer_id)
    return {
        "run": run,
        "running": selectors.is_running(run),
        "previous_seconds": selectors.last_run_seconds(dealer_id),
    }


@login_required
def run_status(request: HttpRequest) -> HttpResponse:
    """The latest run, polled by its page while it runs; the page reloads once it ends."""
    if request.user.is_hq:
        with scopes_disabled():
            context = _run_context(None)
    elif can_merge_customers(request.user):
        context = _run_context(request.user.dealer_id)
    else:
        raise PermissionDenied
    response = render(request, "matching/_run.html", context)
    if not context["running"]:
        response["HX-Refresh"] = "true"
    return response


@steward_required
@require_POST
def run_now(request: HttpRequest) -> HttpResponse:
    """On demand: huey runs it inline in development, in the background in production."""
    if selectors.is_running(selectors.last_run(request.user.dealer_id)):
        messages.info(request, _("Duplicate detection is already running."))
        return redirect("matching:queue")
    run_id = tasks.finished_value(tasks.detect_duplicates(request.user.dealer_id, request.user.pk))
    if run_id is None:
        messages.info(request, _("Duplicate detection started."))
    else:
        run = MatchRun.objects.get(pk=run_id)
        messages.success(
            request,
            _("Detection finished: %(n)s records, %(c)s candidate pairs.")
            % {"n": run.records, "c": run.candidates_found},
        )
    return redirect("matching:queue")


@steward_required
def pair(request: HttpRequest, pk: int) -> HttpResponse:
    candidate = get_object_or_404(DuplicateCandidate, pk=pk)
    view = selectors.pair_view(request.user, candidate)
    survivor = selectors.pick_survivor([view.low, view.high])
    context = {
        "view": view,
        "view_customers": [
            {"vehicles": view.vehicles[c.pk], "counts": view.counts[c.pk]}
            for c in (view.low, view.high)
        ],
        "default_side": "low" if survivor.pk == view.low.pk else "high",
        "candidate": candidate,
        "field_labels": field_labels(),
        "level_labels": level_labels(),
        "nav_active": "duplicates",
        "open": candidate.status == CandidateStatus.OPEN
        and not view.low.merged_into_id
        and not view.high.merged_into_id,
    }
    return render(request, "matching/pair.html", context)


def level_labels() -> dict[str, str]:
    """The label of each comparison level (model.FIELDS; the name's are compare_names')."""
    return {
        "exact": _("same after normalising"),
        "script": _("same in traditional and simplified characters"),
        "swapped": _("given name swapped"),
        "homophone": _("homophone (same pinyin)"),
        "spelling": _("pinyin or English spelling"),
        "near_sound": _("similar sound (fuzzy pinyin)"),
        "surname_only": _("placeholder of the same surname"),
        "different_given": _("same surname, another given name"),
        "shared": _("another number in common"),
        "typo": _("one digit differs"),
        "same_local": _("same number, one without area code"),
        "shared_vin": _("shared VIN"),
        "same_house": _("same house, one less detailed"),
        "same_road": _("same road or compound, another home"),
        "same_district": _("same district, one incomplete"),
        "district_only": _("same district only"),
        "different": _("different"),
        "null": _("missing"),
        # the codes of earlier runs, for the pairs they stored
        "same_pinyin": _("same pinyin (homophone)"),
        "similar": _("similar"),
        "shared_given": _("surname and part of the given name"),
        "same_surname": _("same surname only"),
        "partial": _("one contains the other"),
    }


@steward_required
@require_POST
def merge(request: HttpRequest, pk: int) -> HttpResponse:
    candidate = get_object_or_404(DuplicateCandidate, pk=pk)
    keep = request.POST.get("survivor")
    survivor_id = candidate.customer_high_id if keep == "high" else candidate.customer_low_id
    survivor_side = "high" if keep == "high" else "low"
    chosen = {}
    for group in services.MERGE_FIELDS:
        side = request.POST.get(f"f_{group}")
        if side in ("low", "high"):
            chosen[group] = services.SURVIVOR if side == survivor_side else services.MERGED
    try:
        done = services.candidate_merge(
            actor=request.user, candidate=candidate, survivor_id=survivor_id, chosen=chosen
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("matching:pair", pk=pk)
    messages.success(
        request,
        _("Merged: %(merged)s is now part of %(survivor)s.")
        % {"merged": done.merged.name, "survivor": done.survivor.name},
    )
    return redirect("customers:detail", pk=done.survivor_id)


@steward_required
@require_POST
def dismiss(request: HttpRequest, pk: int) -> HttpResponse:
    candidate = get_object_or_404(DuplicateCandidate, pk=pk)
    services.candidate_dismiss(actor=request.user, candidate=candidate)
    messages.success(request, _("Marked as not the same person."))
    return redirect("matching:queue")


@steward_required
def history(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.merge_history(), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "matching/history.html",
        {"page": page, "nav_active": "duplicates"},
    )


@steward_required
@require_POST
def undo(request: HttpRequest, pk: int) -> HttpResponse:
    merge_ = get_object_or_404(Merge, pk=pk)
    try:
        services.customer_unmerge(actor=request.user, merge=merge_)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("Merge undone: %(name)s is a separate record again.") % {"name": merge_.merged.name},
        )
    return redirect("matching:history")


@steward_required
def bulk(request: HttpRequest) -> HttpResponse:
    """Exact duplicates (same ID number or VIN): a confirmation page, then one bulk merge."""
    groups = selectors.exact_duplicate_groups()
    plans = selectors.bulk_merge_plan(groups)
    records = sum(len(p.merged) for p in plans)
    status = 200
    if request.method == "POST":
        expected = (request.POST.get("expected") or "").strip()
        if not expected.isdigit() or len(expected) > 18:
            messages.error(
                request,
                _("“expected” must be the number of records the page showed, in digits."),
            )
            status = 400
        elif int(expected) != records:
            messages.error(request, _("The duplicates changed meanwhile; check them again."))
            return redirect("matching:bulk")
        else:
            merges = services.exact_duplicates_merge(
                actor=request.user, groups=[g.ids for g in groups]
            )
            messages.success(request, _("%(n)s records merged.") % {"n": len(merges)})
            return redirect("matching:history")
    page = Paginator(plans, BULK_PAGE).get_page(request.GET.get("page"))
    context = {
        "groups": sum(1 for p in plans if p.merged),
        "records": records,
        "left_out": sum(len(p.left_out) for p in plans),
        "page": page,
        "reason_labels": refusal_labels(),
        "nav_active": "duplicates",
    }
    return render(request, "matching/bulk.html", context, status=status)


def refusal_labels() -> dict[str, str]:
    """Why the bulk merge leaves a record to the review queue (selectors.bulk_merge_plan)."""
    return {
        "placeholder": _("placeholder or nickname: not a name to merge on"),
        "unsure": _("not clearly the same person"),
        "different_id": _("another valid ID number"),
        "different_name": _("another person's name (a sale or a family member)"),
        "different_birth_date": _("another birth date"),
        "different_gender": _("another gender"),
        "person_and_organization": _("a person and an organization"),
    }


@login_required
def hq(request: HttpRequest) -> HttpResponse:
    """撞单: people two dealers both hold, de-identified (HQ analysts only)."""
    if not request.user.is_hq:
        raise PermissionDenied
    with scopes_disabled():
        if request.method == "POST":
            if selectors.is_running(selectors.last_run(None)):
                messages.info(request, _("Duplicate detection is already running."))
            elif tasks.finished_value(tasks.detect_cross_dealer_duplicates(request.user.pk)):
                messages.success(request, _("Cross-dealer detection finished."))
            else:  # queued for the background worker
                messages.info(request, _("Duplicate detection started."))
            return redirect("matching:hq")
        latest = _run_context(None)
        done = (  # the pairs shown are those of the last finished run
            MatchRun.objects.filter(dealer__isnull=True, status="done")
            .order_by("-started_at")
            .first()
        )
        page = Paginator(selectors.cross_dealer_candidates(done), 50).get_page(
            request.GET.get("page")
        )
        for candidate in page.object_list:  # records by pseudonym, never by id (issue #13)
            candidate.pseudonym_low = pseudonym("customer", candidate.customer_low_id)
            candidate.pseudonym_high = pseudonym("customer", candidate.customer_high_id)
        dealers = {d.pk: d for d in Dealer.objects.all()}
    context = {
        **latest,
        "page": page,
        "dealers": dealers,
        "field_labels": field_labels(),
        "level_labels": level_labels(),
        "nav_active": "duplicates",
    }
    return render(request, "matching/hq.html", context)
