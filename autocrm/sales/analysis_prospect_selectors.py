"""Prospects, buyers, lost sales and the conversion cycle (seed 002, "潜在客户特征分析",
"购车客户背景分析", "流失原因分车型对比", "潜在客户成交周期"): the definitions are those of
`sales.analysis`; every count is a GROUP BY in the database.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, QuerySet, Sum
from django.db.models.functions import TruncMonth

from autocrm.dictionaries.defaults import DEFAULT_ENTRIES
from autocrm.dictionaries.models import DictionaryEntry, DictionaryKind
from autocrm.rules.sales import (
    AGE_BANDS,
    CYCLE_MONTHS,
    conversion_cycle_months,
    conversion_rate,
    shares,
)
from autocrm.sales.analysis import UNKNOWN, opportunities_of, registered_in, won_in
from autocrm.sales.models import AGE_BAND_CHOICES, Opportunity, OpportunityStatus

#: Lost-reason comparisons of a model with fewer lost sales are marked as a small sample
#: (seed 002: "高尔夫、开迪的样本数少,不作分析").
SMALL_SAMPLE = 10

# --- prospects and buyers (潜在客户特征分析, 购车客户背景分析) -----------------------------------


@dataclass(frozen=True)
class Share:
    code: str
    label: str
    count: int
    share: float


@dataclass(frozen=True)
class SourceRow:
    code: str
    label: str
    standard: str  # the standard option's label
    registered: int
    won: int
    share: float  # of the prospects registered

    @property
    def conversion(self) -> float | None:
        return conversion_rate(self.won, self.registered)


def standard_labels(dealer_id: int, kinds: Iterable[str]) -> dict[tuple[str, str], str]:
    """(kind, standard code) → its label: the dealer's entry of that code (they may have
    renamed it), else the standard list's."""
    wanted = list(kinds)
    labels = {(k, code): label for k in wanted for code, label in DEFAULT_ENTRIES.get(k, [])}
    for kind, code, label in DictionaryEntry.objects.filter(
        dealer_id=dealer_id, kind__in=wanted
    ).values_list("kind", "code", "label"):
        labels[(kind, code)] = label
    return labels


def _shares(
    counts: Mapping[str, int], label: Callable[[str], str], order: list[str] | None = None
) -> list[Share]:
    """Rows by count (or in `order`), the unrecorded last."""
    share = shares(counts)
    first = [k for k in (order or []) if k in counts]
    keys = first + sorted((k for k in counts if k not in first), key=lambda k: (-counts[k], k))
    keys = [k for k in keys if k != UNKNOWN] + [k for k in keys if k == UNKNOWN]
    return [Share(k, label(k), counts[k], share[k]) for k in keys]


@dataclass(frozen=True)
class ProspectAnalysis:
    registered: int
    won: int
    sources: list[SourceRow]  # by standard option
    own_sources: list[SourceRow]  # by the dealer's options
    industries: list[Share]
    positions: list[Share]
    age_bands: list[Share]
    hobbies: list[Share]  # each prospect's hobbies counted once each (up to three)

    @property
    def conversion(self) -> float | None:
        return conversion_rate(self.won, self.registered)


AGE_ORDER = [code for code, _low, _high in AGE_BANDS]
AGE_LABELS = dict(AGE_BAND_CHOICES)


def _grouped(qs: QuerySet[Any], field: str) -> dict[str, int]:
    rows = qs.values(field).annotate(n=Count("id")).order_by().values_list(field, "n")
    counts: dict[str, int] = {}
    for key, n in rows:
        counts[key or UNKNOWN] = counts.get(key or UNKNOWN, 0) + n
    return counts


