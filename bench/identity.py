"""Identity benchmark: dealer exports imported and de-duplicated, scored against an independent
ground truth (households, fleets, namesakes, resold cars, true duplicates).

    python -m bench.identity [--seed 1] [--scale 1.0] [--via service|command|browser]
                             [--out DIR] [--threshold P]

1. `bench.identity_data` writes one Shenzhen dealer's exports (four files, three layouts) and
   their truth (sheet row → person) into --out (default a temporary folder).
2. A fresh database (BENCH_IDENTITY_DATABASE_URL, default a local PostgreSQL
   `autocrm_identbench`, dropped and migrated empty; a sqlite:/// URL works too) gets one dealer
   with a data steward and the consultants the exports name as staff here.
3. The files are imported in order by the production import: `--via service` (default) calls
   `autocrm.imports.services.import_file` (what `manage.py import_customers` does), `command`
   runs the management command itself, `browser` previews and then applies (the upload page's
   two steps).
4. The production duplicate detection runs for the dealer
   (`autocrm.matching.detection.duplicates_detect`).

Scoring, over pairs of sheet rows: predicted "same person" = two rows the import put into one
customer, or whose customers form a duplicate candidate at or above the model threshold; true
= two rows of the same person. Reported beside precision, recall and F1: customers holding rows
of more than one person (different people merged into one), rows naming someone that were
rejected, customers carrying another person's ID number, and vehicle ownership (is the current
owner the last true owner; is a previous owner recorded as a former one).

Which customer a row went to is read from `ImportRow` (one per sheet row, written by the
import). TEMPORARY, until the import writes `ImportRow`: the service and browser paths read it
from the import's own plan instead — each checked row's entity key and the customer id the plan
settled for it — which is exact for the process that ran the import; the command path needs
`ImportRow`.

Writes bench/results/identity.json; exits 2 when F1 < 0.95, when any different people were
merged into one customer or when a row naming someone was rejected.
"""

from __future__ import annotations

import argparse
import itertools
import os
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench._setup import setup_django, write_results

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/autocrm_identbench"
TARGET_F1 = 0.95
DEALER_CODE = "SZ-IDENT"
EXAMPLES = 12


# --- database ---------------------------------------------------------------------------------


def fresh_database(url: str) -> None:
    """Drop and recreate the benchmark database (or delete the SQLite file)."""
    if url.startswith("sqlite"):
        path = Path(url.split(":///", 1)[1])
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
        path.parent.mkdir(parents=True, exist_ok=True)
        return
    import psycopg

    dbname = url.rsplit("/", 1)[1].split("?")[0]
    if not dbname.startswith("autocrm_identbench"):
        raise SystemExit(f"refusing to drop {dbname!r}: use a database named autocrm_identbench*")
    admin_url = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{dbname}"')


def create_dealer(staff_names: list[str]) -> tuple[Any, Any]:
    """The dealer, its data steward (who imports) and the consultants the files name."""
    from django_scopes import scopes_disabled

    from autocrm.tenancy.models import Dealer, DealerGroup, Staff
    from autocrm.tenancy.roles import Department, Role

    with scopes_disabled():
        group = DealerGroup.objects.create(code="IDENT", name="身份基准集团")
        dealer = Dealer.objects.create(
            code=DEALER_CODE, group=group, name="深圳丰田汽车销售服务有限公司", brand="广汽丰田",
            province="广东省", city="深圳市", plate_prefix="粤B",
        )  # fmt: skip
        steward = Staff.objects.create(
            username="identbench-steward", dealer=dealer, role=Role.CUSTOMER_RELATIONS,
            department=Department.CUSTOMER_RELATIONS, display_name="数据专员",
        )  # fmt: skip
        for n, name in enumerate(staff_names):
            sales = n < len(staff_names) - 2
            Staff.objects.create(
                username=f"identbench-staff{n + 1}", dealer=dealer, display_name=name,
                role=Role.SALES_CONSULTANT if sales else Role.SERVICE_ADVISOR,
                department=Department.SALES if sales else Department.SERVICE,
            )  # fmt: skip
    return dealer, steward


