"""Reads of sales: the lists, a consultant's and the director's work of the day.

Every read is scoped to the viewer's dealer, and to the viewer's own leads and opportunities
unless the viewer sees the whole team (sales.policies.sees_whole_team).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Generic, TypeVar

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from autocrm.sales.assignment import local_day_bounds
from autocrm.sales.models import (
    FollowUpPlan,
    Lead,
    LeadStatus,
    LostDecision,
    LostRequest,
    Opportunity,
    OpportunityStatus,
)
from autocrm.sales.policies import sees_whole_team
from autocrm.tenancy.models import Staff
from autocrm.tenancy.roles import Role

PAGE_SIZE = 50
#: A waiting lead shows as "near its limit" this long before it is due.
NEAR_LIMIT = timedelta(minutes=5)

OPEN = (OpportunityStatus.OPEN, OpportunityStatus.LOST_REQUESTED)

T = TypeVar("T")


@dataclass
class Page(Generic[T]):
    rows: list[T]
    next_cursor: int | None
    prev_cursor: int | None


def keyset_page(
    qs: QuerySet[Any], *, after: int | None = None, before: int | None = None, size: int = PAGE_SIZE
) -> Page[Any]:
    """Newest first by id, without OFFSET or COUNT."""
    if after is not None:
        rows = list(qs.filter(id__lt=after).order_by("-id")[: size + 1])
        more, rows, prev = len(rows) > size, rows[:size], True
    elif before is not None:
        rows = list(qs.filter(id__gt=before).order_by("id")[: size + 1])
        prev, rows = len(rows) > size, rows[:size]
        rows.reverse()
        more = True
    else:
        rows = list(qs.order_by("-id")[: size + 1])
        more, rows, prev = len(rows) > size, rows[:size], False
    return Page(
        rows=rows,
        next_cursor=rows[-1].pk if rows and more else None,
        prev_cursor=rows[0].pk if rows and prev else None,
    )


def _own(viewer: Staff, qs: QuerySet[Any], field: str = "consultant") -> QuerySet[Any]:
    qs = qs.filter(dealer_id=viewer.own_dealer_id)
    return qs if sees_whole_team(viewer) else qs.filter(**{field: viewer})


# --- leads ------------------------------------------------------------------------------------


def leads_visible(viewer: Staff) -> QuerySet[Lead]:
    return _own(viewer, Lead.objects.all()).select_related("customer", "consultant", "series")


def lead_list(
    viewer: Staff,
    *,
    status: str = "",
    source: str = "",
    consultant_id: int | None = None,
    after: int | None = None,
    before: int | None = None,
) -> Page[Lead]:
    qs = leads_visible(viewer)
    if status == "waiting":
        qs = qs.filter(status=LeadStatus.NEW)
    elif status:
        qs = qs.filter(status=status)
    if source:
        qs = qs.filter(source=source)
    if consultant_id and sees_whole_team(viewer):
        qs = qs.filter(consultant_id=consultant_id)
    return keyset_page(qs, after=after, before=before)


def leads_on_the_clock(viewer: Staff, *, near_only: bool = False, now: datetime | None = None) -> (
    list[Lead]
):  # fmt: skip
    """Clocked leads not yet answered, most urgent first (with `near_only`, those whose limit
    is near or past): the consultant's own, or the whole team's for the director."""
    now = now or timezone.now()
    qs = leads_visible(viewer).filter(
        status=LeadStatus.NEW, responded_at__isnull=True, due_at__isnull=False
    )
    if near_only:
        qs = qs.filter(due_at__lte=now + NEAR_LIMIT)
    return list(qs.order_by("due_at", "id")[:50])


def unassigned_leads(viewer: Staff) -> list[Lead]:
    if not sees_whole_team(viewer):
        return []
    return list(
        Lead.objects.filter(
            dealer_id=viewer.own_dealer_id, consultant__isnull=True, status=LeadStatus.NEW
        )
        .select_related("customer", "series")
        .order_by("received_at")[:50]
    )


def clock_state(lead: Lead, now: datetime) -> str:
    """ "ok", "near", "late" (past the target) or "missed" (past the missed bound)."""
    if lead.due_at is None:
        return ""
    if lead.missed_at is not None and now > lead.missed_at:
        return "missed"
    if now > lead.due_at:
        return "late"
    if now > lead.due_at - NEAR_LIMIT:
        return "near"
    return "ok"


# --- opportunities and plans ------------------------------------------------------------------


def opportunities_visible(viewer: Staff) -> QuerySet[Opportunity]:
    return _own(viewer, Opportunity.objects.all()).select_related(
        "customer", "consultant", "series", "series__brand"
    )


def opportunity_list(
    viewer: Staff,
    *,
    status: str = "open",
    stage: str = "",
    consultant_id: int | None = None,
    series_id: int | None = None,
    temperature: str = "",
    after: int | None = None,
    before: int | None = None,
) -> Page[Opportunity]:
    qs = opportunities_visible(viewer)
    if status == "open":
        qs = qs.filter(status__in=OPEN)
    elif status:
        qs = qs.filter(status=status)
    if stage:
        qs = qs.filter(stage=stage)
    if consultant_id and sees_whole_team(viewer):
        qs = qs.filter(consultant_id=consultant_id)
    if series_id:
        qs = qs.filter(series_id=series_id)
    if temperature:
        qs = qs.filter(temperature=temperature)
    return keyset_page(qs, after=after, before=before)


def plans_of_day(viewer: Staff, day: date | None = None) -> list[FollowUpPlan]:
    """The viewer's open planned activities due by the end of `day` (today): calls, visits,
    test drives, quotes and deliveries, overdue ones first."""
    day = day or timezone.localdate()
    _start, end = local_day_bounds(day)
    qs = _own(viewer, FollowUpPlan.objects.all(), field="owner").filter(
        done_at__isnull=True,
        due_at__lt=end,
        opportunity__status=OpportunityStatus.OPEN,
    )
    return list(
        qs.select_related(
            "opportunity", "opportunity__customer", "opportunity__series", "owner"
        ).order_by("due_at", "id")[:100]
    )


def opportunities_needing_a_plan(
    viewer: Staff, *, now: datetime | None = None
) -> list[Opportunity]:
    """Open opportunities without a next activity, or whose next one is overdue."""
    now = now or timezone.now()
    qs = opportunities_visible(viewer).filter(status=OpportunityStatus.OPEN)
    qs = qs.filter(Q(next_due_at__isnull=True) | Q(next_due_at__lt=now))
    return list(qs.order_by("next_due_at", "id")[:100])


def pending_lost_requests(viewer: Staff) -> list[LostRequest]:
    qs = LostRequest.objects.filter(dealer_id=viewer.own_dealer_id, decision=LostDecision.PENDING)
    if not sees_whole_team(viewer):
        qs = qs.filter(requested_by=viewer)
    return list(
        qs.select_related(
            "opportunity",
            "opportunity__customer",
            "opportunity__series",
            "requested_by",
            "reason",
            "competitor_series",
        ).order_by("requested_at")[:200]
    )


def lost_calls_due(viewer: Staff) -> list[LostRequest]:
    """Approved lost sales sampled for a verification call, not yet called."""
    return list(
        LostRequest.objects.filter(
            dealer_id=viewer.own_dealer_id,
            call_sampled=True,
            decision=LostDecision.APPROVED,
            called_at__isnull=True,
        )
        .select_related("opportunity", "opportunity__customer", "opportunity__series", "reason")
        .order_by("decided_at")[:200]
    )


def team(viewer: Staff) -> list[Staff]:
    """The dealer's active sales consultants (the director's choices)."""
    return list(
        Staff.objects.filter(
            dealer_id=viewer.own_dealer_id, role=Role.SALES_CONSULTANT, is_active=True
        ).order_by("display_name", "username")
    )


@dataclass(frozen=True)
class TeamActivity:
    consultant: Staff
    done_today: int
    due_today: int
    overdue: int
    open_opportunities: int
    waiting_leads: int


def team_activity(viewer: Staff, *, now: datetime | None = None) -> list[TeamActivity]:
    """Per consultant: activities recorded today, due today, overdue; open opportunities and
    leads waiting for a first response (the director's overview)."""
    now = now or timezone.now()
    start, end = local_day_bounds(timezone.localdate(now))
    dealer_id = viewer.own_dealer_id
    plans = (
        FollowUpPlan.objects.filter(dealer_id=dealer_id)
        .filter(Q(done_at__isnull=True) | Q(done_at__gte=start))
        .values("owner_id")
        .annotate(
            done=Count("id", filter=Q(done_at__gte=start, done_at__lt=end)),
            due=Count("id", filter=Q(done_at__isnull=True, due_at__gte=now, due_at__lt=end)),
            overdue=Count(
                "id",
                filter=Q(
                    done_at__isnull=True,
                    due_at__lt=now,
                    opportunity__status=OpportunityStatus.OPEN,
                ),
            ),
        )
    )
    by_plan = {row["owner_id"]: row for row in plans}
    opps = dict(
        Opportunity.objects.filter(dealer_id=dealer_id, status__in=OPEN)
        .values("consultant_id")
        .annotate(n=Count("id"))
        .values_list("consultant_id", "n")
    )
    waiting = dict(
        Lead.objects.filter(dealer_id=dealer_id, status=LeadStatus.NEW)
        .values("consultant_id")
        .annotate(n=Count("id"))
        .values_list("consultant_id", "n")
    )
    out = []
    for staff in team(viewer):
        row: Any = by_plan.get(staff.pk, {})
        out.append(
            TeamActivity(
                consultant=staff,
                done_today=row.get("done", 0),
                due_today=row.get("due", 0),
                overdue=row.get("overdue", 0),
                open_opportunities=opps.get(staff.pk, 0),
                waiting_leads=waiting.get(staff.pk, 0),
            )
        )
    return out