def prospect_analysis(
    dealer_id: int, start: date, end: date, series_id: int | None = None
) -> ProspectAnalysis:
    """The prospects registered in the period: information source (with the conversion per
    source), industry, position, age band and hobbies."""
    base = opportunities_of(dealer_id, series_id)
    registered_q, won_q = registered_in(start, end), won_in(start, end)
    cohort = base.filter(registered_q)
    source_rows = list(
        base.filter(registered_q | won_q)
        .values("info_source__code", "info_source__label", "info_source__standard_code")
        .annotate(registered=Count("id", filter=registered_q), won=Count("id", filter=won_q))
        .order_by()
    )
    kinds = [DictionaryKind.INFO_SOURCE, DictionaryKind.INDUSTRY, DictionaryKind.POSITION]
    labels = standard_labels(dealer_id, [*kinds, DictionaryKind.HOBBY])

    def label_of(kind: str) -> Callable[[str], str]:
        return lambda code: labels.get((kind, code), code) if code else "—"

    source_label = label_of(DictionaryKind.INFO_SOURCE)
    own: dict[str, list[Any]] = {}
    rolled: dict[str, list[int]] = {}
    for row in source_rows:
        code, std = row["info_source__code"] or UNKNOWN, row["info_source__standard_code"] or ""
        own.setdefault(code, [row["info_source__label"] or "—", std, 0, 0])
        own[code][2] += row["registered"]
        own[code][3] += row["won"]
        acc = rolled.setdefault(std, [0, 0])
        acc[0] += row["registered"]
        acc[1] += row["won"]
    registered = sum(v[0] for v in rolled.values())

    def share_of(n: int) -> float:
        return n / registered if registered else 0.0

    hobby_model = Opportunity.hobbies.through
    hobbies = hobby_model._default_manager.filter(
        opportunity__dealer_id=dealer_id,
        opportunity__registered_on__gte=start,
        opportunity__registered_on__lte=end,
    )
    if series_id is not None:
        hobbies = hobbies.filter(opportunity__series_id=series_id)
    hobby_counts = _grouped(hobbies, "dictionaryentry__standard_code")
    return ProspectAnalysis(
        registered=registered,
        won=sum(v[1] for v in rolled.values()),
        sources=sorted(
            (
                SourceRow(std, source_label(std), source_label(std), n, w, share_of(n))
                for std, (n, w) in rolled.items()
            ),
            key=lambda r: (r.code == UNKNOWN, -r.registered, r.code),
        ),
        own_sources=sorted(
            (
                SourceRow(code, label, source_label(std), n, w, share_of(n))
                for code, (label, std, n, w) in own.items()
            ),
            key=lambda r: (r.code == UNKNOWN, -r.registered, r.code),
        ),
        industries=_shares(
            _grouped(cohort, "industry__standard_code"), label_of(DictionaryKind.INDUSTRY)
        ),
        positions=_shares(
            _grouped(cohort, "position__standard_code"), label_of(DictionaryKind.POSITION)
        ),
        age_bands=_shares(
            _grouped(cohort, "age_band"), lambda c: str(AGE_LABELS.get(c, "—")), AGE_ORDER
        ),
        hobbies=_shares(hobby_counts, label_of(DictionaryKind.HOBBY)),
    )


@dataclass(frozen=True)
class AgeCompare:
    code: str
    label: str
    prospects: int
    prospect_share: float
    buyers: int
    buyer_share: float


@dataclass(frozen=True)
class BuyerAnalysis:
    buyers: int  # won opportunities closed in the period
    units: int
    prospects: int  # registered in the period
    payments: list[Share]
    ages: list[AgeCompare]


def buyer_analysis(
    dealer_id: int, start: date, end: date, series_id: int | None = None
) -> BuyerAnalysis:
    """购车客户背景分析: the buyers' payment methods, and their age bands beside the prospects'."""
    base = opportunities_of(dealer_id, series_id)
    registered_q, won_q = registered_in(start, end), won_in(start, end)
    won = base.filter(won_q)
    units = won.aggregate(n=Sum("quantity"))["n"] or 0
    payments = _grouped(won, "payment_method__standard_code")
    labels = standard_labels(dealer_id, [DictionaryKind.PAYMENT_METHOD])
    ages: dict[str, list[int]] = {}
    for band, p, b in (
        base.filter(registered_q | won_q)
        .values("age_band")
        .annotate(p=Count("id", filter=registered_q), b=Count("id", filter=won_q))
        .order_by()
        .values_list("age_band", "p", "b")
    ):
        acc = ages.setdefault(band or UNKNOWN, [0, 0])
        acc[0] += p
        acc[1] += b
    p_share = shares({k: v[0] for k, v in ages.items()})
    b_share = shares({k: v[1] for k, v in ages.items()})
    order = [c for c in [*AGE_ORDER, UNKNOWN] if c in ages]
    return BuyerAnalysis(
        buyers=sum(payments.values()),
        units=units,
        prospects=sum(v[0] for v in ages.values()),
        payments=_shares(
            payments,
            lambda c: labels.get((DictionaryKind.PAYMENT_METHOD, c), c) if c else "—",
        ),
        ages=[
            AgeCompare(
                c,
                str(AGE_LABELS.get(c, "—")),
                ages[c][0],
                p_share[c],
                ages[c][1],
                b_share[c],
            )
            for c in order
        ],
    )


