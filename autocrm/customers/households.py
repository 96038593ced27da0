"""Households and shared contact points: the writes (domain.md §2, issue #12 part 2).

A household groups people who share a contact point: a family (the seed's "family members
(name, relation)", seed 003), or an organization and the people who drive its cars. A member
is a customer of the dealer or a name only. A number shared in a household is recorded as a
contact point of every linked customer, so a search by that number finds them all.

Each action checks the customer policy, writes history with the acting staff member, and
records one activity on the timeline of each customer concerned, in its transaction.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from autocrm.core.activity import activity_record
from autocrm.customers.choices import (
    CustomerKind,
    HouseholdKind,
    HouseholdRelation,
    PhoneKind,
    PhoneSource,
)
from autocrm.customers.models import ContactPoint, Customer, Household, HouseholdMember
from autocrm.customers.policies import can_edit_customer
from autocrm.rules.phones import normalize_landline, normalize_mobile
from autocrm.rules.text import clean_name
from autocrm.tenancy.models import Staff

#: The activity kinds of this module (registered in customers.registry).
MEMBER_ADDED = "household_member_added"
MEMBER_REMOVED = "household_member_removed"


def _ensure_can_edit(actor: Staff, customer: Customer) -> None:
    if not can_edit_customer(actor, responsible_staff_id=customer.responsible_staff_id):
        raise PermissionDenied(_("Your role may not change this customer."))


def normalize_number(raw: str) -> tuple[str, str]:
    """A typed number as (kind, normalized number): a mobile in E.164, else a landline with its
    area code. Raises a ValidationError keyed `shared_number` when it is neither."""
    try:
        return PhoneKind.MOBILE, normalize_mobile(raw)
    except ValidationError:
        pass
    try:
        return PhoneKind.LANDLINE, normalize_landline(raw)
    except ValidationError:
        raise ValidationError(
            {"shared_number": [_("Enter a valid mobile or a landline with its area code.")]}
        ) from None


def contact_point_record(
    *, customer: Customer, number: str, kind: str, source: str, raw: str = ""
) -> ContactPoint | None:
    """Keep `number` as one of the customer's numbers (None when it is already the customer's
    mobile or landline). A number seen again only moves its `last_seen`; none is dropped."""
    if number in (customer.mobile, customer.landline):
        return None
    now = timezone.now()
    point, created = ContactPoint.objects.get_or_create(
        customer=customer,
        number=number,
        defaults={
            "dealer_id": customer.dealer_id,
            "kind": kind,
            "raw": raw[:40],
            "source": source,
            "first_seen": now,
            "last_seen": now,
        },
    )
    if not created:
        point.last_seen = now
        point.save(update_fields=["last_seen"])
    return point


def _own_relation(customer: Customer) -> str:
    if customer.kind == CustomerKind.ORGANIZATION:
        return HouseholdRelation.ORGANIZATION
    return HouseholdRelation.HEAD


def _membership(customer: Customer) -> HouseholdMember | None:
    return (
        HouseholdMember.objects.filter(customer=customer)
        .select_related("household")
        .order_by("id")
        .first()
    )


def _household_for(actor: Staff | None, customer: Customer) -> tuple[Household, HouseholdMember]:
    """The customer's household and own membership in it; a new household when none."""
    own = _membership(customer)
    if own is not None:
        return own.household, own
    household = Household(
        dealer_id=customer.dealer_id,
        kind=HouseholdKind.ORGANIZATION
        if customer.kind == CustomerKind.ORGANIZATION
        else HouseholdKind.FAMILY,
    )
    household._history_user = actor  # type: ignore[attr-defined]
    household.save()
    return household, _member_save(actor, household, customer, _own_relation(customer))


def _member_save(
    actor: Staff | None, household: Household, customer: Customer, relation: str
) -> HouseholdMember:
    row = HouseholdMember(
        dealer_id=customer.dealer_id, household=household, customer=customer, relation=relation
    )
    row._history_user = actor  # type: ignore[attr-defined]
    row.save()
    return row


def _check_member(customer: Customer, member: Customer | None) -> None:
    if member is None:
        return
    if member.pk == customer.pk:
        raise ValidationError({"member": [_("A customer cannot be their own family member.")]})
    if member.dealer_id != customer.dealer_id or member.merged_into_id is not None:
        raise ValidationError({"member": [_("Choose a customer of this dealer.")]})


