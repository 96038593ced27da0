"""Shared pytest fixtures: two dealers with their dictionaries, staff of every role, API clients.

Dealer-owned models use django-scopes managers, so direct ORM use in a test needs an open
scope. Use the `scoped` helper (it is not autouse, so a test shows where it reads around the
scope)::

    with scoped(dealer_a):          # one dealer, like a request by its staff
        ...
    with scoped(hq_analyst):        # the scope a request by that staff member gets
        ...
    with scoped():                  # scopes disabled, for assertions over every dealer
        ...

HTTP requests open their own scope in DealerScopeMiddleware; the scope is resolved from the
session or the `Authorization: Token …` header, so use `api_client_for(staff)` (token) or
`client.force_login(staff)`. DRF's `force_authenticate` bypasses the middleware and leaves the
request in an empty scope.
"""

from __future__ import annotations

import itertools
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django_scopes import scope, scopes_disabled

from autocrm.tenancy.roles import Department, Role
from autocrm.testing import STAFF_PASSWORD

#: The department each role normally works in.
ROLE_DEPARTMENT = {
    Role.SALES_CONSULTANT: Department.SALES,
    Role.SERVICE_ADVISOR: Department.SERVICE,
    Role.CUSTOMER_RELATIONS: Department.CUSTOMER_RELATIONS,
    Role.MANAGER: Department.SALES,
    Role.GENERAL_MANAGER: Department.MANAGEMENT,
    Role.HQ_ANALYST: Department.HQ,
}

_sequence = itertools.count(1)


# --- scopes ---------------------------------------------------------------------------------


@pytest.fixture
def scoped() -> Callable[..., Any]:
    """`scoped(dealer_or_staff=None)`: a context manager opening a django-scopes scope.

    A Dealer (or dealer id) opens that dealer's scope; a Staff member opens the scope their
    requests get (HQ: every dealer); nothing disables scopes.
    """
    from autocrm.tenancy.models import Dealer
    from autocrm.tenancy.scoping import scope_kwargs_for

    @contextmanager
    def _scoped(target: Any = None) -> Iterator[None]:
        if target is None:
            with scopes_disabled():
                yield
        elif isinstance(target, Dealer):
            with scope(dealer=target.pk):
                yield
        elif isinstance(target, int):
            with scope(dealer=target):
                yield
        else:
            with scope(**scope_kwargs_for(target)):
                yield

    return _scoped


# --- dealers --------------------------------------------------------------------------------


@pytest.fixture
def dealer_group(db: None) -> Any:
    from autocrm.tenancy.models import DealerGroup

    return DealerGroup.objects.create(code="GRP1", name="华南汽车集团")


@pytest.fixture
def make_dealer(dealer_group: Any) -> Callable[..., Any]:
    """`make_dealer(code, **fields)`: a dealer with the standard dictionaries seeded."""
    from autocrm.dictionaries.services import dictionaries_seed_defaults
    from autocrm.tenancy.models import Dealer

    def _make(code: str | None = None, **fields: Any) -> Dealer:
        code = code or f"D{next(_sequence):04d}"
        values = {
            "group": dealer_group,
            "name": f"{code} 4S店",
            "brand": "一汽-大众",
            "province": "广东省",
            "city": "深圳市",
            "plate_prefix": "粤B",
            **fields,
        }
        dealer = Dealer.objects.create(code=code, **values)
        with scope(dealer=dealer.pk):
            dictionaries_seed_defaults(dealer=dealer)
        return dealer

    return _make


@pytest.fixture
def dealer_a(make_dealer: Callable[..., Any]) -> Any:
    return make_dealer("A001", name="深圳南山4S店", province="广东省", city="深圳市")


@pytest.fixture
def dealer_b(make_dealer: Callable[..., Any]) -> Any:
    return make_dealer(
        "B001", name="北京朝阳4S店", province="北京市", city="北京市", plate_prefix="京A"
    )


@pytest.fixture
def dict_entry() -> Callable[..., Any]:
    """`dict_entry(dealer, kind, code=None)`: one of the dealer's dictionary entries."""
    from autocrm.dictionaries.models import DictionaryEntry

    def _get(dealer: Any, kind: str, code: str | None = None) -> DictionaryEntry:
        with scopes_disabled():
            entries = DictionaryEntry.objects.filter(dealer=dealer, kind=kind)
            if code is not None:
                entries = entries.filter(code=code)
            return entries.order_by("sort_order", "id").first()

    return _get


# --- staff ----------------------------------------------------------------------------------