# --- import -------------------------------------------------------------------------------------


@dataclass
class Imported:
    file: str
    batch_id: int | None
    seconds: float
    status: str
    header_row: int
    counts: dict[str, int]
    #: sheet row number → customer id (None: rejected or skipped)
    customer_of: dict[int, int | None] = field(default_factory=dict)
    source: str = ""  # "ImportRow" | "plan (temporary)"
    errors: list[dict[str, Any]] = field(default_factory=list)


def _from_plan(analysis: Any) -> dict[int, int | None]:
    """TEMPORARY (until the import writes ImportRow): each checked row's entity in the import's
    plan and the customer id the plan settled for it."""
    out: dict[int, int | None] = {}
    plan = analysis.plan
    for row in analysis.rows:
        if row.errors or getattr(row, "entity", None) is None:
            out[row.number] = None
            continue
        planned = plan.customers.get(row.entity)
        out[row.number] = planned.existing_id if planned is not None else None
    return out


def _from_import_rows(batch_id: int) -> dict[int, int | None] | None:
    from django_scopes import scopes_disabled

    try:
        from autocrm.imports.models import ImportRow
    except ImportError:
        return None
    with scopes_disabled():
        rows = list(
            ImportRow.objects.filter(batch_id=batch_id).values_list("number", "customer_id")
        )
    return dict(rows) if rows else None


def import_files(
    folder: Path, files: list[str], dealer: Any, actor: Any, via: str
) -> list[Imported]:
    from django.core.management import call_command
    from django_scopes import scope, scopes_disabled

    from autocrm.imports.applying import WRITE_BATCH, apply_rows
    from autocrm.imports.models import ImportBatch
    from autocrm.imports.services import import_file, import_preview

    out = []
    for name in files:
        path = folder / name
        content = path.read_bytes()
        analysis = None
        started = time.perf_counter()
        with scope(dealer=dealer.pk):
            if via == "service":
                batch, analysis = import_file(actor=actor, content=content, filename=name)
            elif via == "browser":
                batch, preview = import_preview(actor=actor, content=content, filename=name)
                # what import_apply does, keeping the result (its plan) for the fallback
                batch, analysis = apply_rows(actor, batch, WRITE_BATCH, analysis=preview)
            else:
                with open(os.devnull, "w") as quiet:
                    call_command("import_customers", str(path), dealer=dealer.code, stdout=quiet)
                with scopes_disabled():
                    batch = ImportBatch.objects.filter(dealer=dealer).latest("id")
        seconds = time.perf_counter() - started
        customer_of = _from_import_rows(batch.pk)
        source = "ImportRow"
        if customer_of is None:
            if analysis is None:
                raise SystemExit("--via command needs the import to write ImportRow rows")
            customer_of, source = _from_plan(analysis), "plan (temporary)"
        out.append(
            Imported(
                file=name, batch_id=batch.pk, seconds=round(seconds, 2), status=batch.status,
                header_row=batch.header_row,
                counts={"new": batch.count_new, "updated": batch.count_updated,
                        "unchanged": batch.count_unchanged, "rejected": batch.count_rejected},
                customer_of=customer_of, source=source, errors=list(batch.errors),
            )
        )  # fmt: skip
        print(
            f"imported {name}: {batch.status}, header in row {batch.header_row}, "
            f"{out[-1].counts} in {seconds:.1f} s",
            file=sys.stderr,
        )
    return out


# --- scoring ------------------------------------------------------------------------------------


def _pairs(groups: dict[Any, list[int]]) -> set[tuple[int, int]]:
    out: set[tuple[int, int]] = set()
    for members in groups.values():
        out.update(itertools.combinations(sorted(members), 2))
    return out


