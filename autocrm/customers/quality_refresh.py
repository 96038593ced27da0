"""Recompute and store one customer's quality scores (called by every service that changes
the record; never by a view)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils import timezone

from autocrm.customers.choices import ContactType, InteractionKind
from autocrm.customers.models import Customer
from autocrm.rules.regions import id_region_province
from autocrm.rules.scoring import CustomerFacts, QualityResult, VehicleFacts, score_customer

REFERRAL_CONTACT_TYPES = (ContactType.REFERRER, ContactType.POTENTIAL_REFERRER)
#: The stored results of scoring a record.
SCORE_FIELDS = (
    "accuracy_score", "completeness_score", "accuracy_level", "completeness_level",
    "quality_issues",
)  # fmt: skip


def facts_from_related(
    customer: Customer,
    *,
    vehicles: tuple[VehicleFacts, ...],
    interaction_kinds: set[str],
    hobby_count: int,
    has_referral_contact: bool,
    is_referrer: bool,
) -> CustomerFacts:
    """The facts of one record from what was gathered about its related rows (one record at
    a time here, many at once by the import)."""
    trade = customer.trade_relationship
    return CustomerFacts(
        kind=customer.kind,
        name=customer.name,
        mobile=customer.mobile,
        mobile_flagged_wrong=customer.mobile_flagged_wrong,
        address=customer.address,
        province=customer.province,
        dealer_province=customer.dealer.province,
        id_region_province=id_region_province(customer.id_number),
        is_prospect=trade is not None and trade.standard_code == "potential",
        vehicles=vehicles,
        hobby_count=hobby_count,
        activity_level=customer.activity_level,
        has_follow_up_result=InteractionKind.FOLLOW_UP in interaction_kinds,
        has_event_participation=InteractionKind.EVENT in interaction_kinds,
        has_referral=(
            customer.referred_by_id is not None
            or has_referral_contact
            or InteractionKind.REFERRAL in interaction_kinds
            or is_referrer
        ),
        last_verified_at=customer.last_verified_at,
        updated_at=customer.updated_at,
    )


def customer_facts(customer: Customer) -> CustomerFacts:
    """Collect what the quality rules need, in a handful of small indexed queries."""
    return facts_from_related(
        customer,
        vehicles=tuple(
            VehicleFacts(vin=v.vin, purchase_date=v.purchase_date, bought_here=v.bought_here)
            for v in customer.vehicles.all()
        ),
        interaction_kinds=set(
            customer.interactions.exclude(outcome="", kind=InteractionKind.FOLLOW_UP)
            .values_list("kind", flat=True)
            .distinct()
        ),
        hobby_count=customer.hobbies.count(),
        has_referral_contact=customer.contacts.filter(
            contact_type__in=REFERRAL_CONTACT_TYPES
        ).exists(),
        is_referrer=customer.referrals.exists(),
    )


def score_values(result: QualityResult) -> dict[str, Any]:
    """A scoring result as the values of the record's stored quality fields."""
    return {
        "accuracy_score": result.accuracy_score,
        "completeness_score": result.completeness_score,
        "accuracy_level": result.accuracy_level,
        "completeness_level": result.completeness_level,
        "quality_issues": [issue.as_dict() for issue in result.issues],
    }


def apply_scores(customer: Customer, result: QualityResult) -> None:
    """Copy a scoring result onto the record's stored quality fields (not saved)."""
    for name, value in score_values(result).items():
        setattr(customer, name, value)


def customer_quality_refresh(*, customer: Customer) -> Customer:
    """Score the record and store the scores, levels and issue list (no history row)."""
    result = score_customer(customer_facts(customer), config=settings.QUALITY, now=timezone.now())
    apply_scores(customer, result)
    Customer.objects.filter(pk=customer.pk).update(
        **{field: getattr(customer, field) for field in SCORE_FIELDS}
    )
    return customer
