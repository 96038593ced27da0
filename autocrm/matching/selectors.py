"""Reads of duplicate detection: the review queue, a pair side by side, exact duplicates."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, cast

from django.db.models import Count, Field, Q, QuerySet
from django.utils import timezone

from autocrm.customers.models import Customer, Vehicle
from autocrm.customers.presenters import birth_date_display, display_mobile, personal_value
from autocrm.matching.models import (
    CandidateStatus,
    CrossDealerCandidate,
    DuplicateCandidate,
    MatchRun,
    Merge,
    RunStatus,
)

QUEUE_PAGE = 50
#: A run still "running" after this long was interrupted (its process ended without saying).
RUN_STALE_AFTER = timedelta(hours=2)
#: Fields shown side by side on the pair page, in order, with the model's comparison name.
PAIR_FIELDS: tuple[tuple[str, str | None], ...] = (
    ("name", "name"),
    ("mobile", "mobile"),
    ("id_number", "id_number"),
    ("birth_date", "birth_date"),
    ("gender", None),
    ("address", "address"),
    ("landline", None),
    ("email", None),
    ("employer", None),
    ("native_place", None),
    ("education", None),
    ("annual_income_band", None),
    ("trade_relationship", None),
    ("nature", None),
    ("product_line", None),
    ("info_source", None),
    ("activity_level", None),
    ("credit_rating", None),
    ("responsible_staff", None),
    ("remarks", None),
)
AGREE_LEVELS = {"exact", "same_pinyin", "swapped", "shared_vin"}
CLOSE_LEVELS = {
    "similar",
    "shared_given",
    "typo",
    "partial",
    "same_district",
    "same_surname",
    "district_only",
}


def candidate_queue(
    *, status: str = CandidateStatus.OPEN, min_probability: float = 0.0, q: str = ""
) -> QuerySet[DuplicateCandidate]:
    """The dealer's candidate pairs, most likely first (scope applies)."""
    qs = DuplicateCandidate.objects.filter(status=status).select_related(
        "customer_low", "customer_high"
    )
    if status == CandidateStatus.OPEN:
        qs = qs.filter(
            customer_low__merged_into__isnull=True, customer_high__merged_into__isnull=True
        )
    if min_probability:
        qs = qs.filter(probability__gte=min_probability)
    if q:
        qs = qs.filter(Q(customer_low__name__startswith=q) | Q(customer_high__name__startswith=q))
    return qs.order_by("-probability", "id")


def status_counts() -> dict[str, int]:
    rows = DuplicateCandidate.objects.values("status").annotate(n=Count("id")).order_by()
    out = dict.fromkeys(CandidateStatus.values, 0)
    out.update({r["status"]: r["n"] for r in rows})
    return out


def _runs(dealer_id: int | None) -> QuerySet[MatchRun]:
    """The dealer's runs; `dealer_id` None: HQ's cross-dealer runs (Django filters IS NULL)."""
    # django-stubs rejects None for the `_id` of a nullable foreign key (django-stubs#3472).
    return MatchRun.objects.filter(dealer_id=dealer_id)  # type: ignore[misc]  # django-stubs#3472


def last_run(dealer_id: int | None) -> MatchRun | None:
    """The dealer's latest run (HQ's cross-dealer runs: `dealer_id` None), in any state."""
    return _runs(dealer_id).order_by("-started_at").first()


def is_running(run: MatchRun | None) -> bool:
    """The run is going on (not finished, failed or interrupted long ago)."""
    return (
        run is not None
        and run.status == RunStatus.RUNNING
        and timezone.now() - run.started_at < RUN_STALE_AFTER
    )


def last_run_seconds(dealer_id: int | None) -> float | None:
    """How long the latest finished run took: what the running one may take."""
    return (
        _runs(dealer_id)
        .filter(status=RunStatus.DONE)
        .order_by("-started_at")
        .values_list("seconds", flat=True)
        .first()
    )


def _display(viewer: Any, customer: Customer, name: str) -> str:
    if name in ("mobile", "landline", "email", "address", "id_number"):
        value = personal_value(viewer, customer, name)
        return display_mobile(value) if name == "mobile" else value
    if name == "birth_date":
        return birth_date_display(viewer, customer)
    value = getattr(customer, name)
    if value in (None, ""):
        return ""
    display = getattr(customer, f"get_{name}_display", None)
    if display is not None:
        return str(display())
    if hasattr(value, "label"):
        return str(value.label)
    return str(value)


def _raw(customer: Customer, name: str) -> Any:
    # PAIR_FIELDS are the model's own fields, never the other side of a relation.
    f = cast("Field[Any, Any]", Customer._meta.get_field(name))
    return getattr(customer, f.attname)


@dataclass
class PairRow:
    field: str
    label: str
    low: str
    high: str
    level: str  # agree / close / differ / one_empty / empty
    choosable: bool