def _normal_id(value: str) -> str:
    from bench.identity_data import id15_to_18

    value = "".join(value.split()).upper()
    if len(value) == 15 and value.isdigit():
        return id15_to_18(value)
    return value


def _relation(truth: dict[str, Any], a: int, b: int) -> str:
    """What two different people are to each other in the truth."""
    pa, pb = truth["people"][str(a)], truth["people"][str(b)]
    if pa["group"] and pa["group"] == pb["group"]:
        return pa["group"].split(":")[0]  # household | fleet | namesake
    vins_a = {v for v, owners in truth["vehicles"].items() if any(o[0] == a for o in owners)}
    if any(any(o[0] == b for o in truth["vehicles"][v]) for v in vins_a):
        return "resold car"
    if pa["name"] == pb["name"]:
        return "same name"
    return "unrelated"


def score(truth: dict[str, Any], imported: list[Imported], threshold: float) -> dict[str, Any]:
    from django_scopes import scopes_disabled

    from autocrm.customers.models import Customer, Vehicle
    from autocrm.matching.models import DuplicateCandidate

    # every truth row gets an index; its person, its customer
    person: list[int] = []
    customer: list[int | None] = []
    info: list[dict[str, Any]] = []
    for f, result in zip(truth["files"], imported, strict=True):
        for row in f["rows"]:
            person.append(row["person"])
            customer.append(result.customer_of.get(row["row"]))
            info.append({**row, "file": f["file"]})
    n = len(person)
    by_person: dict[int, list[int]] = defaultdict(list)
    by_customer: dict[int, list[int]] = defaultdict(list)
    for i in range(n):
        by_person[person[i]].append(i)
        if customer[i] is not None:
            by_customer[customer[i]].append(i)
    true_pairs = _pairs(by_person)
    merged_pairs = _pairs(by_customer)
    with scopes_disabled():
        candidates = list(
            DuplicateCandidate.objects.filter(probability__gte=threshold).values_list(
                "customer_low_id", "customer_high_id"
            )
        )
        customers = {
            c["id"]: c
            for c in Customer.objects.filter(id__in=list(by_customer)).values(
                "id", "name", "id_number", "uscc", "mobile"
            )
        }
        vehicles = {
            vin: cid
            for vin, cid in Vehicle.objects.filter(vin__in=list(truth["vehicles"])).values_list(
                "vin", "customer_id"
            )
        }
    candidate_pairs: set[tuple[int, int]] = set()
    for low, high in candidates:
        for a in by_customer.get(low, ()):
            for b in by_customer.get(high, ()):
                candidate_pairs.add((min(a, b), max(a, b)))
    found = merged_pairs | candidate_pairs
    hits = found & true_pairs
    precision = len(hits) / len(found) if found else 0.0
    recall = len(hits) / len(true_pairs) if true_pairs else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0

    # the same over the rows the import took in only (what the matching did with them)
    kept = {i for i in range(n) if customer[i] is not None}
    kept_true = {pair for pair in true_pairs if pair[0] in kept and pair[1] in kept}
    kept_hits = len(found & kept_true)
    kept_p = kept_hits / len(found) if found else 0.0
    kept_r = kept_hits / len(kept_true) if kept_true else 1.0
    kept_f1 = 2 * kept_p * kept_r / (kept_p + kept_r) if kept_p + kept_r else 0.0
    people = truth["people"]

    def main_person(cid: int) -> int:
        counts = Counter(person[i] for i in by_customer[cid])
        return max(
            counts, key=lambda p: (counts[p], -min(i for i in by_customer[cid] if person[i] == p))
        )

    # different people merged into one customer
    mixed = {cid: sorted({person[i] for i in rows}) for cid, rows in by_customer.items()}
    mixed = {cid: pids for cid, pids in mixed.items() if len(pids) > 1}
    person_pairs_merged = {
        pair for pids in mixed.values() for pair in itertools.combinations(pids, 2)
    }
    merge_relations = Counter(_relation(truth, a, b) for a, b in person_pairs_merged)
    mixed_examples = [
        {
            "customer": cid,
            "name": customers.get(cid, {}).get("name", ""),
            "people": [f"{people[str(p)]['name']} ({people[str(p)]['role']})" for p in pids],
        }
        for cid, pids in sorted(mixed.items(), key=lambda item: -len(item[1]))[:EXAMPLES]
    ]
    # false positives of detection alone (between customers)
    candidate_fp = Counter(
        _relation(truth, person[a], person[b])
        for a, b in candidate_pairs - true_pairs
        if person[a] != person[b]
    )
    # missed true pairs: why
    missed = true_pairs - found
    missed_why: Counter[str] = Counter()
    missed_variants: Counter[str] = Counter()
    for a, b in missed:
        if customer[a] is None or customer[b] is None:
            missed_why["a row rejected"] += 1
        else:
            missed_why["kept apart (no merge, no candidate)"] += 1
            for v in set(info[a]["variants"]) | set(info[b]["variants"]):
                missed_variants[v] += 1
    # rejected rows that named someone
    rejected = [i for i in range(n) if customer[i] is None]
    rejected_usable = [i for i in rejected if info[i]["usable"]]
    reasons: Counter[str] = Counter()
    for result in imported:
        for error in result.errors:
            reasons[f"{error.get('column', '')}: {error.get('message', '')}"] += 1
    # ID numbers on the wrong customer
    owner_of_id: dict[str, int] = {}
    for pid, p in people.items():
        for key in (p["id_number"], p["uscc"]):
            if key:
                owner_of_id[key] = int(pid)
    wrong_id: list[dict[str, Any]] = []
    unknown_id = 0
    for cid, c in customers.items():
        number = _normal_id(c["id_number"] or c["uscc"] or "")
        if not number:
            continue
        owner = owner_of_id.get(number)
        if owner is None:
            unknown_id += 1
        elif owner != main_person(cid):
            wrong_id.append({
                "customer": cid, "name": c["name"],
                "rows_mostly_of": people[str(main_person(cid))]["name"],
                "id_belongs_to": people[str(owner)]["name"],
                "single_person_customer": cid not in mixed,
            })  # fmt: skip
    # vehicle ownership
    ownership = _ownership(truth, vehicles, by_customer, main_person)
    return {
        "rows": n,
        "people": len(by_person),
        "customers": len(by_customer),
        "threshold": threshold,
        "pairs": {
            "true": len(true_pairs),
            "found": len(found),
            "merged_by_import": len(merged_pairs),
            "from_candidates": len(candidate_pairs),
            "true_positives": len(hits),
            "precision": round(precision, 4),
            "recall": round(recall, 4),
            "f1": round(f1, 4),
            "among_imported_rows": {
                "true": len(kept_true),
                "precision": round(kept_p, 4),
                "recall": round(kept_r, 4),
                "f1": round(kept_f1, 4),
            },
        },
        "different_people_merged": {
            "customers": len(mixed),
            "person_pairs": len(person_pairs_merged),
            "by_relation": dict(merge_relations.most_common()),
            "examples": mixed_examples,
        },
        "candidate_false_pairs_by_relation": dict(candidate_fp.most_common()),
        "missed_true_pairs": {
            "total": len(missed),
            "why": dict(missed_why.most_common()),
            "variants_on_kept_apart_rows": dict(missed_variants.most_common(15)),
        },
        "rejected_rows": {
            "total": len(rejected),
            "naming_someone": len(rejected_usable),
            "share": round(len(rejected) / n, 4) if n else 0.0,
            "reasons": dict(reasons.most_common(12)),
            "examples": [
                {
                    "file": info[i]["file"],
                    "row": info[i]["row"],
                    "person": people[str(person[i])]["name"],
                    "variants": info[i]["variants"],
                }
                for i in rejected_usable[:EXAMPLES]
            ],  # fmt: skip
        },
        "id_number_of_another_person": {
            "customers": len(wrong_id),
            "of_them_single_person_customers": sum(w["single_person_customer"] for w in wrong_id),
            "examples": wrong_id[:EXAMPLES],
            "id_matching_nobody": unknown_id,
        },
        "vehicle_ownership": ownership,
    }


