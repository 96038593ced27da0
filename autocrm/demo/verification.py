"""Verification calls for the demo dealership (domain.md §2).

Each dealer gets one random sample phoned by its customer-relations officer, with outcomes
drawn at the rates the seeds measured: seed 000's funnel (reached 68.20%, accepted the
interview 46.02%, verified fully valid 38.84%, valid for direct mail 14.56%) and, for the
numbers not reached, seed 003's mix (no answer 44, busy 4, not the person 22, never reachable
11, fax 10, disconnected or vacant 43). Calls go through the real service, so profiles get
their accuracy status, last-verified date and wrong-number flag as they would in production.
"""

from __future__ import annotations

import random

from django_scopes import scope

from autocrm.quality.services import verification_call_record, verification_sample_draw
from autocrm.quality.snapshots import quality_snapshot_reconstruct, quality_snapshot_take
from autocrm.tenancy.models import Dealer, Staff
from autocrm.tenancy.roles import Role

REACHED, ACCEPTED, FULLY_VALID, DIRECT_MAIL = 0.6820, 0.4602, 0.3884, 0.1456
NOT_REACHED_MIX = {
    "no_answer": 44,
    "busy": 4,
    "not_the_person": 22,
    "never_reachable": 11,
    "fax": 10,
    "disconnected": 43,
}
#: Records per dealer sample, and the share of it already phoned (the rest is still to do).
SAMPLE_SIZE = 120
CALLED_SHARE = 0.85


def _outcome(rng: random.Random) -> dict[str, object]:
    r = rng.random()
    if r >= REACHED:
        codes, weights = zip(*NOT_REACHED_MIX.items(), strict=True)
        return {"outcome": rng.choices(codes, weights)[0]}
    if r >= ACCEPTED:
        return {"outcome": "refused"}
    fully_valid = r < FULLY_VALID
    wrong = rng.choice(["name_ok", "mobile_ok", "address_ok"])
    findings = {f: fully_valid or f != wrong for f in ("name_ok", "mobile_ok", "address_ok")}
    return {"outcome": "reached", **findings, "direct_mail_ok": r < DIRECT_MAIL}


def demo_verification(*, seed: int) -> int:
    """Draw and phone one sample per dealer; returns the number of calls recorded."""
    recorded = 0
    for dealer in Dealer.objects.order_by("id"):
        caller = (
            Staff.objects.filter(dealer=dealer, role=Role.CUSTOMER_RELATIONS).order_by("id").first()
        )
        if caller is None:
            continue
        rng = random.Random(seed * 1000 + dealer.pk)
        with scope(dealer=dealer.pk):
            sample = verification_sample_draw(
                actor=caller,
                name="年度客户资料核实抽样",
                method="random",
                size=SAMPLE_SIZE,
                seed=seed,
            )
            calls = list(sample.calls.order_by("id"))
            for call in calls[: int(len(calls) * CALLED_SHARE)]:
                verification_call_record(actor=caller, call=call, **_outcome(rng))  # type: ignore[arg-type]
                recorded += 1
    return recorded


def demo_quality_history(*, months: int = 12) -> int:
    """This month's quality snapshot per dealer, and the year before it reconstructed."""
    rows = 0
    for dealer in Dealer.objects.order_by("id"):
        with scope(dealer=dealer.pk):
            rows += quality_snapshot_take(dealer=dealer)
            rows += quality_snapshot_reconstruct(dealer=dealer, months=months)
    return rows
