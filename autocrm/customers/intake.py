"""A person who reaches the dealer by a name and a number (a lead, a walk-in who registers):
which profile they are, by the identity rules (ADR 0009), never by the number alone.

- Someone the rules call the same person as a holder of the number (same mobile and a
  compatible name: 王先生 and 王建国, 張偉 and 张伟) is that profile (shown as "已有档案").
- Someone clearly different from the holders (another name) is a new person in the same
  household, linked to them by the shared number: a family, a fleet, a company.
- A name that says nothing (missing) against holders of the number: a new profile, left to
  duplicate detection's review.
- A number no one holds: a new profile.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Q

from autocrm.customers.choices import HouseholdRelation, PhoneKind
from autocrm.customers.households import household_link
from autocrm.customers.models import ContactPoint, Customer, Vehicle
from autocrm.customers.policies import can_edit_customer
from autocrm.customers.services import customer_create
from autocrm.rules.identity import PersonFacts, Verdict, same_person
from autocrm.rules.survivorship import is_valid_id_number
from autocrm.tenancy.models import Staff


class PersonMatch(enum.StrEnum):
    KNOWN = "known"
    HOUSEHOLD = "household"
    NEW = "new"
    REVIEW = "review"


@dataclass(frozen=True)
class PersonFound:
    match: PersonMatch
    customer: Customer | None  # the known profile
    anchor: Customer | None  # the household member who holds the number


def person_facts(customer: Customer, vins: frozenset[str] = frozenset()) -> PersonFacts:
    """What identity compares of a stored customer (with the VINs of their vehicles)."""
    return PersonFacts(
        name=customer.name,
        kind=customer.kind,
        id_number=customer.id_number if is_valid_id_number(customer.id_number) else "",
        uscc=customer.uscc,
        gender=customer.gender,
        birth_date=customer.birth_date,
        mobiles=frozenset([customer.mobile]) - {""},
        landlines=frozenset([customer.landline]) - {""},
        vins=vins,
    )


def number_holders(dealer_id: int, number: str) -> list[Customer]:
    """The dealer's customers who hold `number`, as their mobile or as any number ever seen
    for them, oldest first."""
    held = ContactPoint.objects.filter(dealer_id=dealer_id, number=number).values("customer_id")
    return list(
        Customer.objects.filter(
            Q(mobile=number) | Q(id__in=held), dealer_id=dealer_id, merged_into__isnull=True
        ).order_by("created_at", "id")
    )


def person_lookup(*, dealer_id: int, name: str, mobile: str, id_number: str = "") -> PersonFound:
    """Which of the dealer's profiles a person with this name and mobile (E.164) is."""
    holders = number_holders(dealer_id, mobile)
    if id_number:
        holders += list(
            Customer.objects.filter(
                dealer_id=dealer_id, id_number=id_number, merged_into__isnull=True
            ).exclude(pk__in=[c.pk for c in holders])
        )
    if not holders:
        return PersonFound(PersonMatch.NEW, None, None)
    vins: dict[int, set[str]] = {}
    for customer_id, vin in Vehicle.objects.filter(
        dealer_id=dealer_id, customer_id__in=[c.pk for c in holders]
    ).values_list("customer_id", "vin"):
        vins.setdefault(customer_id, set()).add(vin)
    incoming = PersonFacts(
        name=name,
        id_number=id_number if is_valid_id_number(id_number) else "",
        mobiles=frozenset([mobile]),
    )
    different: Customer | None = None
    best: tuple[int, Customer] | None = None
    for holder in holders:
        decision = same_person(person_facts(holder, frozenset(vins.get(holder.pk, ()))), incoming)
        if decision.verdict is Verdict.SAME:
            # the strongest name agreement wins; the contact mobile before an older number
            rank = int(decision.names) * 2 + (holder.mobile == mobile)
            if best is None or rank > best[0]:
                best = (rank, holder)
        elif decision.verdict is Verdict.DIFFERENT and different is None:
            different = holder
    if best is not None:
        return PersonFound(PersonMatch.KNOWN, best[1], None)
    if different is not None:
        return PersonFound(PersonMatch.HOUSEHOLD, None, different)
    return PersonFound(PersonMatch.REVIEW, None, holders[0])


@transaction.atomic
def person_for_contact(
    *,
    actor: Staff,
    name: str,
    mobile: str,
    responsible: Staff | None,
    data: Mapping[str, Any] | None = None,
    found: PersonFound | None = None,
) -> tuple[Customer, PersonMatch]:
    """The profile of a person who reached the dealer, created when there is none (through
    `customer_create`, so the entry rules hold: a bad mobile is refused at its field). A new
    person who shares a holder's number joins the holder's household. `data` holds further
    fields of a new profile (they never overwrite a known one's). `found` is the caller's
    `person_lookup` of the same person, when it already made one."""
    if found is None:
        found = person_lookup(dealer_id=actor.own_dealer_id, name=name, mobile=mobile)
    if found.match is PersonMatch.KNOWN:
        assert found.customer is not None
        return found.customer, found.match
    values: dict[str, Any] = {"name": name, "mobile": mobile, **(data or {})}
    if responsible is not None:
        values["responsible_staff"] = responsible
    customer = customer_create(actor=actor, data=values)
    anchor = found.anchor
    if found.match is PersonMatch.HOUSEHOLD and anchor is not None:
        # the actor may not edit the holder's profile (another consultant's customer): the
        # household link is the identity rule's consequence, not an edit of that profile
        household_link(
            actor=actor,
            customer=anchor,
            member=customer,
            relation=HouseholdRelation.UNKNOWN,
            number=mobile,
            kind=PhoneKind.MOBILE,
            raw=mobile,
        )
    return customer, found.match


def can_attach_to(actor: Staff, customer: Customer) -> bool:
    """Whether the actor may change the profile a lead found (to fill its empty fields)."""
    return can_edit_customer(actor, responsible_staff_id=customer.responsible_staff_id)