def _ownership(
    truth: dict[str, Any],
    vehicles: dict[str, int],
    by_customer: dict[int, list[int]],
    main_person: Any,
) -> dict[str, Any]:
    """Current owner right per VIN; previous owners kept as former ones (VehicleOwnership)."""
    from django_scopes import scopes_disabled

    total = len(truth["vehicles"])
    current_ok = missing = resold_ok = 0
    wrong: list[str] = []
    for vin, owners in truth["vehicles"].items():
        cid = vehicles.get(vin)
        if cid is None or cid not in by_customer:
            missing += 1
            continue
        if main_person(cid) == owners[-1][0]:
            current_ok += 1
            resold_ok += len(owners) > 1
        else:
            wrong.append(vin)
    out: dict[str, Any] = {
        "vins": total,
        "current_owner_right": current_ok,
        "current_owner_wrong": len(wrong),
        "vehicle_missing": missing,
        "resold_vins": sum(1 for owners in truth["vehicles"].values() if len(owners) > 1),
        "resold_current_owner_right": resold_ok,
    }
    try:
        from autocrm.customers.models import VehicleOwnership
    except ImportError:
        out["previous_owner_recorded"] = "n/a"
        return out
    resold = {vin: owners for vin, owners in truth["vehicles"].items() if len(owners) > 1}
    with scopes_disabled():
        periods = defaultdict(list)
        for vin, cid, ended in VehicleOwnership.objects.filter(
            vehicle__vin__in=list(resold)
        ).values_list("vehicle__vin", "customer_id", "ended_on"):
            periods[vin].append((cid, ended))
    recorded = 0
    for vin, owners in resold.items():
        previous = {o[0] for o in owners[:-1]}
        if any(
            ended is not None and cid in by_customer and main_person(cid) in previous
            for cid, ended in periods.get(vin, ())
        ):
            recorded += 1
    out["previous_owner_recorded"] = recorded
    out["previous_owner_missing"] = len(resold) - recorded
    return out


