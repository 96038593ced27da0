"""The shared base of every app's access tests: five actors, and how each must be refused.

healthchecks' owner / member / outsider (hc/test.py), widened to the people of a dealership:

=============  ==================================================================================
owner          the staff member responsible for the object (the sales consultant of a customer,
               the customer-relations officer who uploaded an import or drew a sample)
colleague      another staff member of the same dealer, in the owner's role
manager        the department manager of the same dealer
other_dealer   staff of another dealer: must never learn that the object exists. Refused with
               404 only, the same answer as for an id that does not exist (never 403)
hq             the OEM headquarters analyst: every dealer, de-identified, read-only (403 on writes)
anonymous      nobody signed in: the login page (pages) or 401 (API)
=============  ==================================================================================

The fixtures are in autocrm/conftest.py: ``actors`` (customer pages and API: the owner is a sales
consultant) and ``steward_actors`` (the data stewards' pages, imports, duplicates and
verification calls: the owner is a customer-relations officer)::

    def test_another_dealer_gets_404(actors, customer_a):
        client = actors.client("other_dealer")
        missing = client.get(f"/customers/{MISSING_ID}/")
        assert_denied(client.get(f"/customers/{customer_a.pk}/"), like=missing)

    @pytest.mark.parametrize("who", ["colleague", "other_dealer", "hq", "anonymous"])
    def test_only_the_owner_may_edit(actors, who, customer_a):
        assert_denied(actors.client(who).post(f"/customers/{customer_a.pk}/edit/", {...}))

The clients know whom they sign in (`response.client.actor_name`), so `assert_denied` checks the
answer that actor must get. This module imports no autocrm app (only Django, DRF, django-scopes),
so every app's tests may use it without breaking the layer contracts (pyproject.toml).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import models
from django.http import HttpResponse
from django.shortcuts import resolve_url
from django.test import Client
from django_scopes import scopes_disabled
from rest_framework.test import APIClient

#: The actors of every access test, in the order of the columns of an access table.
ACTORS = ("owner", "colleague", "manager", "other_dealer", "hq", "anonymous")
#: An id no row has (it fits a 32-bit column): what a missing object is answered.
MISSING_ID = 2_000_000_000

_CSRF = re.compile(r'(X-CSRFToken": "|name="csrfmiddlewaretoken" value=")[^"]+')


class ActorClient(Client):
    """A page client signed in (session) as one actor; `actor_name` says which."""

    actor_name: str = ""
    actor: Any = None


class ActorAPIClient(APIClient):
    """An API client sending the token of one actor; `actor_name` says which."""

    actor_name: str = ""
    actor: Any = None


def client_as(
    name: str, user: Any, *, api: bool = False, language: str | None = None
) -> ActorClient | ActorAPIClient:
    """A client for `user` acting as `name` (one of ACTORS): signed in with a session, or with
    the user's API token when `api`. An anonymous user gets a client that is not signed in.
    `language` sets the Accept-Language header (none by default: the site's Chinese).

    Also for staff outside an `Actors` set, e.g. ``client_as("other_dealer", manager_b)``.
    """
    if name not in ACTORS:
        raise ValueError(f"unknown actor {name!r}: one of {', '.join(ACTORS)}")
    signed_in = getattr(user, "is_authenticated", False)
    headers = {"accept-language": language} if language else {}
    client: ActorClient | ActorAPIClient
    if api:
        client = ActorAPIClient(headers=headers)
        if signed_in:
            from autocrm.core.tokens import issue_token

            client.credentials(HTTP_AUTHORIZATION=f"Token {issue_token(user)[1]}")
    else:
        client = ActorClient(headers=headers)
        if signed_in:
            client.force_login(user)
    client.actor_name = name
    client.actor = user
    return client


@dataclass(frozen=True)
class Actors:
    """The five people (and nobody) an access test tries; see the module's docstring."""

    owner: Any
    colleague: Any
    manager: Any
    other_dealer: Any
    hq: Any
    anonymous: Any = field(default_factory=AnonymousUser)
    #: Accept-Language of the page clients; None: the site's default (Chinese). A module that
    #: checks English text overrides the fixture: ``dataclasses.replace(actors, language="en")``.
    language: str | None = None
    _clients: dict[tuple[str, bool], Any] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def __getitem__(self, name: str) -> Any:
        if name not in ACTORS:
            raise KeyError(f"unknown actor {name!r}: one of {', '.join(ACTORS)}")
        return getattr(self, name)

    def client(self, name: str) -> ActorClient:
        """The page client of actor `name` (signed in with a session), made once per test."""
        key = (name, False)
        if key not in self._clients:
            self._clients[key] = client_as(name, self[name], language=self.language)
        return self._clients[key]

    def api(self, name: str) -> ActorAPIClient:
        """The API client of actor `name` (the staff member's token), made once per test."""
        key = (name, True)
        if key not in self._clients:
            self._clients[key] = client_as(name, self[name], api=True)
        return self._clients[key]


# --- what each actor must be answered ----------------------------------------------------------


def _actor_name(response: HttpResponse) -> str:
    client = getattr(response, "client", None)
    name = getattr(client, "actor_name", "")
    if not name:
        raise AssertionError(
            "assert_denied needs a response of a client made by autocrm.testing.access "
            "(Actors.client / Actors.api / client_as): it tells who asked"
        )
    return name


def _where(response: HttpResponse) -> str:
    request = getattr(response, "request", {}) or {}
    who = getattr(getattr(response, "client", None), "actor_name", "?")
    return f"{request.get('REQUEST_METHOD', '?')} {request.get('PATH_INFO', '?')} as {who}"


def _is_api(response: HttpResponse) -> bool:
    return isinstance(getattr(response, "client", None), APIClient)


def _path(response: HttpResponse) -> str:
    request = response.request
    path = request["PATH_INFO"]
    return f"{path}?{request['QUERY_STRING']}" if request.get("QUERY_STRING") else path


def assert_login_required(response: HttpResponse) -> None:
    """Nobody signed in: pages send to the login page and back (?next=), the API answers 401."""
    where = _where(response)
    if _is_api(response):
        assert response.status_code == 401, f"{where}: {response.status_code}, expected 401"
        return
    assert response.status_code == 302, f"{where}: {response.status_code}, expected the login"
    expected = f"{resolve_url(settings.LOGIN_URL)}?next={quote(_path(response), safe='/')}"
    assert response["Location"] == expected, f"{where}: sent to {response['Location']}"


def assert_forbidden(response: HttpResponse) -> None:
    """Someone the object is visible to, whose role may not do this: 403."""
    where = _where(response)
    assert response.status_code == 403, f"{where}: {response.status_code}, expected 403"


def assert_not_found(response: HttpResponse, *, like: HttpResponse | None = None) -> None:
    """404, never 403: "not found" and "not yours" give the same answer, so ids of another
    dealer cannot be probed. With `like` (the answer for an id that does not exist), the
    answers must be the same, body included."""
    where = _where(response)
    assert response.status_code == 404, f"{where}: {response.status_code}, expected 404"
    if like is not None:
        assert like.status_code == 404, f"{_where(like)}: {like.status_code}, expected 404"
        assert same_answer(response, like), f"{where}: differs from the answer to a missing id"


def assert_denied(response: HttpResponse, *, like: HttpResponse | None = None) -> None:
    """Refused the way the actor who asked must be refused:

    * anonymous: the login page (pages, with ?next=) or 401 (API);
    * other_dealer: 404 only, the same answer as `like` (a missing id) when given;
    * anyone else (owner, colleague, manager, hq: the object is in their scope, their role may
      not do this): 403.
    """
    name = _actor_name(response)
    if name == "anonymous":
        assert_login_required(response)
    elif name == "other_dealer":
        assert_not_found(response, like=like)
    else:
        assert_forbidden(response)


def assert_allowed(response: HttpResponse, status: int = 200) -> None:
    """Served: the expected status (200 unless told), not a refusal."""
    where = _where(response)
    assert response.status_code == status, f"{where}: {response.status_code}, expected {status}"


def _body(response: HttpResponse) -> Any:
    content = getattr(response, "content", b"")
    if "json" in response.get("Content-Type", ""):
        return json.loads(content or b"null")
    text = content.decode(errors="replace")
    # The two requests differ in their path (the id); CSRF tokens are masked afresh per render.
    text = text.replace(quote(response.request["PATH_INFO"]), "<path>")
    return _CSRF.sub(r"\1", text.replace(response.request["PATH_INFO"], "<path>"))


def same_answer(a: HttpResponse, b: HttpResponse) -> bool:
    """True when two answers cannot be told apart: status, content type and body (paths and
    CSRF tokens aside)."""
    return (
        a.status_code == b.status_code
        and a.get("Content-Type") == b.get("Content-Type")
        and _body(a) == _body(b)
    )


# --- what a refused request must leave untouched ------------------------------------------------


def dealer_owned_models() -> list[type[models.Model]]:
    """Every installed model with a `dealer` foreign key or a `dealer_id` column (history
    copies included), found by walking the models."""

    def owned(model: type[models.Model]) -> bool:
        return any(
            f.column == "dealer_id" or (f.name == "dealer" and f.is_relation)
            for f in model._meta.concrete_fields
        )

    found = (m for m in apps.get_models(include_auto_created=True) if owned(m))
    return sorted(found, key=lambda m: m._meta.label)


def dealer_rows() -> dict[str, list[dict[str, Any]]]:
    """Every row of every dealer-owned model, every dealer: compare before and after a request
    that must change nothing."""
    with scopes_disabled():
        return {
            m._meta.label: list(m._base_manager.order_by("pk").values())
            for m in dealer_owned_models()
        }
