"""Shared benchmark plumbing: a PostgreSQL database loaded with the demo generator."""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/autocrm_bench"
RESULTS = Path(__file__).resolve().parent / "results"


def setup_django(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "autocrm.settings")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
    import django

    django.setup()


def ensure_database(database_url: str) -> None:
    """Create the benchmark database if it does not exist."""
    import psycopg
    from django.conf import settings  # noqa: F401 - settings are read after setup

    dbname = database_url.rsplit("/", 1)[1].split("?")[0]
    admin_url = database_url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [dbname]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{dbname}"')


def load_demo(customers: int, seed: int) -> float:
    """Migrate and (re)load the demo data unless the same size is already there.

    Returns the load time in seconds (0 when reused).
    """
    from django.core.management import call_command
    from django_scopes import scopes_disabled

    call_command("migrate", verbosity=0)
    from autocrm.customers.models import Customer

    with scopes_disabled():
        have = Customer.objects.count()
    marker = RESULTS / ".loaded.json"
    previous = json.loads(marker.read_text()) if marker.exists() else {}
    if have == customers and previous.get("seed") == seed and previous.get("n") == customers:
        print(f"reusing {have:,} customers already loaded", file=sys.stderr)
        return 0.0
    started = time.perf_counter()
    call_command("demo", customers=customers, seed=seed, replace=True, skip_detection=True)
    elapsed = time.perf_counter() - started
    RESULTS.mkdir(exist_ok=True)
    marker.write_text(json.dumps({"seed": seed, "n": customers, "load_seconds": elapsed}))
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return elapsed


def percentiles(samples_ms: list[float]) -> dict[str, float]:
    ordered = sorted(samples_ms)
    p95_index = max(0, int(round(0.95 * len(ordered))) - 1)
    return {
        "n": len(ordered),
        "p50_ms": round(statistics.median(ordered), 2),
        "p95_ms": round(ordered[p95_index], 2),
        "max_ms": round(ordered[-1], 2),
    }


def write_results(name: str, payload: dict[str, Any]) -> Path:
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps(payload, indent=2, ensure_ascii=False))
    return path


def prepare_demo_benchmark(parser: Any) -> tuple[Any, float]:
    """Add --customers/--seed to `parser`, parse, and load the demo database they name.

    Returns the parsed arguments and the load time in seconds (0 when reused).
    """
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    setup_django(url)
    ensure_database(url)
    return args, load_demo(args.customers, args.seed)
