"""The import's speed against an earlier commit, in alternating runs on this machine.

    python -m bench.import_paired --against 7ad65d2 [--rows 100000] [--pairs 3]

The speed of this machine varies two- to threefold from hour to hour (openpyxl read the
100,000-row bench file in 10.5 s on one day and in 31.0 s on another), so an import's rows per
second only compare with a run made minutes before or after it. This benchmark imports the
`bench.import_excel` file with this checkout and with the commit `--against` (checked out in
a temporary git worktree that uses this checkout's virtualenv), one after the other, the order
reversed every pair, each into a fresh PostgreSQL database. Each run reports its wall time and
the CPU time of the whole machine, of the import process and of its validation workers.

It prints the median of each and the ratio (this checkout / the other), and writes
bench/results/import_paired.json. It sets no target of its own; `bench.import_excel` keeps the
issue's.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from bench._setup import write_results
from bench.import_excel import DEFAULT_IMPORT_URL, generate

ROOT = Path(__file__).resolve().parent.parent

#: One import, run in the checkout under test (the same calls at every commit since the
#: pipeline has had `import_file`): a fresh database, a dealer, the file imported once.
CHILD = r"""
import json, os, resource, sys, time
from pathlib import Path
sys.path.insert(0, os.getcwd())
from bench._setup import ensure_database, setup_django
from bench.import_excel import drop_database
url, path = sys.argv[1], Path(sys.argv[2])
drop_database(url)
setup_django(url)
ensure_database(url)
from django.core.management import call_command
call_command("migrate", verbosity=0)
from django_scopes import scope, scopes_disabled
from autocrm.imports.services import import_file
from autocrm.tenancy.models import Dealer, DealerGroup, Staff
from autocrm.tenancy.roles import Role
with scopes_disabled():
    group, _ = DealerGroup.objects.get_or_create(code="BENCHPAIR", defaults={"name": "基准"})
    dealer = Dealer.objects.create(
        code="PAIR1", group=group, name="导入基准4S店", brand="一汽-大众", province="广东省",
        city="广州市", plate_prefix="粤A",
    )
    actor = Staff.objects.create(
        username="import-pair", dealer=dealer, role=Role.CUSTOMER_RELATIONS,
        display_name="导入基准",
    )
content = path.read_bytes()

def busy() -> float:
    fields = [int(v) for v in open("/proc/stat").readline().split()[1:]]
    return (sum(fields) - fields[3] - fields[4]) / os.sysconf("SC_CLK_TCK")

before, started = busy(), time.perf_counter()
own = resource.getrusage(resource.RUSAGE_SELF)
with scope(dealer=dealer.pk):
    batch, _analysis = import_file(actor=actor, content=content, filename=path.name)
wall = time.perf_counter() - started
after = resource.getrusage(resource.RUSAGE_SELF)
workers = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({
    "status": str(batch.status), "new": batch.count_new, "wall_s": wall,
    "machine_cpu_s": busy() - before,
    "import_cpu_s": after.ru_utime + after.ru_stime - own.ru_utime - own.ru_stime,
    "workers_cpu_s": workers.ru_utime + workers.ru_stime,
}), flush=True)
# Dropped at once, so that PostgreSQL's autovacuum of what this run wrote does not run during
# the next run, the other commit's.
from django.db import connections
connections.close_all()
drop_database(url)
"""


def run_one(tree: Path, url: str, path: Path) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, "-c", CHILD, url, str(path)],
        cwd=tree, check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    result: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    if result["status"] != "applied":
        raise SystemExit(f"the import in {tree} ended {result['status']}")
    return result


def worktree(revision: str) -> Path:
    """The commit checked out in a temporary worktree, with this checkout's virtualenv."""
    place = Path(tempfile.mkdtemp(prefix="autocrm-paired-")) / "tree"
    subprocess.run(
        ["git", "worktree", "add", "--detach", str(place), revision],
        cwd=ROOT, check=True, capture_output=True,
    )  # fmt: skip
    (place / ".venv").symlink_to(ROOT / ".venv")
    return place


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--against", required=True, help="the commit to compare with")
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--pairs", type=int, default=3)
    args = parser.parse_args()

    path = Path(tempfile.gettempdir()) / f"autocrm-import-bench-{args.rows}-{args.seed}.xlsx"
    if not path.exists():
        generate(path, args.rows, args.seed)
    base = os.environ.get("BENCH_IMPORT_DATABASE_URL", DEFAULT_IMPORT_URL)
    urls = {"this": base + "_this", "other": base + "_other"}
    other = worktree(args.against)
    trees = {"this": ROOT, "other": other}
    runs: dict[str, list[dict[str, Any]]] = {"this": [], "other": []}
    try:
        for pair in range(args.pairs):
            order = ("other", "this") if pair % 2 == 0 else ("this", "other")
            for side in order:
                result = run_one(trees[side], urls[side], path)
                runs[side].append(result)
                print(
                    f"pair {pair + 1} {side:5}: {result['wall_s']:.1f} s wall, machine CPU "
                    f"{result['machine_cpu_s']:.1f} s (import {result['import_cpu_s']:.1f} s, "
                    f"workers {result['workers_cpu_s']:.1f} s)",
                    file=sys.stderr,
                )
    finally:
        subprocess.run(
            ["git", "worktree", "remove", "--force", str(other)], cwd=ROOT, capture_output=True
        )

    def median(side: str, key: str) -> float:
        return round(statistics.median(r[key] for r in runs[side]), 2)

    keys = ("wall_s", "machine_cpu_s", "import_cpu_s", "workers_cpu_s")
    payload = {
        "rows": args.rows,
        "against": args.against,
        "this": subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip(),
        "pairs": args.pairs,
        "median": {side: {k: median(side, k) for k in keys} for side in runs},
        "wall_ratio_per_pair": [
            round(t["wall_s"] / o["wall_s"], 3)
            for t, o in zip(runs["this"], runs["other"], strict=True)
        ],
        "runs": runs,
    }
    payload["wall_ratio_of_medians"] = round(
        payload["median"]["this"]["wall_s"] / payload["median"]["other"]["wall_s"], 3
    )
    out = write_results("import_paired", payload)
    print(
        f"{args.rows:,} rows: this {payload['median']['this']['wall_s']} s, {args.against} "
        f"{payload['median']['other']['wall_s']} s (medians of {args.pairs}); ratio "
        f"{payload['wall_ratio_of_medians']}, per pair {payload['wall_ratio_per_pair']} → {out}",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