@dataclass
class PairView:
    candidate: DuplicateCandidate
    low: Customer
    high: Customer
    rows: list[PairRow]
    vehicles: dict[int, list[Vehicle]] = field(default_factory=dict)
    counts: dict[int, dict[str, int]] = field(default_factory=dict)


def pair_view(viewer: Any, candidate: DuplicateCandidate) -> PairView:
    """Both records side by side, masked per the viewer's role, each field agree/differ."""
    related = ("trade_relationship", "nature", "product_line", "info_source", "responsible_staff")
    low = Customer.objects.select_related(*related).get(pk=candidate.customer_low_id)
    high = Customer.objects.select_related(*related).get(pk=candidate.customer_high_id)
    rows = []
    for name, comparison in PAIR_FIELDS:
        label = str(cast("Field[Any, Any]", Customer._meta.get_field(name)).verbose_name)
        a, b = _display(viewer, low, name), _display(viewer, high, name)
        raw_a, raw_b = _raw(low, name), _raw(high, name)
        empty_a, empty_b = raw_a in (None, ""), raw_b in (None, "")
        model_level = candidate.fields.get(comparison or "", "")
        if empty_a and empty_b:
            level = "empty"
        elif empty_a or empty_b:
            level = "one_empty"
        elif raw_a == raw_b or model_level in AGREE_LEVELS:
            level = "agree" if raw_a == raw_b else "close"
        elif model_level in CLOSE_LEVELS:
            level = "close"
        else:
            level = "differ"
        rows.append(
            PairRow(name, label, a, b, level, not empty_a and not empty_b and raw_a != raw_b)
        )
    view = PairView(candidate, low, high, rows)
    for customer in (low, high):
        view.vehicles[customer.pk] = list(customer.vehicles.order_by("id"))
        view.counts[customer.pk] = {
            "contacts": customer.contacts.count(),
            "interactions": customer.interactions.count(),
        }
    return view


def merge_history() -> QuerySet[Merge]:
    return Merge.objects.select_related("survivor", "merged", "merged_by", "undone_by").order_by(
        "-merged_at"
    )


@dataclass
class ExactGroup:
    key: str  # "id_number" or "vin"
    value: str
    ids: list[int]


def exact_duplicate_groups(limit: int | None = None) -> list[ExactGroup]:
    """Active records of the dealer sharing an ID number or a VIN (scope applies).

    Groups that overlap (A and B share an ID, B and C a VIN) are joined into one.
    """
    active = Customer.objects.filter(merged_into__isnull=True)
    groups: list[ExactGroup] = []
    by_id = (
        active.exclude(id_number="")
        .values("id_number")
        .annotate(n=Count("id"))
        .filter(n__gt=1, n__lte=5)
        .order_by()
    )
    numbers = [row["id_number"] for row in by_id]
    members: dict[str, list[int]] = {}
    for pk, number in active.filter(id_number__in=numbers).values_list("id", "id_number"):
        members.setdefault(number, []).append(pk)
    groups += [ExactGroup("id_number", k, sorted(v)) for k, v in members.items()]
    vins = (
        Vehicle.objects.filter(customer__merged_into__isnull=True)
        .values("vin")
        .annotate(n=Count("customer_id", distinct=True))
        .filter(n__gt=1, n__lte=5)
        .order_by()
    )
    vin_list = [row["vin"] for row in vins]
    vin_members: dict[str, set[int]] = {}
    for vin, pk in Vehicle.objects.filter(
        vin__in=vin_list, customer__merged_into__isnull=True
    ).values_list("vin", "customer_id"):
        vin_members.setdefault(vin, set()).add(pk)
    groups += [ExactGroup("vin", k, sorted(v)) for k, v in vin_members.items() if len(v) > 1]
    merged = _join_overlapping(groups)
    merged.sort(key=lambda g: g.ids[0])
    return merged[:limit] if limit else merged


def _join_overlapping(groups: list[ExactGroup]) -> list[ExactGroup]:
    parent: dict[int, int] = {}

    def find(x: int) -> int:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for g in groups:
        for pk in g.ids[1:]:
            parent[find(pk)] = find(g.ids[0])
    out: dict[int, ExactGroup] = {}
    for g in groups:
        root = find(g.ids[0])
        if root in out:
            out[root].ids = sorted(set(out[root].ids) | set(g.ids))
        else:
            out[root] = ExactGroup(g.key, g.value, list(g.ids))
    return list(out.values())


def pick_survivor(customers: list[Customer]) -> Customer:
    """The most complete record survives; on a tie the older one (first entered)."""
    return sorted(customers, key=lambda c: (-c.completeness_score, c.created_at, c.pk))[0]


def cross_dealer_candidates(run: MatchRun | None) -> QuerySet[CrossDealerCandidate]:
    if run is None:
        return CrossDealerCandidate.objects.none()
    return (
        CrossDealerCandidate.objects.filter(run=run)
        .select_related("dealer_low", "dealer_high")
        .order_by("-probability", "id")
    )
