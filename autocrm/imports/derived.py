"""What an import derives for a customer it creates, before inserting it: the name's search
fields and the quality scores (by the rules of `autocrm.rules.scoring`, in the validation
workers for a customer made of one row)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from django.conf import settings

from autocrm.customers.choices import CustomerKind
from autocrm.rules.address import Address
from autocrm.rules.names import name_search_values
from autocrm.rules.regions import id_region_province
from autocrm.rules.scoring import CustomerFacts, VehicleFacts, score_customer, score_values

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
        rejected_fields=tuple(v["field"] for v in values.get("rejected_values") or ()),
    )
    return {
        **name_search_values(name, values.get("kind", CustomerKind.PERSON)),
        **score_values(score_customer(facts, config=settings.QUALITY, now=now)),
    }