@transaction.atomic
def household_member_add(
    *,
    actor: Staff,
    customer: Customer,
    relation: str,
    name: str = "",
    member: Customer | None = None,
    shared_number: str = "",
) -> HouseholdMember:
    """Add a family member (or a driver of an organization) to the customer's household: an
    existing customer (`member`, whose profile is then linked) or a name only. A shared number
    is kept on both customers; a member who has the customer's mobile shares it by itself."""
    _ensure_can_edit(actor, customer)
    if member is not None:
        _check_member(customer, member)
        _ensure_can_edit(actor, member)
    errors: dict[str, list[ValidationError]] = {}
    name = clean_name(name) if name else ""
    if member is None and not name:
        errors["name"] = [ValidationError(_("Enter the family member's name."))]
    if relation not in HouseholdRelation.values:
        errors["relation"] = [ValidationError(_("Choose how they are related."))]
    kind, number = "", ""
    if shared_number.strip():
        try:
            kind, number = normalize_number(shared_number)
        except ValidationError as exc:
            errors.update(exc.error_dict)
    if errors:
        raise ValidationError(errors)
    return household_link(
        actor=actor,
        customer=customer,
        member=member,
        relation=relation,
        name=name,
        number=number,
        kind=kind,
        raw=shared_number,
    )


def household_link(
    *,
    actor: Staff | None,
    customer: Customer,
    member: Customer | None,
    relation: str,
    name: str = "",
    number: str = "",
    kind: str = "",
    raw: str = "",
) -> HouseholdMember:
    """Link a member to the customer's household (validated values; the caller checked the
    policy: household_member_add for staff, the split of a wrong merge for its steward)."""
    if member is not None and not number and member.mobile and member.mobile == customer.mobile:
        kind, number = PhoneKind.MOBILE, customer.mobile
    own = _membership(customer)
    theirs = _membership(member) if member is not None else None
    if theirs is not None and own is not None:
        message = (
            _("This customer is already in the household.")
            if theirs.household_id == own.household_id
            else _("This customer already belongs to another household.")
        )
        raise ValidationError({"member": [message]})
    if theirs is not None:
        # the member's household exists: the customer joins it (as a relative: how the
        # customer stands to its other members is not known), the member's row stays
        household = theirs.household
        own = _member_save(actor, household, customer, HouseholdRelation.RELATIVE)
        row = theirs
        if number and not row.shared_number:
            row.shared_number = number
            row._history_user = actor  # type: ignore[attr-defined]
            row.save(update_fields=["shared_number"])
    else:
        household, own = _household_for(actor, customer)
        row = HouseholdMember(
            dealer_id=customer.dealer_id,
            household=household,
            customer=member,
            name="" if member is not None else name,
            relation=relation,
            shared_number=number,
        )
        row._history_user = actor  # type: ignore[attr-defined]
        row.save()
    if number:
        if not own.shared_number:
            own.shared_number = number
            own._history_user = actor  # type: ignore[attr-defined]
            own.save(update_fields=["shared_number"])
        for person in (customer, member):
            if person is not None:
                contact_point_record(
                    customer=person,
                    number=number,
                    kind=kind,
                    source=PhoneSource.HOUSEHOLD,
                    raw=raw,
                )
    _record(
        actor, MEMBER_ADDED, customer, row, other=member, other_name=row.name, relation=relation
    )
    if member is not None:
        _record(actor, MEMBER_ADDED, member, row, other=customer, relation=own.relation)
    return row


@transaction.atomic
def household_member_remove(*, actor: Staff, customer: Customer, member: HouseholdMember) -> None:
    """Take a member out of the customer's household (the numbers they shared stay on each
    profile: a number ever seen is never dropped). A household left with one person goes."""
    _ensure_can_edit(actor, customer)
    household = member.household
    if not household.members.filter(customer=customer).exists():
        raise PermissionDenied(_("This member is not in the customer's household."))
    if member.customer_id == customer.pk:
        raise ValidationError(_("Remove the other members instead."))
    linked = member.customer
    if linked is not None:
        _ensure_can_edit(actor, linked)
    _record(actor, MEMBER_REMOVED, customer, None, other=linked, other_name=member.name,
            relation=member.relation)  # fmt: skip
    if linked is not None:
        _record(actor, MEMBER_REMOVED, linked, None, other=customer, relation="")
    member._history_user = actor  # type: ignore[attr-defined]
    member.delete()
    if household.members.count() <= 1:
        for rest in household.members.all():
            rest._history_user = actor  # type: ignore[attr-defined]
            rest.delete()
        household._history_user = actor  # type: ignore[attr-defined]
        household.delete()


def _record(
    actor: Staff | None,
    kind: str,
    customer: Customer,
    target: HouseholdMember | None,
    *,
    other: Customer | None,
    relation: str,
    other_name: str = "",
) -> None:
    activity_record(
        dealer_id=customer.dealer_id,
        customer_id=customer.pk,
        kind=kind,
        actor=actor,
        target=target,
        data={
            "name": other.name if other is not None else other_name,
            "customer_id": other.pk if other is not None else None,
            "relation": relation,
            "shared_number": target.shared_number if target is not None else "",
        },
    )
