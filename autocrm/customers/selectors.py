"""Reads of customer profiles: the searchable list and the profile's timeline."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import F, Q, QuerySet
from django.db.models.functions import Reverse
from django.utils import timezone

from autocrm.core.models import Activity
from autocrm.core.registry import Change, TimelineEntry, timeline_kind, timeline_sources
from autocrm.customers.activity import MILEAGE, mileage_data, reading_time
from autocrm.customers.choices import MileageSource, PhoneKind
from autocrm.customers.models import Contact, ContactPoint, Customer, MileageReading, Vehicle
from autocrm.rules.search_terms import SearchTerm, classify_search
from autocrm.tenancy.policies import Visibility, visibility

PAGE_SIZE = 25
COUNT_CAP = 1000  # never count broad searches exactly (architecture.md)
#: A VIN tail typed with digits only matches the owners of at most this many vehicles.
MAX_VIN_OWNERS = 500
#: A number's tail matches the holders of at most this many other numbers (ContactPoint).
MAX_NUMBER_HOLDERS = 500


@dataclass
class CustomerPage:
    rows: list[Customer]
    next_cursor: int | None
    prev_cursor: int | None
    count: int
    count_capped: bool
    term: SearchTerm | None


def _vehicles_with_reversed_vin() -> QuerySet[Vehicle]:
    return Vehicle.objects.annotate(vin_reversed=Reverse("vin"))


def _vin_ends_with(tail: str) -> Q:
    """VIN ends with `tail`, as `reverse(vin) LIKE 'liat%'` (on `_vehicles_with_reversed_vin`):
    a prefix search on the reversed VIN, which PostgreSQL answers from the
    `vehicle_vin_reversed` b-tree."""
    return Q(vin_reversed__startswith=tail[::-1])


def _vins_ending(tail: str) -> QuerySet[Vehicle]:
    return _vehicles_with_reversed_vin().filter(_vin_ends_with(tail))


def _holders_of_number_ending(tail: str, kinds: tuple[str, ...]) -> list[int]:
    """The customers holding another number (ContactPoint) of these kinds that ends with
    `tail`: a prefix search on the reversed number (the `contact_point_reversed` b-tree)."""
    points = ContactPoint.objects.annotate(number_reversed=Reverse("number")).filter(
        number_reversed__startswith=tail[::-1], kind__in=kinds
    )
    return list(points.values_list("customer_id", flat=True)[:MAX_NUMBER_HOLDERS])


def _holders_of_number(number: str, kinds: tuple[str, ...]) -> list[int]:
    """The customers holding `number` as another number (the `contact_point_number` b-tree)."""
    points = ContactPoint.objects.filter(number=number, kind__in=kinds)
    return list(points.values_list("customer_id", flat=True)[:MAX_NUMBER_HOLDERS])


def _seen_by(viewer: Any, rule: Visibility) -> Q | None:
    """The customers whose value under `rule` the viewer sees in clear (None: none)."""
    if rule is Visibility.ALL:
        return Q()
    if rule is Visibility.OWN:
        return Q(responsible_staff_id=viewer.pk)
    return None


_NOTHING = Q(pk__in=[])
#: The personal field whose masking rule a contact point of each kind follows
_NUMBER_FIELDS = {PhoneKind.MOBILE: "mobile", PhoneKind.LANDLINE: "landline"}


def _number_match(viewer: Any, mobile: Q, holders: Callable[[tuple[str, ...]], list[int]]) -> Q:
    """Customers matched by a number: on their mobile (`mobile`, a filter on it) or on another
    number they hold (`holders`: the ids of the holders of numbers of the given kinds).

    Each only where the viewer sees that number in clear: a search never matches a record on
    a value the viewer sees masked (issue #13), or a guess could be tested digit by digit
    against the list (138****5678: is it 1381…5678? 1382…5678?)."""
    found = _NOTHING
    seen = _seen_by(viewer, visibility(viewer, "mobile"))
    if seen is not None:
        found |= mobile & seen
    kinds_by_rule: dict[Visibility, list[str]] = {}
    for kind, field in _NUMBER_FIELDS.items():
        kinds_by_rule.setdefault(visibility(viewer, field), []).append(kind)
    for rule, kinds in kinds_by_rule.items():
        seen = _seen_by(viewer, rule)
        if seen is not None and (ids := holders(tuple(kinds))):
            found |= Q(id__in=ids) & seen
    return found


def _apply_term(qs: QuerySet[Customer], term: SearchTerm, viewer: Any) -> QuerySet[Customer]:
    # A number is a contact point several people may share (domain.md §2): a mobile search
    # finds the customers whose other numbers match too. Those are read first, as a list of
    # ids ORed with the mobile's own index (ORed with a subquery, every customer is read).
    if term.kind == "mobile_last4":
        # Every mask shows the last four digits (138****5678, 020****5678): matching on them
        # reveals nothing the list does not show.
        return qs.filter(
            Q(mobile_last4=term.value)
            | Q(id__in=_holders_of_number_ending(term.value, tuple(PhoneKind.values)))
        )
    if term.kind == "mobile":
        return qs.filter(
            _number_match(
                viewer, Q(mobile=term.value), lambda kinds: _holders_of_number(term.value, kinds)
            )
        )
    if term.kind == "mobile_fragment":
        return qs.filter(
            _number_match(
                viewer,
                Q(mobile__contains=term.value),
                lambda kinds: _holders_of_number_ending(term.value, kinds),
            )
        )
    if term.kind == "vin":
        return qs.filter(id__in=Vehicle.objects.filter(vin=term.value).values("customer_id"))
    if term.kind == "vin_fragment":
        return qs.filter(id__in=_vins_ending(term.value).values("customer_id"))
    if term.kind == "digits":
        # The few owners of a matching VIN first: ORed with the mobile search as a list of
        # ids, both sides use an index (ORed with a subquery, every customer would be read).
        owners = list(
            _vins_ending(term.value).values_list("customer_id", flat=True)[:MAX_VIN_OWNERS]
        )
        numbers = _number_match(
            viewer,
            Q(mobile__contains=term.value),
            lambda kinds: _holders_of_number_ending(term.value, kinds),
        )
        return qs.filter(numbers | Q(id__in=owners) if owners else numbers)
    if term.kind == "plate_or_vin":
        vehicles = _vehicles_with_reversed_vin().filter(
            Q(plate_number__contains=term.value) | _vin_ends_with(term.value)
        )
        return qs.filter(id__in=vehicles.values("customer_id"))
    if term.kind == "plate":
        vehicles = Vehicle.objects.filter(plate_number__contains=term.value)
        return qs.filter(id__in=vehicles.values("customer_id"))
    if term.kind == "pinyin":
        return qs.filter(
            Q(name_initials__startswith=term.value) | Q(name_pinyin__startswith=term.value)
        )
    if len(term.value) < 3:
        # One or two characters are the start of a name or of a given name (王, 王伟, 小明):
        # prefix searches on b-trees; a substring that short cannot use the trigram index.
        return qs.filter(Q(name__startswith=term.value) | Q(given_name__startswith=term.value))
    return qs.filter(name__contains=term.value)


def customer_queryset(
    *,
    viewer: Any,
    q: str = "",
    trade_relationship: int | None = None,
    nature: int | None = None,
    product_line: int | None = None,
    responsible_staff: int | None = None,
    accuracy_level: str = "",
    completeness_level: str = "",
    accuracy_status: str = "",
    include_inactive: bool = False,
    unassigned: bool = False,
    customer_ids: Any = None,
    dealer: int | None = None,
) -> tuple[QuerySet[Customer], SearchTerm | None]:
    """The dealer's customers matching a search string and filters (scope applies), as
    `viewer` may search them: never on a number it sees masked.

    `unassigned` keeps those no staff member is responsible for; `customer_ids` (ids, or a
    queryset of ids read as a subquery, e.g. another app's list filter) keeps those."""
    qs: QuerySet[Customer] = Customer.objects.filter(merged_into__isnull=True)  # not merged
    if not include_inactive:
        qs = qs.filter(is_active=True)
    if unassigned:
        qs = qs.filter(responsible_staff__isnull=True)
    if customer_ids is not None:
        qs = qs.filter(pk__in=customer_ids)
    if dealer is not None:  # HQ's filter (a dealership user's scope is its dealer already)
        qs = qs.filter(dealer_id=dealer)
    term = classify_search(q)
    if term is not None and getattr(viewer, "is_hq", False):
        # HQ sees names, numbers, plates and VINs masked: a search on any of them would test
        # a guess against the hidden value (issue #13). It filters instead.
        return qs.none(), term
    if term is not None:
        qs = _apply_term(qs, term, viewer)
    filters: dict[str, Any] = {
        "trade_relationship_id": trade_relationship,
        "nature_id": nature,
        "product_line_id": product_line,
        "responsible_staff_id": responsible_staff,
        "accuracy_level": accuracy_level,
        "completeness_level": completeness_level,
        "accuracy_status": accuracy_status,
    }
    qs = qs.filter(**{k: v for k, v in filters.items() if v not in (None, "")})
    return qs, term


def customer_page(
    qs: QuerySet[Customer],
    *,
    term: SearchTerm | None = None,
    after: int | None = None,
    before: int | None = None,
    page_size: int = PAGE_SIZE,
) -> CustomerPage:
    """Keyset pagination on id (newest first): fast on the millionth row as on the first."""
    base = qs
    newest: Any = "-id"
    oldest: Any = "id"
    count = base.values("id")[: COUNT_CAP + 1].count()
    if term is not None and term.kind == "name" and count <= COUNT_CAP:
        # A name that matches few rows: read them through the name indexes and sort, instead
        # of letting the planner walk the primary key backwards past hundreds of thousands of
        # rows looking for them (`id + 0` hides the key order from it). A common name (more
        # than COUNT_CAP rows) is found quickly by that walk, so it keeps the key order.
        newest = (F("id") + 0).desc()
        oldest = (F("id") + 0).asc()
    if after is not None:
        rows = list(base.filter(id__lt=after).order_by(newest)[: page_size + 1])
        has_more, rows = len(rows) > page_size, rows[:page_size]
        has_prev = True
    elif before is not None:
        rows = list(base.filter(id__gt=before).order_by(oldest)[: page_size + 1])
        has_prev, rows = len(rows) > page_size, rows[:page_size]
        rows.reverse()
        has_more = True
    else:
        rows = list(base.order_by(newest)[: page_size + 1])
        has_more, rows = len(rows) > page_size, rows[:page_size]
        has_prev = False
    ids = [r.pk for r in rows]
    if ids:
        by_id = {
            c.pk: c
            for c in Customer.objects.filter(pk__in=ids).select_related(
                "responsible_staff", "trade_relationship"
            )
        }
        rows = [by_id[i] for i in ids if i in by_id]
        plates: dict[int, list[str]] = {}
        for customer_id, plate in Vehicle.objects.filter(customer_id__in=ids).values_list(
            "customer_id", "plate_number"
        ):
            if plate:
                plates.setdefault(customer_id, []).append(plate)
        for row in rows:
            row.plates = plates.get(row.pk, [])  # type: ignore[attr-defined]
    return CustomerPage(
        rows=rows,
        next_cursor=rows[-1].pk if rows and has_more else None,
        prev_cursor=rows[0].pk if rows and has_prev else None,
        count=min(count, COUNT_CAP),
        count_capped=count > COUNT_CAP,
        term=term,
    )


# --- timeline ------------------------------------------------------------------------------
# A customer's timeline is the entries of every registered source (core.registry), merged:
# the field changes of the customer, its contacts and vehicles come from their history tables,
# an import's readings from their table (both registered by customers.registry), everything
# else from the activity record (core).


def _history_entries(records: list[Any], *, kind: str, subject: str) -> list[TimelineEntry]:
    """Turn simple-history records (oldest first) into created / changed entries."""
    entries: list[TimelineEntry] = []
    previous = None
    for record in records:
        if previous is None or record.history_type == "+":
            entries.append(
                TimelineEntry(
                    at=record.history_date,
                    actor=record.history_user,
                    kind=f"{kind}_created",
                    subject=subject or str(record),
                    obj=record,
                )
            )
        else:
            delta = record.diff_against(previous)
            changes = [Change(c.field, c.old, c.new) for c in delta.changes]
            if changes:
                entries.append(
                    TimelineEntry(
                        at=record.history_date,
                        actor=record.history_user,
                        kind=f"{kind}_changed",
                        subject=subject or str(record),
                        changes=changes,
                        obj=record,
                    )
                )
        previous = record
    return entries


def _history_by_object(model: Any, customer_id: int) -> list[list[Any]]:
    """The history rows of a customer's contacts or vehicles, grouped per object, oldest first."""
    grouped: dict[int, list[Any]] = {}
    for record in (
        model.history.filter(customer_id=customer_id)
        .select_related("history_user")
        .order_by("id", "history_date", "history_id")
    ):
        grouped.setdefault(record.id, []).append(record)
    return list(grouped.values())


def history_entries(customer: Customer, *, limit: int = 200) -> list[TimelineEntry]:
    """Every change to the profile, its contacts and its vehicles (who, when, old → new): the
    timeline source of customers. All of them (consecutive rows are diffed), whatever `limit`:
    customer_timeline keeps the newest."""
    entries: list[TimelineEntry] = []
    records = list(
        customer.history.select_related("history_user").order_by("history_date", "history_id")  # type: ignore[attr-defined]  # simple-history
    )
    entries += _history_entries(records, kind="customer", subject=customer.name)
    for recs in _history_by_object(Contact, customer.pk):
        entries += _history_entries(recs, kind="contact", subject=recs[-1].name)
    for recs in _history_by_object(Vehicle, customer.pk):
        entries += _history_entries(
            recs, kind="vehicle", subject=recs[-1].plate_number or recs[-1].vin
        )
    if not records:
        entries.append(
            TimelineEntry(
                at=customer.created_at,
                actor=customer.created_by,
                kind="customer_created",
                subject=customer.name,
            )
        )
    for entry in entries:
        entry.customer = customer
    return entries


def imported_reading_entries(customer: Customer, *, limit: int = 200) -> list[TimelineEntry]:
    """The mileage readings imports wrote, as timeline entries of the "mileage" kind (the
    timeline source of bulk-written readings).

    A reading recorded by a service has its activity row; an import writes its readings in
    bulk, where an activity row per reading would add a sixth of the rows it writes (ADR
    0007), so its readings are read from their own table, the way field changes are read from
    the history tables. A reading that has an activity row is left to that row."""
    recorded = Activity.objects.filter(
        dealer_id=customer.dealer_id,
        customer_id=customer.pk,
        target_type=ContentType.objects.get_for_model(MileageReading),
    ).values("target_id")
    readings = (
        MileageReading.objects.filter(vehicle__customer_id=customer.pk, source=MileageSource.IMPORT)
        .exclude(id__in=recorded)
        .select_related("recorded_by", "vehicle")
        .order_by("-read_on", "-id")[:limit]
    )
    return [
        TimelineEntry(
            at=reading_time(reading.read_on),
            actor=reading.recorded_by,
            kind=MILEAGE,
            obj=reading,
            data=mileage_data(reading, reading.vehicle),
            customer=customer,
        )
        for reading in readings
    ]


def customer_timeline(
    customer: Customer, *, limit: int = 200, viewer: Any = None
) -> list[TimelineEntry]:
    """Every entry of every registered timeline source, newest first, at most `limit`; with a
    `viewer`, only the kinds that viewer may see. Times are in the local time zone."""
    entries: list[TimelineEntry] = []
    for source in timeline_sources():
        entries += source.entries(customer, limit=limit)
    if viewer is not None:
        entries = [e for e in entries if timeline_kind(e.kind).visible(viewer)]
    for entry in entries:
        entry.at = timezone.localtime(entry.at)
    entries.sort(key=lambda e: e.at, reverse=True)
    return entries[:limit]
