"""Another dealer's ids are not found, on every URL: found by walking the URLconf, not listed.

Every URL pattern of the project (autocrm.urls, walked recursively: pages, /api/, admin) that
takes an object id is requested by staff of dealer B, with the id of a real object of dealer A
of the right type, with each method the view accepts. Dealer B's staff are the roles that may
use those pages at their own dealer: a manager and a customer-relations officer (pages with a
session, the API with a token). Each request must answer 404, the same answer as for an id
that does not exist (never 200, 302, 403 or 500), and change nothing.

The ids come from FACTORIES (kwarg → factory). A URL with a kwarg that has no factory fails
with a message naming it, so a new app's URL cannot slip through untested: add a factory.
Dealer A's own staff of the same roles must not get 404 for the same requests: the ids are of
real objects of the right type, so the 404 of dealer B means something.

The admin is the one surface with another rule: only operators (is_staff) get in, so every
dealer's staff is sent to the admin login whatever the id, the same answer as for a missing id.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import Any
from urllib.parse import quote

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.resolvers import RegexPattern, RoutePattern
from django_scopes import scope

from autocrm.testing.access import MISSING_ID, assert_not_found, client_as, dealer_rows

# --- the URLconf, walked -----------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    """One URL pattern of the project, with the prefixes of the resolvers above it."""

    name: str  # "namespace:url_name"; the route itself when the pattern has no name
    namespace: str
    route: str  # e.g. "customers/<int:pk>/vehicles/<int:vehicle_pk>/mileage/"
    kwargs: tuple[str, ...]  # every captured kwarg, in the order of the route
    callback: Any
    buildable: bool  # every level is a RoutePattern (no regex), so the URL can be built

    def __str__(self) -> str:
        return self.name

    @property
    def is_api(self) -> bool:
        return self.namespace == "api"

    @property
    def is_admin(self) -> bool:
        return self.namespace == "admin"

    def url(self, values: dict[str, Any]) -> str:
        assert self.buildable, f"{self}: cannot build a URL of a regex pattern ({self.route})"
        return "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values[m.group(1)]), self.route)


def _kwargs(pattern: Any) -> list[str]:
    if isinstance(pattern, RoutePattern):
        return list(pattern.converters)
    if isinstance(pattern, RegexPattern):
        return list(pattern.regex.groupindex)
    return []


def _walk(
    resolver: URLResolver,
    prefix: str,
    namespaces: tuple[str, ...],
    kwargs: tuple[str, ...],
    buildable: bool,
) -> Iterator[Route]:
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        found = (*kwargs, *_kwargs(entry.pattern))
        routable = buildable and isinstance(entry.pattern, RoutePattern)
        if isinstance(entry, URLResolver):
            spaces = (*namespaces, entry.namespace) if entry.namespace else namespaces
            yield from _walk(entry, route, spaces, found, routable)
        elif isinstance(entry, URLPattern):
            namespace = ":".join(namespaces)
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name
            yield Route(name or route, namespace, route, found, entry.callback, routable)


def project_routes() -> list[Route]:
    return list(_walk(get_resolver(), "", (), (), True))


#: Captured kwargs that name no object (so no dealer's id can be put in them), with the reason.
NOT_OBJECT_IDS = {
    "admin:app_label": "the admin's index of one app names the app",
    "admin:url": "the admin's catch-all takes any path and redirects or answers 404",
}


def _keys(route: Route, kwarg: str) -> list[str]:
    """Most specific first: "namespace:url_name:kwarg", "namespace:kwarg", then the kwarg."""
    keys = [f"{route.name}:{kwarg}"] if route.name != route.route else []
    return [*keys, f"{route.namespace}:{kwarg}", kwarg]


def object_kwargs(route: Route) -> tuple[str, ...]:
    return tuple(
        k for k in route.kwargs if not any(key in NOT_OBJECT_IDS for key in _keys(route, k))
    )


ID_ROUTES = [r for r in project_routes() if object_kwargs(r)]


# --- real objects of one dealer, made on first use ---------------------------------------------

VIN = "LSVAM4187C2184847"
ADDRESS = "广东省深圳市南山区科苑路15号"
IMPORT_ROWS = [["姓名", "手机", "地址"], ["张伟", "13912345678", ADDRESS], ["李娜", "139", ""]]


class DealerObjects:
    """One object of each kind of one dealer: a customer (the consultant's) with a vehicle and
    a contact, an import, a duplicate pair, a merge, a verification sample and its call."""

    def __init__(self, dealer: Any, *, consultant: Any, steward: Any, make_customer: Any):
        self.dealer, self.consultant, self.steward = dealer, consultant, steward
        self._make_customer = make_customer
        self._n = 0

    def _customer(self, name: str, mobile: str) -> Any:
        return self._make_customer(self.consultant, name=name, mobile=mobile, address=ADDRESS)

    def _pair(self) -> Any:
        from autocrm.matching.models import DuplicateCandidate

        self._n += 1
        low = self._customer("任芳敏", f"1391234{self._n:04d}")
        high = self._customer("任方敏", f"1381234{self._n:04d}")
        with scope(dealer=self.dealer.pk):
            return DuplicateCandidate.objects.create(
                dealer=self.dealer,
                customer_low=low,
                customer_high=high,
                probability=0.97,
                match_weight=9.5,
                fields={"name": "same_pinyin", "mobile": "typo"},
            )

    @cached_property
    def customer(self) -> Any:
        return self._customer("李娜", "13812345678")

    @cached_property
    def vehicle(self) -> Any:
        from autocrm.customers.services import vehicle_add

        with scope(dealer=self.dealer.pk):
            return vehicle_add(
                actor=self.consultant, customer=self.customer, data={"vin": VIN, "mileage_km": 10}
            )

    @cached_property
    def contact(self) -> Any:
        from autocrm.customers.services import contact_add

        data = {"contact_type": "private", "name": "李明", "mobile": "13987654321"}
        with scope(dealer=self.dealer.pk):
            return contact_add(actor=self.consultant, customer=self.customer, data=data)

    @cached_property
    def household_member(self) -> Any:
        from autocrm.customers.households import household_member_add

        with scope(dealer=self.dealer.pk):
            return household_member_add(
                actor=self.consultant, customer=self.customer, name="李小明", relation="child"
            )

    @cached_property
    def import_batch(self) -> Any:
        from autocrm.imports.services import import_preview
        from autocrm.imports.tests.files import xlsx

        with scope(dealer=self.dealer.pk):
            batch, _analysis = import_preview(
                actor=self.steward, content=xlsx(IMPORT_ROWS), filename="客户.xlsx"
            )
        return batch

    @cached_property
    def duplicate_candidate(self) -> Any:
        return self._pair()

    @cached_property
    def merge(self) -> Any:
        from autocrm.matching.services import candidate_merge

        pair = self._pair()
        with scope(dealer=self.dealer.pk):
            return candidate_merge(
                actor=self.steward, candidate=pair, survivor_id=pair.customer_low_id, chosen={}
            )

    @cached_property
    def verification_sample(self) -> Any:
        from autocrm.quality.services import verification_sample_draw

        self.customer  # noqa: B018 - a record to draw
        with scope(dealer=self.dealer.pk):
            return verification_sample_draw(
                actor=self.steward, name="抽样", method="random", size=1, seed=1
            )

    @cached_property
    def verification_call(self) -> Any:
        with scope(dealer=self.dealer.pk):
            return self.verification_sample.calls.get()

    # admin (operators only): the object of each registered model admin
    def admin_object(self, route: Route) -> Any:
        model_admin = getattr(route.callback, "model_admin", None)
        label = model_admin.model._meta.label_lower if model_admin else "?"
        if label == "auth.group":
            from django.contrib.auth.models import Group

            return Group.objects.get_or_create(name=f"{self.dealer.code} 前台")[0].pk
        if label == "authtoken.tokenproxy":
            from rest_framework.authtoken.models import Token

            return Token.objects.get_or_create(user=self.consultant)[0].pk
        if label == "knox.authtoken":
            from autocrm.core.tokens import issue_token

            return issue_token(self.consultant)[0].pk
        if label in ("axes.accessattempt", "axes.accessfailurelog", "axes.accesslog"):
            # login throttling's records (tenancy/throttling.py): of a staff member here
            from django.apps import apps

            model = apps.get_model(label)
            extra = {"failures_since_start": 1} if label == "axes.accessattempt" else {}
            return model.objects.create(
                username=self.consultant.username, ip_address="10.0.0.1", user_agent="test",
                http_accept="*/*", path_info="/accounts/login/", **extra,
            ).pk  # fmt: skip
        if label.startswith("catalogue."):
            # the shared model catalogue (no dealer's): a row of the shipped one
            from django.apps import apps

            from autocrm.catalogue.services import catalogue_load

            catalogue_load()
            return apps.get_model(label).objects.order_by("pk").first().pk
        pytest.fail(f"{route} ({route.route}): no factory for the admin of {label}")

    # sales: a lead, its opportunity and a lost request on it (the consultant's)
    @cached_property
    def lead(self) -> Any:
        from autocrm.sales.leads import lead_receive

        data = {"source": "phone", "name": "周杰", "mobile": "13711112222"}
        with scope(dealer=self.dealer.pk):
            return lead_receive(actor=self.consultant, data=data, consultant=self.consultant).lead

    @cached_property
    def opportunity(self) -> Any:
        from datetime import timedelta

        from django.utils import timezone

        from autocrm.catalogue.models import Series
        from autocrm.sales.opportunities import opportunity_open

        data = {
            "series": Series.objects.order_by("pk").first().pk,
            "expected_amount": "150000",
            "expected_close_on": timezone.localdate() + timedelta(days=20),
            "plan_kind": "call",
            "plan_due_at": timezone.now() + timedelta(days=1),
        }
        with scope(dealer=self.dealer.pk):
            return opportunity_open(
                actor=self.consultant, customer=self.lead.customer, data=data, lead=self.lead
            )

    @cached_property
    def lost_request(self) -> Any:
        from autocrm.dictionaries.models import DictionaryEntry
        from autocrm.sales.lost import lost_request_file

        with scope(dealer=self.dealer.pk):
            reason = DictionaryEntry.objects.get(
                dealer=self.dealer, kind="lost_reason", code="price"
            )
            return lost_request_file(
                actor=self.consultant,
                opportunity=self.opportunity,
                data={"reason": reason.pk, "note": "价格"},
            )

    @cached_property
    def plan(self) -> Any:
        from autocrm.sales.models import FollowUpPlan

        with scope(dealer=self.dealer.pk):
            return FollowUpPlan.objects.filter(opportunity=self.opportunity).get()

    @cached_property
    def lead_upload(self) -> Any:
        from autocrm.imports.tests.files import xlsx
        from autocrm.sales.lead_import import lead_import_upload

        rows = [["线索ID", "姓名", "手机"], ["AH-1", "周杰", "13711112223"]]
        with scope(dealer=self.dealer.pk):
            return lead_import_upload(
                actor=self.steward, content=xlsx(rows), filename="线索.xlsx", source="autohome"
            )

    @cached_property
    def customer_content_type(self) -> Any:
        from django.contrib.contenttypes.models import ContentType

        from autocrm.customers.models import Customer

        return ContentType.objects.get_for_model(Customer)


Factory = Callable[[DealerObjects, Route], Any]


def _pk(kind: str) -> Factory:
    return lambda objects, route: getattr(objects, kind).pk


#: kwarg → factory of the id of a real object of that kind. Keys are, most specific first,
#: "namespace:url_name:kwarg", "namespace:kwarg", or the bare kwarg (for names that say what
#: they are, in any namespace).
FACTORIES: dict[str, Factory] = {
    # names that say what they are
    "customer_id": _pk("customer"),
    "vehicle_id": _pk("vehicle"),
    "contact_id": _pk("contact"),
    "batch_id": _pk("import_batch"),
    "candidate_id": _pk("duplicate_candidate"),
    "merge_id": _pk("merge"),
    "sample_id": _pk("verification_sample"),
    "call_id": _pk("verification_call"),
    "lead_id": _pk("lead"),
    "opportunity_id": _pk("opportunity"),
    "lost_request_id": _pk("lost_request"),
    "upload_id": lambda objects, route: objects.lead_upload.id,
    "plan_id": _pk("plan"),
    # pk and other generic names, per namespace or per URL
    "customers:pk": _pk("customer"),
    "customers:vehicle_pk": _pk("vehicle"),
    "customers:household_remove:member_pk": _pk("household_member"),
    "imports:pk": _pk("import_batch"),
    "matching:pk": _pk("duplicate_candidate"),
    "matching:undo:pk": _pk("merge"),
    "quality:sample:pk": _pk("verification_sample"),
    "quality:call:pk": _pk("verification_call"),
    "admin:object_id": DealerObjects.admin_object,
    "admin:view_on_site:content_type_id": _pk("customer_content_type"),
    "admin:view_on_site:object_id": _pk("customer"),
}


def factory_for(route: Route, kwarg: str) -> Factory:
    for key in _keys(route, kwarg):
        if key in FACTORIES:
            return FACTORIES[key]
    pytest.fail(
        f"{route} ({route.route}): no factory for the object id {kwarg!r}; add one of "
        f"{_keys(route, kwarg)} to FACTORIES in {__name__}"
    )


def ids_of(objects: DealerObjects, route: Route) -> dict[str, Any]:
    return {kwarg: factory_for(route, kwarg)(objects, route) for kwarg in object_kwargs(route)}


# --- requests ----------------------------------------------------------------------------------


def methods_of(route: Route) -> tuple[str, ...]:
    """The methods a class-based view defines; GET and POST for a function view (one that does
    not accept POST answers 405 for a missing id as well, and is checked to do so here)."""
    cls = getattr(route.callback, "cls", None) or getattr(route.callback, "view_class", None)
    if cls is None:
        return ("GET", "POST")
    names = [m for m in ("get", "post", "put", "patch", "delete") if m in cls.http_method_names]
    return tuple(m.upper() for m in names if hasattr(cls, m))


def send(client: Any, method: str, url: str) -> Any:
    if method in ("GET", "DELETE"):
        return getattr(client, method.lower())(url)
    options = {"format": "json"} if hasattr(client, "credentials") else {}
    return getattr(client, method.lower())(url, {}, **options)


def _case_id(route: Route, method: str) -> str:
    return f"{method} {route}"


CASES = [
    pytest.param(route, method, id=_case_id(route, method))
    for route in ID_ROUTES
    for method in methods_of(route)
]


@pytest.fixture
def objects_a(dealer_a: Any, consultant_a: Any, cr_a: Any, make_customer: Any) -> DealerObjects:
    return DealerObjects(
        dealer_a, consultant=consultant_a, steward=cr_a, make_customer=make_customer
    )


@pytest.fixture
def objects_b(dealer_b: Any, consultant_b: Any, cr_b: Any, make_customer: Any) -> DealerObjects:
    return DealerObjects(
        dealer_b, consultant=consultant_b, steward=cr_b, make_customer=make_customer
    )


# --- the tests ---------------------------------------------------------------------------------


def test_the_walk_finds_the_id_routes_of_every_app() -> None:
    """Not vacuous: pages of each app, the API and the admin are found."""
    names = {r.name for r in ID_ROUTES}
    assert {"customers:mileage_add", "imports:undo", "matching:undo", "quality:call"} <= names
    assert {"api:customer-detail", "api:vehicle-mileage", "admin:view_on_site"} <= names
    assert all(r.buildable for r in ID_ROUTES), [r.route for r in ID_ROUTES if not r.buildable]


@pytest.mark.parametrize("route", ID_ROUTES, ids=str)
def test_every_object_id_has_a_factory(route: Route) -> None:
    for kwarg in object_kwargs(route):
        factory_for(route, kwarg)


@pytest.mark.django_db
@pytest.mark.parametrize(("route", "method"), CASES)
def test_another_dealers_id_is_not_found(
    route: Route,
    method: str,
    objects_a: DealerObjects,
    manager_a: Any,
    cr_a: Any,
    manager_b: Any,
    cr_b: Any,
) -> None:
    ids = ids_of(objects_a, route)
    url = route.url(ids)
    missing_url = route.url(dict.fromkeys(ids, MISSING_ID))
    clients = [(s, client_as("other_dealer", s, api=route.is_api)) for s in (manager_b, cr_b)]
    before = dealer_rows()  # after signing in, which sets the staff's last_login

    for staff, client in clients:
        answer, missing = send(client, method, url), send(client, method, missing_url)
        where = f"{method} {url} ({route}) as dealer B's {staff.role}"
        if route.is_admin:
            for response, path in ((answer, url), (missing, missing_url)):
                login = f"{reverse('admin:login')}?next={quote(path, safe='/')}"
                assert (response.status_code, response.get("Location")) == (302, login), where
        elif missing.status_code == 405:  # the view does not take this method
            assert answer.status_code == 405, where
        else:
            assert_not_found(answer, like=missing)
    assert dealer_rows() == before, f"{method} {url} ({route}) by dealer B changed dealer A's rows"

    if route.is_admin:
        return
    # Dealer A's own staff of the same roles are served (or refused for what they sent), never
    # told "not found": the ids are of real objects of the right type.
    for name, staff in (("manager", manager_a), ("owner", cr_a)):
        response = send(client_as(name, staff, api=route.is_api), method, url)
        assert response.status_code != 404, f"{method} {url} ({route}) as dealer A's {staff.role}"
        assert response.status_code < 500


MIXED = [
    pytest.param(route, method, kwarg, id=f"{method} {route} {kwarg} of dealer A")
    for route in ID_ROUTES
    if len(object_kwargs(route)) > 1 and not route.is_admin
    for method in methods_of(route)
    for kwarg in object_kwargs(route)
]


@pytest.mark.django_db
@pytest.mark.parametrize(("route", "method", "kwarg"), MIXED)
def test_an_own_id_does_not_open_another_dealers_object(
    route: Route,
    method: str,
    kwarg: str,
    objects_a: DealerObjects,
    objects_b: DealerObjects,
    manager_b: Any,
) -> None:
    """A URL with several ids: dealer B's own ids for all but one, dealer A's for that one."""
    ids = {**ids_of(objects_b, route), kwarg: ids_of(objects_a, route)[kwarg]}
    client = client_as("other_dealer", manager_b, api=route.is_api)
    before = dealer_rows()

    answer = send(client, method, route.url(ids))
    missing = send(client, method, route.url({**ids, kwarg: MISSING_ID}))

    if missing.status_code == 405:
        assert answer.status_code == 405
    else:
        assert_not_found(answer, like=missing)
    assert dealer_rows() == before
