"""Sales pages at a dealer group's scale: 50 dealers with a year of leads, showroom traffic,
opportunities, plans and their timeline activities, on PostgreSQL.

    python -m bench.sales [--dealers 50] [--customers-per-dealer 3600] [--prospects 2150]
                          [--repeat 30] [--seed 1] [--reuse]

Drops and recreates BENCH_SALES_DATABASE_URL (default a local `autocrm_bench_sales`), migrates
it, and loads the group in one transaction: the dealers with their staff and dictionaries,
as many customers as the leads need (cheap rows: name, mobile, trade relationship), and each
dealer's sales year from the demo's sales generator (`autocrm.demo.sales_load`, COPY). Target:
the load in under 5 minutes (the migration is timed apart). `--reuse` keeps a database loaded by an
earlier run with the same arguments.

Then, through the Django test client (full middleware, scoping, templates), 3 warm-up
requests and `--repeat` timed ones per page: as the first dealer's sales director the
workbench, the leads, opportunities, traffic, lost-request, funnel and setup pages, the
customer page of customers with opportunities and every analysis page (`sales:analysis*`,
from autocrm/sales/analysis_urls.py), each with its default range (90 days) and over the
year; as its general manager the pages the GM sees; as the HQ analyst the group-wide funnel
(its default range and the year) and the HQ workbench. Targets: p95 under 200 ms for a
dealer's pages, under 1 s for the group-wide ones. Prints a table and writes
bench/results/sales.json; exits 1 when the load misses its target, 2 when a page does.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from typing import Any

from bench._sales_world import load_group, recreate_database
from bench._setup import RESULTS, percentiles, setup_django, write_results

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/autocrm_bench_sales"
TARGET_LOAD_S = 300.0
TARGET_DEALER_MS = 200.0
TARGET_GROUP_MS = 1000.0
WARM_UP = 3
#: What the last load was (for --reuse); under var/, which git ignores.
MARKER = RESULTS.parents[1] / "var" / "bench_sales_loaded.json"


def _load(args: argparse.Namespace, url: str) -> dict[str, Any]:
    wanted = {
        "dealers": args.dealers,
        "customers_per_dealer": args.customers_per_dealer,
        "prospects": args.prospects,
        "seed": args.seed,
    }
    if args.reuse and MARKER.exists():
        previous = json.loads(MARKER.read_text())
        if previous.get("args") == wanted:
            setup_django(url)
            print("reusing the loaded database", file=sys.stderr)
            return {**previous["load"], "reused": True}
    recreate_database(url)
    setup_django(url)
    from django.core.management import call_command

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    migrate = time.perf_counter() - started
    load = load_group(**wanted)
    load["seconds"]["migrate"] = round(migrate, 1)
    MARKER.parent.mkdir(exist_ok=True)
    MARKER.write_text(json.dumps({"args": wanted, "load": load}, ensure_ascii=False))
    return load


def _pages() -> tuple[dict[str, list[str]], dict[str, list[str]], dict[str, list[str]]]:
    """The URLs per page: the director's, the GM's and HQ's."""
    from datetime import timedelta

    from django.urls import reverse
    from django.utils import timezone
    from django_scopes import scopes_disabled

    from autocrm.sales import analysis_urls
    from autocrm.sales.models import Opportunity
    from autocrm.tenancy.models import Dealer

    with scopes_disabled():
        dealer = Dealer.objects.order_by("id").first()
        assert dealer is not None
        customers = list(
            Opportunity.objects.filter(dealer=dealer)
            .order_by("-registered_on", "id")
            .values_list("customer_id", flat=True)
            .distinct()[:60]
        )
    director = {
        "workbench (home)": ["/"],
        "leads list": [reverse("sales:leads")],
        "opportunities list": [reverse("sales:opportunities")],
        "traffic": [reverse("sales:traffic")],
        "lost requests": [reverse("sales:lost_requests")],
        "funnel": [reverse("sales:funnel")],
        "setup": [reverse("sales:setup")],
        "customer page": [f"/customers/{pk}/" for pk in customers[:40]],
    }
    today = timezone.localdate()
    year = f"?start={today - timedelta(days=364):%Y-%m-%d}&end={today:%Y-%m-%d}"
    director["funnel, a year"] = [reverse("sales:funnel") + year]
    for pattern in analysis_urls.urlpatterns:
        director[f"analysis: {pattern.name}"] = [reverse(f"sales:{pattern.name}")]
        if pattern.name != "analysis":
            director[f"analysis: {pattern.name}, a year"] = [
                reverse(f"sales:{pattern.name}") + year
            ]
    gm = {
        name: urls for name, urls in director.items() if name not in ("leads list", "lost requests")
    }
    hq = {
        "group funnel (/sales/group/)": [reverse("sales:group")],
        "group funnel, a year": [reverse("sales:group") + year],
        "HQ workbench": ["/"],
    }
    return director, gm, hq