@pytest.fixture
def fast_password_hasher(settings: Any) -> None:
    """Hash passwords with MD5 for the test: PBKDF2 costs ~0.3 s per staff member."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def make_staff(db: None, fast_password_hasher: None) -> Callable[..., Any]:
    """`make_staff(dealer, role, **fields)`: a staff member with password STAFF_PASSWORD.

    HQ analysts take `dealer=None`. Uses the fast (MD5) hasher for the whole test.
    """
    from autocrm.tenancy.models import Staff

    def _make(dealer: Any, role: str, **fields: Any) -> Staff:
        n = next(_sequence)
        username = fields.pop("username", f"{role}-{n}")
        password = fields.pop("password", STAFF_PASSWORD)
        staff = Staff(
            username=username,
            dealer=dealer,
            role=role,
            department=fields.pop("department", ROLE_DEPARTMENT.get(role, "")),
            display_name=fields.pop("display_name", f"{Role(role).label} {n}"),
            **fields,
        )
        staff.set_password(password)
        staff.full_clean(exclude=["password"])
        staff.save()
        return staff

    return _make


@pytest.fixture
def consultant_a(make_staff: Callable[..., Any], dealer_a: Any) -> Any:
    return make_staff(dealer_a, Role.SALES_CONSULTANT, username="consultant_a")


@pytest.fixture
def consultant_a2(make_staff: Callable[..., Any], dealer_a: Any) -> Any:
    """A colleague of consultant_a at the same dealer."""
    return make_staff(dealer_a, Role.SALES_CONSULTANT, username="consultant_a2")


@pytest.fixture
def manager_a(make_staff: Callable[..., Any], dealer_a: Any) -> Any:
    return make_staff(dealer_a, Role.MANAGER, username="manager_a")


@pytest.fixture
def cr_a(make_staff: Callable[..., Any], dealer_a: Any) -> Any:
    """Customer-relations staff of dealer A."""
    return make_staff(dealer_a, Role.CUSTOMER_RELATIONS, username="cr_a")


@pytest.fixture
def advisor_a(make_staff: Callable[..., Any], dealer_a: Any) -> Any:
    return make_staff(dealer_a, Role.SERVICE_ADVISOR, username="advisor_a")


@pytest.fixture
def gm_a(make_staff: Callable[..., Any], dealer_a: Any) -> Any:
    return make_staff(dealer_a, Role.GENERAL_MANAGER, username="gm_a")


@pytest.fixture
def consultant_b(make_staff: Callable[..., Any], dealer_b: Any) -> Any:
    return make_staff(dealer_b, Role.SALES_CONSULTANT, username="consultant_b")


@pytest.fixture
def cr_a2(make_staff: Callable[..., Any], dealer_a: Any) -> Any:
    """A colleague of cr_a: another customer-relations officer of dealer A."""
    return make_staff(dealer_a, Role.CUSTOMER_RELATIONS, username="cr_a2")


@pytest.fixture
def cr_b(make_staff: Callable[..., Any], dealer_b: Any) -> Any:
    """Customer-relations staff of dealer B."""
    return make_staff(dealer_b, Role.CUSTOMER_RELATIONS, username="cr_b")


@pytest.fixture
def manager_b(make_staff: Callable[..., Any], dealer_b: Any) -> Any:
    return make_staff(dealer_b, Role.MANAGER, username="manager_b")


@pytest.fixture
def hq_analyst(make_staff: Callable[..., Any]) -> Any:
    return make_staff(None, Role.HQ_ANALYST, username="hq_analyst")


# --- access tests (autocrm/testing/access.py) ------------------------------------------------


@pytest.fixture
def actors(
    consultant_a: Any, consultant_a2: Any, manager_a: Any, consultant_b: Any, hq_analyst: Any
) -> Any:
    """The five actors of a customer access test: the owner is consultant_a (responsible for
    the customers a test makes with `make_customer(consultant_a, ...)`), the colleague
    consultant_a2, the manager manager_a, the other dealer's staff consultant_b."""
    from autocrm.testing.access import Actors

    return Actors(
        owner=consultant_a,
        colleague=consultant_a2,
        manager=manager_a,
        other_dealer=consultant_b,
        hq=hq_analyst,
    )


@pytest.fixture
def steward_actors(cr_a: Any, cr_a2: Any, manager_a: Any, cr_b: Any, hq_analyst: Any) -> Any:
    """The five actors of a data stewards' page (imports, duplicates, verification calls): the
    owner is cr_a (who uploads, merges, draws the sample), the colleague cr_a2, the manager
    manager_a, the other dealer's staff cr_b, who would be allowed the page at dealer B."""
    from autocrm.testing.access import Actors

    return Actors(owner=cr_a, colleague=cr_a2, manager=manager_a, other_dealer=cr_b, hq=hq_analyst)


