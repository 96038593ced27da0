"""The dealer group of `bench.sales`: N dealers (copies of the three demo dealers' brands,
cities and staff plan, each with its own code, logins and VIN plant), their customers from the
demo generator, and a sales year each from the demo's sales generator."""

from __future__ import annotations

import time
from dataclasses import replace
from typing import Any

from bench._setup import RESULTS  # noqa: F401 - the results folder the caller writes to


def recreate_database(database_url: str) -> None:
    """Drop the benchmark database (closing its sessions) and create it empty."""
    import psycopg

    dbname = database_url.rsplit("/", 1)[1].split("?")[0]
    admin_url = database_url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = %s AND pid <> pg_backend_pid()",
            [dbname],
        )
        conn.execute(f'DROP DATABASE IF EXISTS "{dbname}"')
        conn.execute(f'CREATE DATABASE "{dbname}"')


def dealer_specs(n: int) -> list[Any]:
    """N dealer specs: the demo's three in turn, numbered (prefix d01 … dNN)."""
    from autocrm.demo.catalog_data import DEALERS

    letters = "ABCDEFGHJKLMNPRSTUVWXYZ"
    specs = []
    for i in range(n):
        base = DEALERS[i % len(DEALERS)]
        number = i + 1
        specs.append(
            replace(
                base,
                prefix=f"d{number:02d}",
                code=f"BENCH-{number:02d}-{base.code.rsplit('-', 1)[-1]}",
                name=f"{base.name[:-3]}{number}号店",
                share=1 / n,
                plant=letters[i % len(letters)],
            )
        )
    return specs


def world_create(specs: list[Any]) -> Any:
    """The group, its dealers with their dictionaries and staff, and HQ: as the demo's
    world_create does for its three dealers."""
    from django.conf import settings
    from django.contrib.auth.hashers import make_password
    from django_scopes import scopes_disabled

    from autocrm.catalogue.services import catalogue_load
    from autocrm.demo.catalog_data import GROUP_CODE, GROUP_NAME, HQ_USERNAME, PASSWORD, STAFF_PLAN
    from autocrm.demo.loader import first_ids
    from autocrm.demo.world import DealerContext, World
    from autocrm.dictionaries.models import DictionaryEntry
    from autocrm.dictionaries.services import dictionaries_seed_defaults
    from autocrm.tenancy.models import Dealer, DealerGroup, Staff

    catalogue_load()
    password = make_password(PASSWORD)
    contexts = []
    with scopes_disabled():
        group, _created = DealerGroup.objects.get_or_create(
            code=GROUP_CODE, defaults={"name": GROUP_NAME}
        )
        staff_rows = []
        dealers = []
        for spec in specs:
            dealer = Dealer.objects.create(
                group=group,
                code=spec.code,
                name=spec.name,
                brand=spec.brand,
                province=spec.city.province,
                city=spec.city.name,
                plate_prefix=spec.city.plate_prefix,
            )
            dictionaries_seed_defaults(dealer=dealer, product_lines=[m.name for m in spec.models])
            dealers.append(dealer)
            for suffix, role, department, count in STAFF_PLAN:
                for n in range(1, count + 1):
                    username = f"{spec.prefix}_{suffix}{n if count > 1 else ''}"
                    staff_rows.append(
                        Staff(
                            username=username,
                            password=password,
                            dealer=dealer,
                            role=role,
                            department=department,
                            display_name=f"{spec.city.short}{suffix}{n}",
                        )
                    )
        staff_rows.append(
            Staff(
                username=HQ_USERNAME,
                password=password,
                role="hq_analyst",
                department="hq",
                display_name="总部分析员",
            )
        )
        Staff.objects.bulk_create(staff_rows)
        for spec, dealer in zip(specs, dealers, strict=True):
            entries: dict[str, dict[str, int]] = {}
            for kind, code, pk in DictionaryEntry.objects.filter(dealer=dealer).values_list(
                "kind", "code", "id"
            ):
                entries.setdefault(kind, {})[code] = pk
            staff: dict[str, list[int]] = {}
            for username, pk in (
                Staff.objects.filter(dealer=dealer).order_by("id").values_list("username", "id")
            ):
                suffix = username.split("_", 1)[1].rstrip("0123456789")
                staff.setdefault(suffix, []).append(pk)
            contexts.append(
                DealerContext(dealer.pk, spec, entries, {k: tuple(v) for k, v in staff.items()})
            )
    return World(dealers=tuple(contexts), quality=settings.QUALITY, first_ids=first_ids())


