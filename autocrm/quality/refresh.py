"""The quality refresh: recompute and store the scores of a set of customer records.

One set-based refresh for every writer: customers' write functions publish
`customers_changed` and this module, subscribed in `QualityConfig.ready()`, re-scores those
records in six reads whatever their number (and one write per thousand), in the writer's
transaction. A future repair order's spending re-scores its customer the same way, without
`customers` importing `service`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db.models import Count
from django.utils import timezone

from autocrm.customers.choices import ContactType, InteractionKind
from autocrm.customers.models import Contact, Customer, Interaction, Vehicle
from autocrm.customers.writes import customer_scores_store
from autocrm.rules.regions import id_region_province
from autocrm.rules.scoring import (
    SCORE_FIELDS,
    CustomerFacts,
    VehicleFacts,
    score_customer,
    score_values,
)

REFERRAL_CONTACT_TYPES = (ContactType.REFERRER, ContactType.POTENTIAL_REFERRER)


def facts_from_related(
    customer: Customer,
    *,
    vehicles: tuple[VehicleFacts, ...],
    interaction_kinds: set[str],
    hobby_count: int,
    has_referral_contact: bool,
    is_referrer: bool,
) -> CustomerFacts:
    """The facts of one stored record from what was gathered about its related rows."""
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
        rejected_fields=rejected_fields(customer.rejected_values),
    )


def rejected_fields(rejected_values: Any) -> tuple[str, ...]:
    """The fields of a record's values an import could not accept."""
    return tuple(str(v.get("field", "")) for v in rejected_values or () if isinstance(v, dict))


def _related_facts(ids: list[int]) -> dict[str, Any]:
    """What the rules need of the records' related rows, in five queries."""
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
    return {
        "vehicles": vehicles,
        "kinds": kinds,
        "referral_contacts": set(
            Contact.objects.filter(
                customer_id__in=ids, contact_type__in=REFERRAL_CONTACT_TYPES
            ).values_list("customer_id", flat=True)
        ),
        "referrers": set(
            Customer.objects.filter(referred_by_id__in=ids).values_list("referred_by_id", flat=True)
        ),
        "hobbies": dict(
            Customer.hobbies.through.objects.filter(customer_id__in=ids)
            .values("customer_id")
            .annotate(n=Count("id"))  # type: ignore[misc]  # django-stubs misses the annotation
            .values_list("customer_id", "n")
        ),
    }


def quality_refresh(
    *,
    customer_ids: Iterable[int],
    instances: Sequence[Customer] = (),
    now: datetime | None = None,
) -> int:
    """Score the records and store their scores, levels and issue lists (no history row: the
    scores are derived, not a change by anyone). `instances` in memory get the new values
    too. Returns the number of records scored."""
    ids = sorted(set(customer_ids))
    if not ids:
        return 0
    now = now or timezone.now()
    customers = list(
        Customer.objects.filter(id__in=ids).select_related("dealer", "trade_relationship")
    )
    related = _related_facts(ids)
    scored: dict[int, dict[str, Any]] = {}
    for customer in customers:
        facts = facts_from_related(
            customer,
            vehicles=tuple(related["vehicles"][customer.pk]),
            interaction_kinds=related["kinds"][customer.pk],
            hobby_count=related["hobbies"].get(customer.pk, 0),
            has_referral_contact=customer.pk in related["referral_contacts"],
            is_referrer=customer.pk in related["referrers"],
        )
        values = score_values(score_customer(facts, config=settings.QUALITY, now=now))
        for name, value in values.items():
            setattr(customer, name, value)
        scored[customer.pk] = values
    customer_scores_store(customers, SCORE_FIELDS)
    for instance in instances:
        for name, value in scored.get(instance.pk, {}).items():
            setattr(instance, name, value)
    return len(customers)
