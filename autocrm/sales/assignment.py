"""Who takes a lead (domain.md §3 and issue #14): the consultant who already owns the customer,
otherwise round-robin among the consultants on duty, within each one's daily capacity, fair
over time (`rules.sales.pick_consultant`)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db.models import Count, Max
from django.utils import timezone

from autocrm.customers.models import Customer
from autocrm.rules.sales import Candidate, pick_consultant
from autocrm.sales.config import capacities, sales_settings_for
from autocrm.sales.models import Absence, Lead, Opportunity, OpportunityStatus
from autocrm.tenancy.models import Staff
from autocrm.tenancy.roles import Role


def local_day_bounds(day: date) -> tuple[datetime, datetime]:
    """A local calendar day as UTC-aware bounds [start, end)."""
    tz = timezone.get_default_timezone()
    start = datetime.combine(day, time.min, tzinfo=tz)
    return start, start + timedelta(days=1)


def consultants_on_duty(dealer_id: int, day: date) -> list[Staff]:
    """The dealer's active sales consultants who are not absent on `day`."""
    absent = Absence.objects.filter(
        dealer_id=dealer_id, starts_on__lte=day, ends_on__gte=day
    ).values("consultant_id")
    return list(
        Staff.objects.filter(dealer_id=dealer_id, role=Role.SALES_CONSULTANT, is_active=True)
        .exclude(pk__in=absent)
        .order_by("pk")
    )


def _on_duty(staff: Staff | None, dealer_id: int, day: date) -> bool:
    if staff is None or not staff.is_active or staff.dealer_id != dealer_id:
        return False
    if staff.role != Role.SALES_CONSULTANT:
        return False
    return not Absence.objects.filter(
        dealer_id=dealer_id, consultant=staff, starts_on__lte=day, ends_on__gte=day
    ).exists()


def owner_of(customer: Customer, dealer_id: int) -> Staff | None:
    """The consultant who already works the customer: the owner of an open opportunity, else
    the profile's responsible staff when a sales consultant."""
    open_owner = (
        Opportunity.objects.filter(
            dealer_id=dealer_id,
            customer=customer,
            status__in=[OpportunityStatus.OPEN, OpportunityStatus.LOST_REQUESTED],
        )
        .order_by("-created_at")
        .values_list("consultant_id", flat=True)
        .first()
    )
    staff_id = open_owner or customer.responsible_staff_id
    if staff_id is None:
        return None
    return Staff.objects.filter(pk=staff_id, dealer_id=dealer_id).first()


def round_robin(dealer_id: int, at: datetime) -> Staff | None:
    """The next consultant on duty by the fair round-robin, or None when all are full."""
    day = timezone.localdate(at)
    staff = consultants_on_duty(dealer_id, day)
    if not staff:
        return None
    start, end = local_day_bounds(day)
    today = dict(
        Lead.objects.filter(dealer_id=dealer_id, assigned_at__gte=start, assigned_at__lt=end)
        .values("consultant_id")
        .annotate(n=Count("id"))
        .values_list("consultant_id", "n")
    )
    last = dict(
        Lead.objects.filter(dealer_id=dealer_id, consultant__in=staff)
        .values("consultant_id")
        .annotate(last=Max("assigned_at"))
        .values_list("consultant_id", "last")
    )
    default = sales_settings_for(dealer_id).daily_lead_capacity
    own = capacities(dealer_id)
    candidates = [
        Candidate(
            staff_id=s.pk,
            assigned_today=today.get(s.pk, 0),
            capacity=own.get(s.pk, default),
            last_assigned_at=last[s.pk].timestamp() if last.get(s.pk) else 0.0,
        )
        for s in staff
    ]
    pick = pick_consultant(candidates)
    return next((s for s in staff if s.pk == pick), None)


def consultant_for(customer: Customer | None, dealer_id: int, at: datetime) -> Staff | None:
    """Who takes a lead received at `at`: the customer's own consultant when on duty, else the
    round-robin's pick (None when no one can take it: the lead waits for the director)."""
    if customer is not None:
        owner = owner_of(customer, dealer_id)
        if _on_duty(owner, dealer_id, timezone.localdate(at)):
            return owner
    return round_robin(dealer_id, at)