def cheap_customers(world: Any, per_dealer: int, seed: int) -> int:
    """As many customers per dealer as its leads need, with the fields the sales pages show
    (name, mobile, trade relationship, responsible consultant, dates), written with the demo
    loader's COPY writer: no vehicles, contacts or dirt (the demo generator makes those, at a
    cost the sales benchmark does not need)."""
    import random
    from datetime import timedelta

    from autocrm.demo import names_data as N
    from autocrm.demo.columns import CUSTOMER_COLUMNS
    from autocrm.demo.generator import moment
    from autocrm.demo.loader import make_writer

    rng = random.Random(seed)
    surnames = [s for s, _w in N.SURNAMES]
    weights = [w for _s, w in N.SURNAMES]
    trades = ("potential", "new", "long_term", "former")
    writer = make_writer()
    writer.start()
    pk = world.first_ids["customer"]
    anchor = world.now.date()
    for index, ctx in enumerate(world.dealers):
        rows = []
        sales = ctx.staff["sales"]
        for i in range(per_dealer):
            male = rng.random() < 0.6
            given = N.GIVEN_MALE if male else N.GIVEN_FEMALE
            name = rng.choices(surnames, weights)[0] + "".join(
                rng.choice(given) for _ in range(rng.randint(1, 2))
            )
            trade = rng.choices(trades, (45, 25, 22, 8))[0]
            days = {
                "potential": int(rng.random() ** 2 * 3 * 365),
                "new": rng.randint(0, 2 * 365),
            }.get(trade, rng.randint(2 * 365, 6 * 365))
            created = moment(anchor - timedelta(days=days), rng)
            mobile = f"1{rng.choice('3589')}{rng.randint(0, 9)}{index:02d}{i:06d}"
            values: dict[str, object] = dict.fromkeys(CUSTOMER_COLUMNS, "")
            values.update(
                dict.fromkeys(
                    (
                        "birth_date",
                        "industry_id",
                        "nature_id",
                        "product_line_id",
                        "info_source_id",
                        "referred_by_id",
                        "last_verified_at",
                        "merged_into_id",
                    ),
                    None,
                )  # fmt: skip
            )
            staff = rng.choice(sales)
            values.update(
                id=pk, dealer_id=ctx.id, kind="person", name=name, gender="M" if male else "F",
                mobile=f"+86{mobile}", mobile_raw=mobile, mobile_last4=mobile[-4:],
                family_members="[]", trade_relationship_id=ctx.entries["trade_relationship"][trade],
                responsible_staff_id=staff, created_by_id=staff, created_at=created,
                updated_at=created, is_active=True, accuracy_score=60, completeness_score=30,
                accuracy_level="fair", completeness_level="poor", quality_issues="[]",
                rejected_values="[]", accuracy_status="unverified", mobile_flagged_wrong=False,
                nature_id=ctx.entries["customer_nature"]["individual"],
            )  # fmt: skip
            rows.append(tuple(values[c] for c in CUSTOMER_COLUMNS))
            pk += 1
        writer.write({"customer": rows})
    writer.finish()
    return pk - world.first_ids["customer"]


def load_group(
    *, dealers: int, customers_per_dealer: int, prospects: int, seed: int
) -> dict[str, Any]:
    """Create and load the group in one transaction; returns the phases' seconds and the row
    counts."""
    from django.db import connection, transaction
    from django_scopes import scopes_disabled

    from autocrm.customers.activity import activities_for_loaded_rows
    from autocrm.demo.sales_load import sales_load
    from autocrm.demo.world import ANCHOR

    timings: dict[str, float] = {}
    started = time.perf_counter()
    with scopes_disabled(), transaction.atomic():
        specs = dealer_specs(dealers)
        world = world_create(specs)
        timings["world"] = time.perf_counter() - started
        mark = time.perf_counter()
        customers = cheap_customers(world, customers_per_dealer, seed)
        timings["customers"] = time.perf_counter() - mark
        mark = time.perf_counter()
        sales = sales_load(
            [(ctx.spec, ctx.id) for ctx in world.dealers],
            seed=seed,
            prospects=prospects,
            quality_now=ANCHOR,
        )
        timings["sales"] = time.perf_counter() - mark
        mark = time.perf_counter()
        activities = activities_for_loaded_rows(
            readings_from=world.first_ids["reading"],
            interactions_from=world.first_ids["interaction"],
        )
        timings["customer_activities"] = time.perf_counter() - mark
    mark = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    timings["analyze"] = time.perf_counter() - mark
    timings["total"] = time.perf_counter() - started
    rows = {"customers.customer": customers}
    rows |= {f"sales.{k}": v for k, v in sales.rows.items()}
    rows["core.activity (customers)"] = activities
    return {"seconds": {k: round(v, 1) for k, v in timings.items()}, "rows": rows}
