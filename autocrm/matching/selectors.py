"""Reads of duplicate detection: the review queue, a pair side by side, exact duplicates."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, cast

from django.db.models import Count, Field, Q, QuerySet
from django.utils import timezone

from autocrm.customers.intake import person_facts
from autocrm.customers.models import Customer, Vehicle
from autocrm.customers.presenters import (
    birth_date_display,
    display_mobile,
    gender_display,
    personal_value,
)
from autocrm.matching.models import (
    CandidateStatus,
    CrossDealerCandidate,
    DuplicateCandidate,
    MatchRun,
    Merge,
    RunStatus,
)
from autocrm.rules.identity import PersonFacts, Verdict, same_person
from autocrm.rules.names import is_nickname, is_placeholder_name

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
    ("landline", "landline"),
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
#: The model's levels (model.FIELDS) that mean the two values agree, and those that are close;
#: the name's are `rules.identity.compare_names`' (a homophone is close, not the same). The
#: codes of earlier runs (same_pinyin, similar, …) stay for the pairs they stored.
AGREE_LEVELS = {"exact", "script", "shared", "shared_vin", "same_pinyin"}
CLOSE_LEVELS = {
    "swapped",
    "homophone",
    "spelling",
    "near_sound",
    "surname_only",
    "typo",
    "same_local",
    "same_house",
    "same_road",
    "same_district",
    "district_only",
    "similar",
    "shared_given",
    "partial",
    "same_surname",
}


def agreement_badges(fields: dict[str, str]) -> list[tuple[str, str, str]]:
    """(field, level, "agree" / "close") of a pair's comparisons worth a badge, in the
    model's field order: what the queue shows, so a homophone is told from the same name."""
    out = []
    for name, level in fields.items():
        if level in AGREE_LEVELS:
            out.append((name, level, "agree"))
        elif level in CLOSE_LEVELS:
            out.append((name, level, "close"))
    return out


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
    if name == "gender":
        return gender_display(viewer, customer)
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
    best: str = "low"  # whose value the merge takes unless the reviewer picks (survivorship)


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
    from autocrm.matching.services import MERGE_FIELDS, MERGED, best_sides

    best = best_sides(low, high)  # low as the survivor: MERGED means the high record's value
    group_of = {f: group for group, names in MERGE_FIELDS.items() for f in names}
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
        side = "high" if best.get(group_of.get(name, name)) == MERGED else "low"
        rows.append(
            PairRow(name, label, a, b, level, not empty_a and not empty_b and raw_a != raw_b, side)
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


@dataclass
class BulkGroup:
    """One group of exact duplicates as the bulk merge will treat it."""

    group: ExactGroup
    survivor: Customer
    merged: list[Customer]
    left_out: list[tuple[Customer, str]]  # (customer, why it is left to the review queue)


def _facts(customer: Customer, vins: set[str]) -> PersonFacts:
    return person_facts(customer, frozenset(vins))


def bulk_merge_plan(groups: list[ExactGroup]) -> list[BulkGroup]:
    """Each group with its survivor (the most complete, then the oldest record), the records
    merged into it, and those left out: a placeholder or a nickname (王先生, 老板, 老王) is never
    merged on, nor a record the identity rules do not call the same person as one already in
    the group (same ID → same person; a shared VIN with a compatible name; a VIN with another
    owner is a sale, not a duplicate)."""
    ids = {pk for g in groups for pk in g.ids}
    customers = {c.pk: c for c in Customer.objects.filter(pk__in=ids, merged_into__isnull=True)}
    vins: dict[int, set[str]] = {}
    for customer_id, vin in Vehicle.objects.filter(customer_id__in=ids).values_list(
        "customer_id", "vin"
    ):
        vins.setdefault(customer_id, set()).add(vin.upper())
    out = []
    for group in groups:
        members = [customers[pk] for pk in group.ids if pk in customers]
        if len(members) < 2:
            continue
        real = [c for c in members if not (is_placeholder_name(c.name) or is_nickname(c.name))]
        survivor = pick_survivor(real or members)
        facts = {c.pk: _facts(c, vins.get(c.pk, set())) for c in members}
        accepted, merged = [survivor], []
        rest = [c for c in members if c.pk != survivor.pk]
        reasons: dict[int, str] = {}
        changed = bool(real)  # a group of placeholders only is left to the review queue
        if not real:
            reasons = dict.fromkeys((c.pk for c in rest), "placeholder")
        while changed:
            changed = False
            for customer in list(rest):
                why = _bulk_refusal(customer, accepted, facts)
                if why is None:
                    accepted.append(customer)
                    merged.append(customer)
                    rest.remove(customer)
                    changed = True
                else:
                    reasons[customer.pk] = why
        out.append(
            BulkGroup(group, survivor, merged, [(c, reasons.get(c.pk, "unsure")) for c in rest])
        )
    return out


def _bulk_refusal(
    customer: Customer, accepted: list[Customer], facts: dict[int, PersonFacts]
) -> str | None:
    if is_placeholder_name(customer.name) or is_nickname(customer.name):
        return "placeholder"
    reason = "unsure"
    for other in accepted:
        decision = same_person(facts[other.pk], facts[customer.pk])
        if decision.verdict is Verdict.SAME and decision.names.compatible:
            return None
        if decision.verdict is Verdict.DIFFERENT:
            reason = decision.reason
    return reason


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
