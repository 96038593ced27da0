"""Quality scores for many customers at once: the facts `customer_facts` collects for one
record, gathered for a set of records in a fixed number of queries."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime

from django.conf import settings
from django.db.models import Count

from autocrm.customers.choices import InteractionKind
from autocrm.customers.models import Contact, Customer, Interaction, Vehicle
from autocrm.customers.quality_refresh import REFERRAL_CONTACT_TYPES, id_region_province
from autocrm.quality.address import Address
from autocrm.quality.scoring import CustomerFacts, QualityResult, VehicleFacts, score_customer

SCORE_FIELDS = (
    "accuracy_score", "completeness_score", "accuracy_level", "completeness_level",
    "quality_issues",
)  # fmt: skip


def set_scores(customer: Customer, result: QualityResult) -> None:
    customer.accuracy_score = result.accuracy_score
    customer.completeness_score = result.completeness_score
    customer.accuracy_level = result.accuracy_level
    customer.completeness_level = result.completeness_level
    customer.quality_issues = [issue.as_dict() for issue in result.issues]


def new_customer_facts(
    customer: Customer,
    *,
    dealer_province: str,
    vehicles: Sequence[VehicleFacts],
    parsed_address: Address | None = None,
) -> CustomerFacts:
    """Facts of a customer about to be created by an import (no interactions, contacts …)."""
    return CustomerFacts(
        kind=customer.kind,
        name=customer.name,
        mobile=customer.mobile,
        mobile_flagged_wrong=False,
        address=customer.address,
        province=customer.province,
        dealer_province=dealer_province,
        id_region_province=id_region_province(customer.id_number),
        is_prospect=False,
        vehicles=tuple(vehicles),
        hobby_count=0,
        activity_level=customer.activity_level,
        has_follow_up_result=False,
        has_event_participation=False,
        has_referral=False,
        last_verified_at=None,
        updated_at=customer.updated_at,
        parsed_address=parsed_address,
    )


def score(facts: CustomerFacts, now: datetime) -> QualityResult:
    return score_customer(facts, config=settings.QUALITY, now=now)


def refresh_scores(customer_ids: Iterable[int], *, now: datetime) -> int:
    """Recompute and store the scores of existing customers (same rules as
    `customer_quality_refresh`), in seven queries per call whatever the number of records."""
    ids = list(customer_ids)
    if not ids:
        return 0
    customers = list(
        Customer.objects.filter(id__in=ids).select_related("dealer", "trade_relationship")
    )
    vehicles: dict[int, list[VehicleFacts]] = defaultdict(list)
    for cid, vin, purchase_date, bought_here in Vehicle.objects.filter(
        customer_id__in=ids
    ).values_list("customer_id", "vin", "purchase_date", "bought_here"):
        vehicles[cid].append(VehicleFacts(vin, purchase_date, bought_here))
    kinds: dict[int, set[str]] = defaultdict(set)
    for cid, kind in (
        Interaction.objects.filter(customer_id__in=ids)
        .exclude(outcome="", kind=InteractionKind.FOLLOW_UP)
        .values_list("customer_id", "kind")
        .distinct()
    ):
        kinds[cid].add(kind)
    referral_contacts = set(
        Contact.objects.filter(
            customer_id__in=ids, contact_type__in=REFERRAL_CONTACT_TYPES
        ).values_list("customer_id", flat=True)
    )
    referrers = set(
        Customer.objects.filter(referred_by_id__in=ids).values_list("referred_by_id", flat=True)
    )
    hobbies = dict(
        Customer.hobbies.through.objects.filter(customer_id__in=ids)
        .values("customer_id")
        .annotate(n=Count("id"))
        .values_list("customer_id", "n")
    )
    for customer in customers:
        trade = customer.trade_relationship
        facts = CustomerFacts(
            kind=customer.kind,
            name=customer.name,
            mobile=customer.mobile,
            mobile_flagged_wrong=customer.mobile_flagged_wrong,
            address=customer.address,
            province=customer.province,
            dealer_province=customer.dealer.province,
            id_region_province=id_region_province(customer.id_number),
            is_prospect=trade is not None and trade.standard_code == "potential",
            vehicles=tuple(vehicles[customer.pk]),
            hobby_count=hobbies.get(customer.pk, 0),
            activity_level=customer.activity_level,
            has_follow_up_result=InteractionKind.FOLLOW_UP in kinds[customer.pk],
            has_event_participation=InteractionKind.EVENT in kinds[customer.pk],
            has_referral=(
                customer.referred_by_id is not None
                or customer.pk in referral_contacts
                or InteractionKind.REFERRAL in kinds[customer.pk]
                or customer.pk in referrers
            ),
            last_verified_at=customer.last_verified_at,
            updated_at=customer.updated_at,
        )
        set_scores(customer, score(facts, now))
    Customer.objects.bulk_update(customers, SCORE_FIELDS, batch_size=1000)
    return len(customers)
