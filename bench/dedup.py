"""Duplicate detection on a million generated customers: wall time and precision / recall.

    python -m bench.dedup [--customers 1000000] [--seed 1] [--no-hq]
    python -m bench.dedup --truth identity [--seed 1] [--scale 1.0] [--via service|command|browser]

Loads the demo generator's data into PostgreSQL (BENCH_DATABASE_URL, default a local
`autocrm_bench` database; reused when already loaded), then runs the production detection —
`autocrm.matching.detection.duplicates_detect` per dealer (extraction, Splink model, writing the
candidate pairs) — and times it end to end. The found pairs are scored against the generator's
ground truth (`DemoTruth`: records with the same person_key are the same person; a true pair is
two such records of the same dealer). The model never reads DemoTruth. With HQ mode on (the
default), the cross-dealer run (撞单) is timed and scored the same way against pairs of one
person at two dealers. Writes bench/results/dedup.json.
Targets: dealer runs under 10 minutes in total, F1 at least 0.95. Exits 2 on a missed target.

`--truth identity` runs the second, independent ground truth instead (`bench.identity`): dealer
exports with households, fleets, namesakes and resold cars, written by a generator that shares
nothing with the demo's, imported by the production import and then de-duplicated; scored on
the import and the detection combined, with the different people merged into one counted apart.
Writes bench/results/identity.json.
"""

from __future__ import annotations

import argparse
import sys
import time

from bench._setup import prepare_demo_benchmark, write_results

TARGET_SECONDS = 600.0
TARGET_F1 = 0.95


def _true_pairs(*, same_dealer: bool) -> set[tuple[int, int]]:
    from autocrm.demo.models import DemoTruth

    by_person: dict[int, list[tuple[int, int]]] = {}
    for cid, dealer, key in DemoTruth.objects.values_list(
        "customer_id", "dealer_id", "person_key"
    ).iterator(chunk_size=50_000):
        by_person.setdefault(key, []).append((cid, dealer))
    out: set[tuple[int, int]] = set()
    for members in by_person.values():
        if len(members) < 2:
            continue
        members.sort()
        for i, (a, da) in enumerate(members):
            for b, db in members[i + 1 :]:
                if (da == db) == same_dealer:
                    out.add((a, b))
    return out


def _score(found: set[tuple[int, int]], truth: set[tuple[int, int]]) -> dict[str, float]:
    hits = len(found & truth)
    precision = hits / len(found) if found else 0.0
    recall = hits / len(truth) if truth else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "found_pairs": len(found),
        "true_pairs": len(truth),
        "true_positives": hits,
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
    }


def main() -> int:
    chooser = argparse.ArgumentParser(add_help=False)
    chooser.add_argument("--truth", choices=("demo", "identity"), default="demo")
    known, rest = chooser.parse_known_args()
    if known.truth == "identity":
        from bench import identity

        return identity.main(rest)
    sys.argv = [sys.argv[0], *rest]
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--truth",
        choices=("demo", "identity"),
        default="demo",
        help="demo: the demo generator's DemoTruth (this mode); identity: bench.identity",
    )
    parser.add_argument("--no-hq", action="store_true", help="Skip the cross-dealer run.")
    args, load_seconds = prepare_demo_benchmark(parser)

    from django_scopes import scopes_disabled

    from autocrm.matching import detection, model
    from autocrm.matching.models import CrossDealerCandidate, DuplicateCandidate
    from autocrm.tenancy.models import Dealer

    with scopes_disabled():
        # a clean slate: earlier benchmark runs' decisions must not hide pairs
        DuplicateCandidate.objects.all().delete()
        dealers = list(Dealer.objects.order_by("id"))
        runs = []
        started = time.perf_counter()
        for dealer in dealers:
            run = detection.duplicates_detect(dealer=dealer)
            runs.append(run)
            print(
                f"dealer {dealer.code}: {run.records:,} records, {run.pairs_compared:,} pairs"
                f" compared, {run.candidates_found:,} candidates in {run.seconds:.1f} s",
                file=sys.stderr,
            )
        dealer_seconds = time.perf_counter() - started
        found = set(DuplicateCandidate.objects.values_list("customer_low_id", "customer_high_id"))
    truth = _true_pairs(same_dealer=True)
    dealer_result = {
        "seconds": round(dealer_seconds, 1),
        "records": sum(r.records for r in runs),
        "pairs_compared": sum(r.pairs_compared for r in runs),
        "threshold": model.THRESHOLD,
        **_score(found, truth),
        "per_dealer": [
            {
                "dealer": d.code,
                "records": r.records,
                "pairs_compared": r.pairs_compared,
                "candidates": r.candidates_found,
                "seconds": r.seconds,
            }
            for d, r in zip(dealers, runs, strict=True)
        ],
    }
    print(
        f"dealer mode: {dealer_result['records']:,} records, "
        f"{dealer_result['pairs_compared']:,} pairs compared, {dealer_seconds:.1f} s, "
        f"P={dealer_result['precision']:.4f} R={dealer_result['recall']:.4f} "
        f"F1={dealer_result['f1']:.4f}"
    )
    payload: dict[str, object] = {
        "customers": dealer_result["records"],
        "seed": args.seed,
        "load_seconds": round(load_seconds, 1),
        "target_seconds": TARGET_SECONDS,
        "target_f1": TARGET_F1,
        "dealer_mode": dealer_result,
    }
    if not args.no_hq:
        started = time.perf_counter()
        hq_run = detection.cross_dealer_duplicates_detect()
        hq_seconds = time.perf_counter() - started
        with scopes_disabled():
            hq_found = {
                (a, b)
                for a, b in CrossDealerCandidate.objects.filter(run=hq_run).values_list(
                    "customer_low_id", "customer_high_id"
                )
            }
            CrossDealerCandidate.objects.exclude(run=hq_run).delete()
        hq_result = {
            "seconds": round(hq_seconds, 1),
            "records": hq_run.records,
            "pairs_compared": hq_run.pairs_compared,
            **_score(hq_found, _true_pairs(same_dealer=False)),
        }
        payload["hq_cross_dealer_mode"] = hq_result
        print(
            f"HQ cross-dealer mode: {hq_run.pairs_compared:,} pairs compared, {hq_seconds:.1f} s,"
            f" P={hq_result['precision']:.4f} R={hq_result['recall']:.4f}"
            f" F1={hq_result['f1']:.4f}"
        )
    ok = dealer_seconds < TARGET_SECONDS and dealer_result["f1"] >= TARGET_F1  # type: ignore[operator]
    payload["targets_met"] = ok
    path = write_results("dedup", payload)
    print(f"results written to {path}")
    return 0 if ok else 2


if __name__ == "__main__":
    sys.exit(main())