# --- lost sales by model (流失原因分车型对比) ----------------------------------------------------


@dataclass(frozen=True)
class ModelLost:
    series_id: int
    label: str
    counts: dict[str, int]  # reason (standard code) → lost sales

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def shares(self) -> dict[str, float]:
        return shares(self.counts)

    @property
    def small_sample(self) -> bool:
        return self.total < SMALL_SAMPLE


@dataclass(frozen=True)
class LostAnalysis:
    lost: int
    reasons: list[Share]  # over every model, in the reasons' order
    models: list[ModelLost]  # most lost first
    competitors: list[Share]  # the models bought instead, where recorded


def lost_analysis(
    dealer_id: int, start: date, end: date, series_id: int | None = None
) -> LostAnalysis:
    lost = opportunities_of(dealer_id, series_id).filter(
        status=OpportunityStatus.LOST, closed_on__gte=start, closed_on__lte=end
    )
    kind = DictionaryKind.LOST_REASON
    labels = standard_labels(dealer_id, [kind])
    per_model: dict[int, ModelLost] = {}
    overall: dict[str, int] = {}
    for pk, name, reason, n in (
        lost.values("series_id", "series__name", "lost_reason__standard_code")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("series_id", "series__name", "lost_reason__standard_code", "n")
    ):
        model = per_model.setdefault(pk, ModelLost(pk, name, {}))
        model.counts[reason or UNKNOWN] = model.counts.get(reason or UNKNOWN, 0) + n
        overall[reason or UNKNOWN] = overall.get(reason or UNKNOWN, 0) + n
    order = [code for code, _label in DEFAULT_ENTRIES[kind]]
    order += sorted(k for k in overall if k not in order and k != UNKNOWN) + [UNKNOWN]
    competitors = {
        f"{brand} {name}": n
        for brand, name, n in lost.filter(lost_to_series__isnull=False)
        .values("lost_to_series__brand__name", "lost_to_series__name")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("lost_to_series__brand__name", "lost_to_series__name", "n")
    }
    return LostAnalysis(
        lost=sum(overall.values()),
        reasons=_shares(overall, lambda c: labels.get((kind, c), c) if c else "—", order),
        models=sorted(per_model.values(), key=lambda m: (-m.total, m.label)),
        competitors=_shares(competitors, lambda c: c),
    )


# --- the conversion cycle (潜在客户成交周期) -----------------------------------------------------


@dataclass(frozen=True)
class CycleAnalysis:
    won: int
    months: list[Share]  # code "0" … "12" (12 = a year or more)

    @property
    def within_the_month(self) -> float:
        return self.months[0].share

    @property
    def six_months_or_more(self) -> float:
        return sum(m.share for m in self.months[6:])


def conversion_cycle(
    dealer_id: int, start: date, end: date, series_id: int | None = None
) -> CycleAnalysis:
    """The won opportunities closed in the period by whole calendar months from registration
    to the deal: grouped by (month registered, month won) in the database; the months between
    depend on the two months only, so the rule applied to each group's first days is exact."""
    counts = dict.fromkeys((str(m) for m in range(CYCLE_MONTHS + 1)), 0)
    for registered, won, n in (
        opportunities_of(dealer_id, series_id)
        .filter(won_in(start, end))
        .values(reg_month=TruncMonth("registered_on"), won_month=TruncMonth("closed_on"))
        .annotate(n=Count("id"))
        .order_by()
        .values_list("reg_month", "won_month", "n")
    ):
        counts[str(conversion_cycle_months(registered, won))] += n
    last = str(CYCLE_MONTHS)
    return CycleAnalysis(
        won=sum(counts.values()),
        months=_shares(
            counts,
            lambda c: f"{c}+" if c == last else c,
            [str(m) for m in range(CYCLE_MONTHS + 1)],
        ),
    )
