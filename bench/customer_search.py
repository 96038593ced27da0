"""Customer list search and customer 360 latency on a million generated customers.

    python -m bench.customer_search [--customers 1000000] [--seed 1] [--repeat 100]

Loads the demo generator's data into PostgreSQL (BENCH_DATABASE_URL, default a local
`autocrm_bench` database; reused when already loaded), signs in as a department manager of
the largest dealer and measures, through the Django test client (full middleware, scoping,
templates), the customer list searched by last-4 mobile, part of a mobile, name fragment, plate, VIN
and VIN tail, and the customer 360 page. Prints p50 / p95 per case and writes
bench/results/customer_search.json. Target: p95 < 100 ms for each.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from urllib.parse import quote

from bench._setup import percentiles, prepare_demo_benchmark, write_results

TARGET_P95_MS = 100.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=100)
    args, load_seconds = prepare_demo_benchmark(parser)

    from django.test import Client
    from django_scopes import scope, scopes_disabled

    from autocrm.customers.models import Customer, Vehicle
    from autocrm.tenancy.models import Staff
    from autocrm.tenancy.roles import Role

    with scopes_disabled():
        dealer_id = Customer.objects.values("dealer_id").order_by("dealer_id").first()["dealer_id"]
        manager = Staff.objects.filter(dealer_id=dealer_id, role=Role.MANAGER).first()
    rng = random.Random(args.seed)
    with scope(dealer=dealer_id):
        max_id = Customer.objects.order_by("-id").values_list("id", flat=True).first()
        min_id = Customer.objects.order_by("id").values_list("id", flat=True).first()
        sample: list[Customer] = []
        while len(sample) < args.repeat:
            start = rng.randint(min_id, max_id)
            found = Customer.objects.filter(id__gte=start).exclude(mobile="").order_by("id").first()
            if found is not None:
                sample.append(found)
        vehicles = list(
            Vehicle.objects.filter(customer_id__in=[c.pk for c in sample]).exclude(plate_number="")
        )
    client = Client()
    client.force_login(manager)

    cases: dict[str, list[str]] = {
        "list: last-4 mobile": [f"/customers/?q={c.mobile[-4:]}" for c in sample],
        "list: name fragment": [f"/customers/?q={quote(c.name[:2])}" for c in sample],
        "list: full name": [f"/customers/?q={quote(c.name)}" for c in sample],
        "list: plate": [f"/customers/?q={quote(v.plate_number)}" for v in vehicles],
        "list: VIN": [f"/customers/?q={v.vin}" for v in vehicles],
        # 车架号后六位: six characters, often digits (then also part of a mobile)
        "list: VIN tail": [f"/customers/?q={v.vin[-6:]}" for v in vehicles],
        "list: part of a mobile": [f"/customers/?q={c.mobile[5:14]}" for c in sample],
        "list: no search": ["/customers/"] * 20,
        "customer 360": [f"/customers/{c.pk}/" for c in sample],
    }
    results: dict[str, dict[str, float]] = {}
    for name, urls in cases.items():
        for warm in urls[:5]:
            client.get(warm)
        timings: list[float] = []
        for path in urls:
            started = time.perf_counter()
            response = client.get(path)
            timings.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                print(f"{name}: {path} answered {response.status_code}", file=sys.stderr)
                return 1
        results[name] = percentiles(timings)
        r = results[name]
        verdict = "ok" if r["p95_ms"] < TARGET_P95_MS else "SLOW"
        print(
            f"{name:24s} n={r['n']:4d} p50={r['p50_ms']:7.1f} ms  p95={r['p95_ms']:7.1f} ms"
            f"  [{verdict}]"
        )
    with scopes_disabled():
        total = Customer.objects.count()
    path = write_results(
        "customer_search",
        {
            "customers": total,
            "load_seconds": round(load_seconds, 1),
            "target_p95_ms": TARGET_P95_MS,
            "cases": results,
        },
    )
    print(f"customers in database: {total:,}; results written to {path}")
    return 0 if all(r["p95_ms"] < TARGET_P95_MS for r in results.values()) else 2


if __name__ == "__main__":
    sys.exit(main())
