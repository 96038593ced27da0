"""Reads for verification samples: progress, the seed's funnel and the outcome breakdown."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from autocrm.quality.models import VerificationCall, VerificationSample
from autocrm.quality.verification import REACHED_OUTCOMES, RETRY_OUTCOMES, CallOutcome


def samples_with_progress() -> QuerySet[VerificationSample]:
    """The dealer's samples (scope applies), newest first, with how many calls are final."""
    final = ~Q(calls__outcome="") & ~Q(calls__outcome__in=RETRY_OUTCOMES)
    return VerificationSample.objects.select_related("created_by").annotate(
        called=Count("calls", filter=final)
    )


@dataclass(frozen=True)
class FunnelStage:
    key: str
    count: int
    share: float  # percent of the sample


@dataclass(frozen=True)
class SampleFunnel:
    size: int
    called: int
    stages: list[FunnelStage]
    outcomes: list[tuple[str, str, int, float]]  # (code, label, count, percent of sample)


def _pct(n: int, of: int) -> float:
    return round(100 * n / of, 2) if of else 0.0


def sample_funnel(sample: VerificationSample) -> SampleFunnel:
    """Seed 000's funnel: reached / accepted the interview / fully valid / valid for direct
    mail, each as a share of the whole sample; plus every outcome's count (seed 003)."""
    calls = VerificationCall.objects.filter(sample=sample)
    agg = calls.aggregate(
        size=Count("id"),
        called=Count("id", filter=~Q(outcome="")),
        reached=Count("id", filter=Q(outcome__in=REACHED_OUTCOMES)),
        accepted=Count("id", filter=Q(accepted_interview=True)),
        fully_valid=Count("id", filter=Q(fully_valid=True)),
        direct_mail=Count("id", filter=Q(valid_for_direct_mail=True)),
    )
    size = agg["size"]
    stages = [
        FunnelStage(key, agg[key], _pct(agg[key], size))
        for key in ("reached", "accepted", "fully_valid", "direct_mail")
    ]
    counts = dict(
        calls.exclude(outcome="").values_list("outcome").annotate(n=Count("id")).order_by()
    )
    outcomes = [
        (code, str(label), counts.get(code, 0), _pct(counts.get(code, 0), size))
        for code, label in CallOutcome.choices
    ]
    return SampleFunnel(size=size, called=agg["called"], stages=stages, outcomes=outcomes)


def next_call(sample: VerificationSample, *, after_id: int = 0) -> VerificationCall | None:
    """The next record still to call: never called first, then the ones to try again."""
    calls = VerificationCall.objects.filter(sample=sample)
    return (
        calls.filter(outcome="", id__gt=after_id).first()
        or calls.filter(outcome="").first()
        or calls.filter(outcome__in=RETRY_OUTCOMES, id__gt=after_id).first()
    )