def _time(client: Any, urls: list[str], repeat: int) -> tuple[dict[str, float] | None, int]:
    for i in range(WARM_UP):
        client.get(urls[i % len(urls)])
    samples: list[float] = []
    status = 200
    for i in range(repeat):
        url = urls[i % len(urls)]
        started = time.perf_counter()
        response = client.get(url)
        samples.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            status = response.status_code
    return (percentiles(samples) if status == 200 else None), status


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dealers", type=int, default=50)
    parser.add_argument("--customers-per-dealer", type=int, default=3600)
    parser.add_argument("--prospects", type=int, default=2150, help="per dealer and year")
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--reuse", action="store_true")
    args = parser.parse_args()
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
    url = os.environ.get("BENCH_SALES_DATABASE_URL", DEFAULT_URL)
    load = _load(args, url)
    seconds = load["seconds"]
    load_s = seconds["total"]
    phases = [f"{k} {v:.1f} s" for k, v in seconds.items() if k not in ("total", "migrate")]
    migrate = seconds.get("migrate", 0)
    print(f"load: {load_s:.1f} s (migrate {migrate:.1f} s apart): " + ", ".join(phases))
    for table, n in load["rows"].items():
        print(f"  {table:32s} {n:>10,}")

    from django.test import Client
    from django.test.utils import setup_test_environment
    from django_scopes import scopes_disabled

    from autocrm.tenancy.models import Dealer, Staff
    from autocrm.tenancy.roles import Role

    setup_test_environment()
    with scopes_disabled():
        dealer = Dealer.objects.order_by("id").first()
        director = Staff.objects.get(dealer=dealer, role=Role.MANAGER, department="sales")
        gm = Staff.objects.get(dealer=dealer, role=Role.GENERAL_MANAGER)
        hq = Staff.objects.get(role=Role.HQ_ANALYST)
    director_pages, gm_pages, hq_pages = _pages()
    results: dict[str, dict[str, Any]] = {}
    failed = False
    for who, user, pages, target in (
        ("director", director, director_pages, TARGET_DEALER_MS),
        ("GM", gm, gm_pages, TARGET_DEALER_MS),
        ("HQ", hq, hq_pages, TARGET_GROUP_MS),
    ):
        client = Client()
        client.force_login(user)
        for name, urls in pages.items():
            found, status = _time(client, urls, args.repeat)
            key = f"{who}: {name}"
            if found is None:
                print(f"{key:44s} answered {status}", file=sys.stderr)
                results[key] = {"status": status}
                failed = True
                continue
            ok = found["p95_ms"] < target
            failed |= not ok
            results[key] = {**found, "target_ms": target, "ok": ok}
            print(
                f"{key:44s} n={found['n']:3d} p50={found['p50_ms']:7.1f} ms"
                f"  p95={found['p95_ms']:7.1f} ms  [{'ok' if ok else 'SLOW'}]"
            )
    path = write_results(
        "sales",
        {
            "dealers": args.dealers,
            "load_seconds": seconds,
            "load_target_seconds": TARGET_LOAD_S,
            "rows": load["rows"],
            "repeat": args.repeat,
            "warm_up": WARM_UP,
            "pages": results,
        },
    )
    print(f"results written to {path}")
    if not load.get("reused") and load_s > TARGET_LOAD_S:
        return 1
    return 2 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