# --- the run ------------------------------------------------------------------------------------


def summary(payload: dict[str, Any]) -> str:
    s = payload["score"]
    p = s["pairs"]
    m = s["different_people_merged"]
    r = s["rejected_rows"]
    v = s["vehicle_ownership"]
    lines = [
        f"identity benchmark (seed {payload['seed']}, scale {payload['scale']}, via "
        f"{payload['via']}, row mapping from {payload['row_mapping_source']}):",
        f"  {s['rows']:,} rows of {s['people']:,} people → {s['customers']:,} customers",
        f"  pairs of rows: true {p['true']:,}, found {p['found']:,} (import merged "
        f"{p['merged_by_import']:,}, candidates ≥ {s['threshold']} {p['from_candidates']:,})",
        f"  precision {p['precision']:.4f}  recall {p['recall']:.4f}  F1 {p['f1']:.4f}"
        f"  (target ≥ {TARGET_F1})",
        f"  among the rows imported only: precision {p['among_imported_rows']['precision']:.4f}"
        f"  recall {p['among_imported_rows']['recall']:.4f}"
        f"  F1 {p['among_imported_rows']['f1']:.4f}",
        f"  different people merged into one: {m['customers']} customers, {m['person_pairs']}"
        f" pairs of people {m['by_relation']}",
    ]
    for example in m["examples"][:6]:
        lines.append(
            f"    #{example['customer']} {example['name']}: {', '.join(example['people'])}"
        )
    lines += [
        f"  rejected rows: {r['total']} ({r['share']:.1%}), {r['naming_someone']} of them "
        f"naming someone",
    ]
    for reason, count in list(r["reasons"].items())[:6]:
        lines.append(f"    {count:>5}  {reason}")
    lines += [
        f"  missed true pairs: {s['missed_true_pairs']['why']}",
        f"  customers with another person's ID number: "
        f"{s['id_number_of_another_person']['customers']} (of them holding one person's rows"
        f" only: {s['id_number_of_another_person']['of_them_single_person_customers']})",
        f"  vehicles: current owner right {v['current_owner_right']}/{v['vins']}, wrong "
        f"{v['current_owner_wrong']}, missing {v['vehicle_missing']}; resold "
        f"{v['resold_vins']} (current owner right {v['resold_current_owner_right']}), previous"
        f" owner recorded as former: {v['previous_owner_recorded']}",
        f"  timings: {payload['timings']}",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--via", choices=("service", "command", "browser"), default="service")
    parser.add_argument("--out", type=Path, help="where the exports go (default: a temp dir)")
    parser.add_argument("--threshold", type=float, help="candidate threshold (default: model's)")
    args = parser.parse_args(argv)

    url = os.environ.get("BENCH_IDENTITY_DATABASE_URL", DEFAULT_URL)
    timings: dict[str, float] = {}
    from bench.identity_data import generate

    out = args.out or Path(tempfile.mkdtemp(prefix="autocrm-identbench-"))
    started = time.perf_counter()
    truth = generate(out, args.seed, args.scale)
    timings["generate_s"] = round(time.perf_counter() - started, 2)
    print(f"exports and truth in {out}", file=sys.stderr)

    fresh_database(url)
    setup_django(url)
    from django.core.management import call_command

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    timings["migrate_s"] = round(time.perf_counter() - started, 2)
    dealer, steward = create_dealer(truth["dealer"]["staff"])

    started = time.perf_counter()
    imported = import_files(out, [f["file"] for f in truth["files"]], dealer, steward, args.via)
    timings["import_s"] = round(time.perf_counter() - started, 2)

    from django_scopes import scopes_disabled

    from autocrm.matching import detection, model

    started = time.perf_counter()
    with scopes_disabled():
        run = detection.duplicates_detect(dealer=dealer, threshold=args.threshold)
    timings["detection_s"] = round(time.perf_counter() - started, 2)
    threshold = model.THRESHOLD if args.threshold is None else args.threshold
    print(
        f"detection: {run.records:,} records, {run.pairs_compared:,} pairs compared, "
        f"{run.candidates_found:,} candidates",
        file=sys.stderr,
    )
    result = score(truth, imported, threshold)
    sources = sorted({i.source for i in imported})
    payload: dict[str, Any] = {
        "seed": args.seed,
        "scale": args.scale,
        "via": args.via,
        "database": "sqlite" if url.startswith("sqlite") else "postgresql",
        "row_mapping_source": ", ".join(sources),
        "cases": truth["cases"],
        "files": [
            {
                "file": i.file,
                "status": i.status,
                "header_row": i.header_row,
                "seconds": i.seconds,
                "counts": i.counts,
            }
            for i in imported
        ],  # fmt: skip
        "detection": {
            "records": run.records,
            "pairs_compared": run.pairs_compared,
            "candidates": run.candidates_found,
            "seconds": run.seconds,
        },
        "score": result,
        "timings": timings,
        "target_f1": TARGET_F1,
    }
    ok = (
        result["pairs"]["f1"] >= TARGET_F1
        and result["different_people_merged"]["customers"] == 0
        and result["rejected_rows"]["naming_someone"] == 0
    )
    payload["targets_met"] = ok
    path = write_results("identity", payload)
    print(summary(payload))
    print(f"results written to {path}")
    return 0 if ok else 2


if __name__ == "__main__":
    sys.exit(main())
