"""Duplicate detection runs: the dealer's records compared by the Splink model (nightly, on
demand), their candidates replaced in one transaction, each run's stage recorded for the
progress shown; and HQ's cross-dealer run, de-identified."""

from __future__ import annotations

import time
from typing import Any

from django.db import transaction
from django.utils import timezone
from django_scopes import scopes_disabled

from autocrm.matching.models import (
    CandidateStatus,
    CrossDealerCandidate,
    DuplicateCandidate,
    MatchRun,
    RunStage,
    RunStatus,
)
from autocrm.tenancy.masking import mask_mobile
from autocrm.tenancy.models import Dealer, Staff


def _candidate_rows(con: Any, table: str) -> list[tuple[Any, ...]]:
    from autocrm.matching.model import FIELD_NAMES

    gammas = ", ".join(f"gamma_{n}" for n in FIELD_NAMES)
    return con.execute(
        f"SELECT least(unique_id_l, unique_id_r), greatest(unique_id_l, unique_id_r),"
        f" CASE WHEN unique_id_l < unique_id_r THEN dealer_id_l ELSE dealer_id_r END,"
        f" CASE WHEN unique_id_l < unique_id_r THEN dealer_id_r ELSE dealer_id_l END,"
        f" match_probability, match_weight, {gammas}"
        f" FROM {table} ORDER BY 1, 2"
    ).fetchall()


def _fields_of(row: tuple[Any, ...]) -> dict[str, str]:
    from autocrm.matching.model import FIELD_NAMES, summary

    return summary(dict(zip(FIELD_NAMES, row[6:], strict=True)))


def duplicates_detect(
    *, dealer: Dealer, started_by: Staff | None = None, threshold: float | None = None
) -> MatchRun:
    """Find the dealer's likely duplicates and replace its open candidates with them.

    Dismissed pairs stay dismissed and merged pairs stay merged: a pair already decided is not
    offered again.
    """
    import duckdb

    from autocrm.matching.features import extract_features
    from autocrm.matching.model import predict

    run = MatchRun.objects.create(dealer=dealer, started_by=started_by, stage=RunStage.READING)
    started = time.perf_counter()
    try:
        con = duckdb.connect()
        extract_features(con, dealer_id=dealer.pk)
        _stage(run, RunStage.COMPARING)
        prediction = predict(con, mode="dealer", threshold=threshold)
        rows = _candidate_rows(con, prediction.table)
        con.close()
        _stage(run, RunStage.SAVING)
        written = _replace_candidates(dealer=dealer, run=run, rows=rows)
    except Exception as error:
        MatchRun.objects.filter(pk=run.pk).update(
            status=RunStatus.FAILED, error=str(error)[:2000], finished_at=timezone.now()
        )
        raise
    run.records, run.pairs_compared, run.candidates_found = (
        prediction.records,
        prediction.pairs_compared,
        written,
    )
    run.status, run.finished_at = RunStatus.DONE, timezone.now()
    run.seconds = round(time.perf_counter() - started, 2)
    run.save()
    return run


def _stage(run: MatchRun, stage: str) -> None:
    """Record what the run is doing now (its own statement: the page polling it sees it)."""
    run.stage = stage
    with scopes_disabled():
        MatchRun.objects.filter(pk=run.pk).update(stage=stage)


@transaction.atomic
def _replace_candidates(*, dealer: Dealer, run: MatchRun, rows: list[tuple[Any, ...]]) -> int:
    decided = set(
        DuplicateCandidate.objects.filter(dealer=dealer)
        .exclude(status=CandidateStatus.OPEN)
        .values_list("customer_low_id", "customer_high_id")
    )
    DuplicateCandidate.objects.filter(dealer=dealer, status=CandidateStatus.OPEN).delete()
    now = timezone.now()
    batch = [
        DuplicateCandidate(
            dealer=dealer,
            customer_low_id=row[0],
            customer_high_id=row[1],
            run=run,
            probability=float(row[4]),
            match_weight=float(row[5]),
            fields=_fields_of(row),
            created_at=now,
        )
        for row in rows
        if (row[0], row[1]) not in decided
    ]
    DuplicateCandidate.objects.bulk_create(batch, batch_size=5000)
    return len(batch)


def masked_name(name: str) -> str:
    """张小明 → 张**; a company keeps its first two characters."""
    from autocrm.matching.features import split_name

    surname, given = split_name(name or "")
    if surname:
        return surname + "*" * len(given)
    return (name or "")[:2] + "**" if name else ""


def cross_dealer_duplicates_detect(
    *, started_by: Staff | None = None, threshold: float | None = None
) -> MatchRun:
    """HQ: people held by two dealers (撞单). Stored de-identified: masked name and mobile."""
    with scopes_disabled():
        run = MatchRun.objects.create(dealer=None, started_by=started_by, stage=RunStage.READING)
        try:
            return _cross_dealer_run(run, threshold)
        except Exception as error:
            MatchRun.objects.filter(pk=run.pk).update(
                status=RunStatus.FAILED, error=str(error)[:2000], finished_at=timezone.now()
            )
            raise


def _cross_dealer_run(run: MatchRun, threshold: float | None) -> MatchRun:
    import duckdb

    from autocrm.matching.features import extract_features
    from autocrm.matching.model import predict

    started = time.perf_counter()
    con = duckdb.connect()
    extract_features(con, dealer_id=None)
    _stage(run, RunStage.COMPARING)
    prediction = predict(con, mode="hq", threshold=threshold)
    rows = _candidate_rows(con, prediction.table)
    people = {
        uid: (name, mobile)
        for uid, name, mobile in con.execute(
            f"SELECT c.unique_id, c.name, c.mobile FROM customers c WHERE c.unique_id IN"
            f" (SELECT unique_id_l FROM {prediction.table}"
            f" UNION SELECT unique_id_r FROM {prediction.table})"
        ).fetchall()
    }
    con.close()
    _stage(run, RunStage.SAVING)

    def mobile(uid: int) -> str:
        value = people.get(uid, ("", None))[1]
        return mask_mobile("+86" + value) if value else ""

    with transaction.atomic():
        objects = []
        for row in rows:
            low, high = row[0], row[1]
            dealer_low, dealer_high = row[2], row[3]
            objects.append(
                CrossDealerCandidate(
                    run=run,
                    dealer_low_id=dealer_low,
                    dealer_high_id=dealer_high,
                    customer_low_id=low,
                    customer_high_id=high,
                    masked_name_low=masked_name(people.get(low, ("", ""))[0]),
                    masked_name_high=masked_name(people.get(high, ("", ""))[0]),
                    masked_mobile_low=mobile(low),
                    masked_mobile_high=mobile(high),
                    probability=float(row[4]),
                    fields=_fields_of(row),
                )
            )
        CrossDealerCandidate.objects.bulk_create(objects, batch_size=5000)
        run.records, run.pairs_compared = prediction.records, prediction.pairs_compared
        run.candidates_found = len(objects)
        run.status, run.finished_at = RunStatus.DONE, timezone.now()
        run.seconds = round(time.perf_counter() - started, 2)
        run.save()
    return run
