"""Quality scores for many customers at once: the facts `customer_facts` collects for one
record, gathered for a set of records in a fixed number of queries."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db.models import Count

from autocrm.customers.choices import CustomerKind, InteractionKind
from autocrm.customers.models import Contact, Customer, Interaction, Vehicle
from autocrm.customers.quality_refresh import (
    REFERRAL_CONTACT_TYPES,
    SCORE_FIELDS,
    apply_scores,
    facts_from_related,
    score_values,
)
from autocrm.rules.address import Address
from autocrm.rules.names import name_search_values
from autocrm.rules.regions import id_region_province
from autocrm.rules.scoring import CustomerFacts, QualityResult, VehicleFacts, score_customer

ADDRESS_PARTS = ("province", "city", "district", "street", "house_number")


def new_customer_derived(
    values: Mapping[str, Any],
    *,
    dealer_province: str,
    vehicles: Sequence[VehicleFacts],
    now: datetime,
) -> dict[str, Any]:
    """What is stored besides the file's values for a customer an import creates: the name's
    pinyin, initials and given name, and the quality scores, levels and issues.

    `values` are the new record's field values by attname (as validation returns them; a
    parsed address comes with its parts). A customer made of one file row gets this from the
    validation workers; one made of several rows is derived again from the merged values.
    """
    name = values.get("name", "")
    address = values.get("address", "")
    facts = CustomerFacts(
        kind=values.get("kind", CustomerKind.PERSON),
        name=name,
        mobile=values.get("mobile", ""),
        mobile_flagged_wrong=False,
        address=address,
        province=values.get("province", ""),
        dealer_province=dealer_province,
        id_region_province=id_region_province(values.get("id_number", "")),
        is_prospect=False,
        vehicles=tuple(vehicles),
        hobby_count=0,
        activity_level=values.get("activity_level", ""),
        has_follow_up_result=False,
        has_event_participation=False,
        has_referral=False,
        last_verified_at=None,
        updated_at=now,
        # validation parsed the address into these parts (they are set together)
        parsed_address=Address(**{p: values.get(p, "") for p in ADDRESS_PARTS})
        if address and "province" in values
        else None,
    )
    return {
        **name_search_values(name, values.get("kind", CustomerKind.PERSON)),
        **score_values(score(facts, now)),
    }


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
        facts = facts_from_related(
            customer,
            vehicles=tuple(vehicles[customer.pk]),
            interaction_kinds=kinds[customer.pk],
            hobby_count=hobbies.get(customer.pk, 0),
            has_referral_contact=customer.pk in referral_contacts,
            is_referrer=customer.pk in referrers,
        )
        apply_scores(customer, score(facts, now))
    Customer.objects.bulk_update(customers, SCORE_FIELDS, batch_size=1000)
    return len(customers)