# --- one writer of customer records -------------------------------------------------------

#: Callers that may write customer records themselves (see customers/tests/test_one_writer.py).
_WRITERS_ALLOWED = ("autocrm.customers.", "autocrm.demo.", "autocrm.testing")


def _nearest_project_caller() -> str:
    frame = sys._getframe(2)
    while frame is not None:
        name = frame.f_globals.get("__name__", "")
        if name.startswith("autocrm.") and name != __name__:
            return name
        frame = frame.f_back
    return ""


def _guard_write(sender: Any, **kwargs: Any) -> None:
    caller = _nearest_project_caller()
    if caller and not caller.startswith(_WRITERS_ALLOWED) and ".tests." not in caller:
        raise AssertionError(
            f"{caller} writes {sender.__name__} itself: use the write functions of "
            "autocrm.customers (services, writes, merging)"
        )


@pytest.fixture(autouse=True, scope="session")
def one_writer_guard() -> Iterator[None]:
    """While the suite runs, a save() or delete() of a customer record whose nearest project
    caller is outside `customers` (tests and the demo generator excepted) fails the test."""
    from django.db.models.signals import pre_delete, pre_save

    from autocrm.customers.models import Contact, Customer, MileageReading, Vehicle

    models = (Customer, Vehicle, Contact, MileageReading)
    for model in models:
        pre_save.connect(_guard_write, sender=model, dispatch_uid=f"one-writer-{model.__name__}")
        pre_delete.connect(
            _guard_write, sender=model, dispatch_uid=f"one-writer-d-{model.__name__}"
        )
    yield
    for model in models:
        pre_save.disconnect(sender=model, dispatch_uid=f"one-writer-{model.__name__}")
        pre_delete.disconnect(sender=model, dispatch_uid=f"one-writer-d-{model.__name__}")


# --- customers ------------------------------------------------------------------------------


@pytest.fixture
def make_customer() -> Callable[..., Any]:
    """`make_customer(actor, **data)`: a customer created through `customer_create`."""
    from autocrm.customers.services import customer_create

    def _make(actor: Any, **data: Any) -> Any:
        data.setdefault("name", "张伟")
        with scope(dealer=actor.dealer_id):
            return customer_create(actor=actor, data=data)

    return _make


# --- API clients ----------------------------------------------------------------------------


@pytest.fixture
def api_client() -> Any:
    """An anonymous DRF test client."""
    from rest_framework.test import APIClient

    return APIClient()


@pytest.fixture
def api_client_for(db: None) -> Callable[..., Any]:
    """`api_client_for(staff)`: a DRF test client sending the staff member's token."""
    from rest_framework.test import APIClient

    from autocrm.core.tokens import issue_token

    tokens: dict[int, str] = {}

    def _client(staff: Any) -> APIClient:
        if staff.pk not in tokens:
            tokens[staff.pk] = issue_token(staff)[1]
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {tokens[staff.pk]}")
        return client

    return _client


# --- browser (end-to-end tests, `pytest -m e2e`) ---------------------------------------------
# One headless Chromium (Debian's /usr/bin/chromium, never `playwright install`) per session
# for every app's browser tests, a fresh context per test (zh-CN, 1440x900), pages served by
# pytest-django's `live_server` (which implies a transactional database). Defined once here:
# a second session-scoped copy in an app's conftest would start Playwright twice.


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    from autocrm.testing.browser import CHROMIUM, CHROMIUM_ARGS

    # Playwright's sync API runs an event loop in the test thread; without this the ORM
    # refuses to run there (SynchronousOnlyOperation). Set here rather than at import so the
    # non-browser passes, which also load this conftest, keep Django's async-safety check.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def context(browser: Any, live_server: Any) -> Iterator[Any]:
    """A fresh browser context (cookies, language) per test."""
    from autocrm.testing.browser import LOCALE, TIMEOUT_MS, VIEWPORT

    ctx = browser.new_context(locale=LOCALE, viewport=VIEWPORT, base_url=live_server.url)
    ctx.set_default_timeout(TIMEOUT_MS)
    ctx.set_default_navigation_timeout(TIMEOUT_MS)
    yield ctx
    ctx.close()


@pytest.fixture
def page(context: Any) -> Any:
    return context.new_page()
