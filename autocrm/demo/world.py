"""The fixed part of the demo: dealer group, dealers, staff logins and dictionaries.

`World` is what the row generator needs to know about them (ids only), so the generator can run
without a database (`synthetic_world`) as well as against the rows `world_create` writes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from random import Random
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import Model
from django_scopes import scopes_disabled

from autocrm.catalogue.services import catalogue_load
from autocrm.demo.catalog_data import (
    DEALERS,
    GROUP_CODE,
    GROUP_NAME,
    HQ_USERNAME,
    PASSWORD,
    STAFF_PLAN,
    DealerSpec,
)
from autocrm.demo.people import PeopleFactory
from autocrm.dictionaries.models import DictionaryEntry
from autocrm.dictionaries.services import dictionaries_seed_defaults
from autocrm.tenancy.models import Dealer, DealerGroup, Staff

#: The fixed "today" of the demo data, so the same seed gives the same rows on any day.
ANCHOR = datetime(2026, 11, 1, tzinfo=UTC)
#: Seed of the staff names (independent of --seed: logins never change).
STAFF_SEED = 20261101


@dataclass(frozen=True)
class DealerContext:
    id: int
    spec: DealerSpec
    entries: Mapping[str, Mapping[str, int]]  # dictionary kind -> code -> entry id
    staff: Mapping[str, tuple[int, ...]]  # username suffix (sales, service, cr ...) -> ids


@dataclass(frozen=True)
class World:
    dealers: tuple[DealerContext, ...]
    quality: Mapping[str, Any]
    now: datetime = ANCHOR
    #: First free primary key per generated table.
    first_ids: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Login:
    username: str
    role: str
    department: str
    dealer: str


def staff_plan() -> list[tuple[str | None, str, str, str, str]]:
    """(dealer prefix or None, username, role, department, display name) of every login."""
    rng = Random(STAFF_SEED)
    names = PeopleFactory(DEALERS[0], ANCHOR.date())
    plan: list[tuple[str | None, str, str, str, str]] = []
    for spec in DEALERS:
        for suffix, role, department, count in STAFF_PLAN:
            for n in range(1, count + 1):
                username = f"{spec.prefix}_{suffix}{n if count > 1 else ''}"
                person = names.person(rng)
                plan.append((spec.prefix, username, role, department, person.name))
    plan.append((None, HQ_USERNAME, "hq_analyst", "hq", names.person(rng).name))
    return plan


def _staff_map(staff: list[tuple[str, int]], prefix: str) -> dict[str, tuple[int, ...]]:
    groups: dict[str, list[int]] = {}
    for suffix, _role, _department, count in STAFF_PLAN:
        for n in range(1, count + 1):
            username = f"{prefix}_{suffix}{n if count > 1 else ''}"
            groups.setdefault(suffix, []).extend(pk for name, pk in staff if name == username)
    return {suffix: tuple(ids) for suffix, ids in groups.items()}


@transaction.atomic
def world_create(quality: Mapping[str, Any]) -> World:
    """Create the group, dealers, dictionaries and staff (the database has no dealer yet)."""
    catalogue_load()  # the shared model catalogue (a fresh migrate has it; a flush does not)
    with scopes_disabled():
        group, _created = DealerGroup.objects.get_or_create(
            code=GROUP_CODE, defaults={"name": GROUP_NAME}
        )
        dealers = []
        for spec in DEALERS:
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
        by_prefix = {spec.prefix: dealer for spec, dealer in zip(DEALERS, dealers, strict=True)}
        password = make_password(PASSWORD)
        Staff.objects.bulk_create(
            Staff(
                username=username,
                password=password,
                dealer=by_prefix[prefix] if prefix else None,
                role=role,
                department=department,
                display_name=display_name,
            )
            for prefix, username, role, department, display_name in staff_plan()
        )
    return world_load(quality)


def world_load(quality: Mapping[str, Any]) -> World:
    """Read the ids of the demo dealers, their dictionaries and staff from the database."""
    with scopes_disabled():
        contexts = []
        for spec in DEALERS:
            dealer = Dealer.objects.get(code=spec.code)
            entries: dict[str, dict[str, int]] = {}
            for kind, code, pk in DictionaryEntry.objects.filter(dealer=dealer).values_list(
                "kind", "code", "id"
            ):
                entries.setdefault(kind, {})[code] = pk
            staff = list(Staff.objects.filter(dealer=dealer).values_list("username", "id"))
            contexts.append(DealerContext(dealer.id, spec, entries, _staff_map(staff, spec.prefix)))
    return World(dealers=tuple(contexts), quality=quality)


def synthetic_world(quality: Mapping[str, Any]) -> World:
    """A World with made-up ids, for generating rows without a database."""
    from autocrm.dictionaries.defaults import DEFAULT_ENTRIES

    contexts = []
    next_id = 1
    for index, spec in enumerate(DEALERS):
        entries: dict[str, dict[str, int]] = {}
        kinds = dict(DEFAULT_ENTRIES)
        kinds["product_line"] = [(m.name, m.name) for m in spec.models]
        for kind, options in kinds.items():
            for code, _label in options:
                entries.setdefault(str(kind), {})[code] = next_id
                next_id += 1
        staff = [
            (u, 1000 * (index + 1) + n)
            for n, (p, u, *_r) in enumerate(staff_plan())
            if p == spec.prefix
        ]
        contexts.append(DealerContext(index + 1, spec, entries, _staff_map(staff, spec.prefix)))
    return World(dealers=tuple(contexts), quality=quality)


def logins() -> list[Login]:
    """The demo logins present in the database, in the order of the plan."""
    order = {username: i for i, (_p, username, *_rest) in enumerate(staff_plan())}
    with scopes_disabled():
        rows = Staff.objects.filter(username__in=order).select_related("dealer")
        found = [
            Login(
                s.username, s.role, s.department, s.dealer.name if s.dealer else "HQ (all dealers)"
            )
            for s in rows
        ]
    return sorted(found, key=lambda login: order[login.username])


def _dealer_data_models() -> list[type[Model]]:
    """Every model holding dealer data: whatever refers (in any number of steps) to a dealer,
    except the logins, plus the customer and dictionary apps (their history tables) and the
    demo truth."""
    from django.apps import apps

    from autocrm.demo.models import DemoTruth

    found: dict[type[Model], None] = dict.fromkeys(
        [
            *apps.get_app_config("customers").get_models(include_auto_created=True),
            *apps.get_app_config("dictionaries").get_models(include_auto_created=True),
            DemoTruth,
        ]
    )
    todo: list[type[Model]] = [Dealer, *found]
    while todo:
        model = todo.pop()
        for relation in model._meta.get_fields(include_hidden=True):
            related = relation.related_model if relation.auto_created else None
            if (
                related is not None
                and not relation.concrete
                and related not in found
                and related not in (Staff, Dealer, DealerGroup)
            ):
                found[related] = None
                todo.append(related)
    return [m for m in found if m._meta.managed and not m._meta.proxy]


def world_delete() -> None:
    """Delete the demo data: all dealer data (customers, dictionaries, ...), the dealers, their
    staff and the HQ analyst login. Other logins without a dealer (superusers) are kept."""
    from django.db import connection

    tables = [f'"{model._meta.db_table}"' for model in _dealer_data_models()]
    with scopes_disabled(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Check deferred foreign keys of rows written earlier in this transaction now:
            # TRUNCATE refuses to run on a table with pending trigger events.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"TRUNCATE {', '.join(tables)} CASCADE")
        else:  # foreign keys are deferred to the commit: the order does not matter
            for table in tables:
                cursor.execute(f"DELETE FROM {table}")
        demo_users = [username for _p, username, *_rest in staff_plan()]
        Staff.objects.filter(dealer__isnull=False).delete()
        Staff.objects.filter(username__in=demo_users).delete()
        Dealer.objects.all().delete()
        DealerGroup.objects.filter(dealers__isnull=True).delete()
