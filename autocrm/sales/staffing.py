"""Staff leave (issue #14, item 8): when a consultant leaves, the sales director hands their
customers, open leads and open opportunities to one colleague or spreads them over the team,
with the history kept. Nothing stays assigned to an inactive login."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from autocrm.core.activity import ActivityRow, activities_record_bulk
from autocrm.customers.models import Customer
from autocrm.customers.services import customers_assign
from autocrm.sales.models import FollowUpPlan, Lead, LeadStatus, Opportunity, OpportunityStatus
from autocrm.sales.policies import is_sales_director
from autocrm.tenancy.models import Staff
from autocrm.tenancy.roles import Role

OPPORTUNITY_REASSIGNED = "opportunity_reassigned"

OPEN_LEAD = (LeadStatus.NEW, LeadStatus.CONTACTED)
OPEN_OPPORTUNITY = (OpportunityStatus.OPEN, OpportunityStatus.LOST_REQUESTED)


@dataclass(frozen=True)
class Workload:
    customers: int
    leads: int
    opportunities: int

    @property
    def total(self) -> int:
        return self.customers + self.leads + self.opportunities


def workload(staff: Staff) -> Workload:
    """What is assigned to a staff member: the customers they are responsible for, their
    open leads and open opportunities."""
    dealer_id = staff.own_dealer_id
    return Workload(
        customers=Customer.objects.filter(
            dealer_id=dealer_id, responsible_staff=staff, merged_into__isnull=True
        ).count(),
        leads=Lead.objects.filter(
            dealer_id=dealer_id, consultant=staff, status__in=OPEN_LEAD
        ).count(),
        opportunities=Opportunity.objects.filter(
            dealer_id=dealer_id, consultant=staff, status__in=OPEN_OPPORTUNITY
        ).count(),
    )


def stranded(dealer_id: int) -> list[tuple[Staff, Workload]]:
    """Inactive logins that still have customers, leads or opportunities: the director's
    list of what to hand over."""
    out = []
    for staff in Staff.objects.filter(dealer_id=dealer_id, is_active=False).order_by("pk"):
        load = workload(staff)
        if load.total:
            out.append((staff, load))
    return out


def _check_receivers(dealer_id: int, leaver: Staff, receivers: Sequence[Staff]) -> None:
    if not receivers:
        raise ValidationError({"to": [_("Choose who takes over.")]})
    for staff in receivers:
        if (
            staff.dealer_id != dealer_id
            or not staff.is_active
            or staff.role != Role.SALES_CONSULTANT
            or staff.pk == leaver.pk
        ):
            raise ValidationError({"to": [_("Choose active sales consultants of this dealer.")]})


@transaction.atomic
def consultant_hand_over(
    *,
    actor: Staff,
    leaver: Staff,
    receivers: Sequence[Staff],
    deactivate: bool = False,
) -> Workload:
    """Hand everything of `leaver` to `receivers`: one colleague takes all, several share it,
    each customer's open leads and opportunities going with the customer to the same person
    (balanced by what each already carries). With `deactivate`, the leaver's login is then
    disabled. Customers change through customers' own assignment (their history names the
    director); each moved opportunity gets a timeline entry. Returns what was moved."""
    if not is_sales_director(actor) or leaver.dealer_id != actor.dealer_id:
        raise PermissionDenied(_("Only the sales director hands over a consultant's work."))
    dealer_id = actor.own_dealer_id
    receivers = list(receivers)
    _check_receivers(dealer_id, leaver, receivers)
    customers = set(
        Customer.objects.filter(
            dealer_id=dealer_id, responsible_staff=leaver, merged_into__isnull=True
        ).values_list("pk", flat=True)
    )
    leads = list(Lead.objects.filter(dealer_id=dealer_id, consultant=leaver, status__in=OPEN_LEAD))
    opportunities = list(
        Opportunity.objects.filter(
            dealer_id=dealer_id, consultant=leaver, status__in=OPEN_OPPORTUNITY
        )
    )
    people = sorted(
        customers | {lead.customer_id for lead in leads} | {o.customer_id for o in opportunities}
    )
    load = Counter({staff.pk: workload(staff).total for staff in receivers})
    share: dict[int, Staff] = {}
    by_pk = {staff.pk: staff for staff in receivers}
    for customer_id in people:
        pick = min(receivers, key=lambda s: (load[s.pk], s.pk))
        share[customer_id] = pick
        load[pick.pk] += 1
    moved = Workload(len(customers), len(leads), len(opportunities))
    for staff_pk, staff in by_pk.items():
        mine = [c for c in customers if share[c].pk == staff_pk]
        if mine:
            customers_assign(actor=actor, customer_ids=mine, staff=staff)
    now = timezone.now()
    for lead in leads:
        lead.consultant = share[lead.customer_id]
        lead.assigned_at = now
    Lead.objects.bulk_update(leads, ["consultant", "assigned_at"])
    rows = []
    for opportunity in opportunities:
        opportunity.consultant = share[opportunity.customer_id]
        FollowUpPlan.objects.filter(
            dealer_id=dealer_id, opportunity=opportunity, done_at__isnull=True
        ).update(owner=opportunity.consultant)
        rows.append(
            ActivityRow(
                dealer_id=dealer_id,
                customer_id=opportunity.customer_id,
                kind=OPPORTUNITY_REASSIGNED,
                actor=actor,
                target=opportunity,
                at=now,
                data={"from": str(leaver), "to": str(opportunity.consultant)},
            )
        )
    Opportunity.objects.bulk_update(opportunities, ["consultant"])
    activities_record_bulk(rows)
    if deactivate and leaver.is_active:
        leaver.is_active = False
        leaver.save(update_fields=["is_active"])
    return moved
