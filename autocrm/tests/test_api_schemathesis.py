"""Property-based API tests (issue #13, item 11): schemathesis sends cases generated from the
project's own OpenAPI schema, as three roles (a sales consultant, a manager, HQ), through the
WSGI application in this process: no answer may be a server error, and every answer must be
what the schema says it is (nullable ids and blank choices included). Bounded (`MAX_EXAMPLES`
per operation and role) so that `make test` stays within its time."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from autocrm.core.tokens import issue_token

MAX_EXAMPLES = 12


def _schema() -> Any:
    loaded = schemathesis.openapi.from_dict(SchemaGenerator().get_schema(request=None, public=True))
    loaded.app = get_wsgi_application()
    return loaded


schema = _schema()  # Django is set up before collection (pytest-django)


@pytest.fixture(autouse=True)
def keep_the_test_connection() -> Any:
    """The WSGI application closes the database connection after each request; Django's test
    client stops it from doing so, and so does this (the test's transaction stays open)."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def tokens(consultant_a: Any, manager_a: Any, hq_analyst: Any, make_customer: Any) -> dict:
    customer = make_customer(consultant_a, name="张伟", mobile="13812345678")
    assert customer.pk
    return {
        "consultant": issue_token(consultant_a)[1],
        "manager": issue_token(manager_a)[1],
        "hq": issue_token(hq_analyst)[1],
    }


@pytest.mark.django_db(transaction=False)
@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_no_server_error(case: Any, tokens: dict) -> None:
    for role in ("consultant", "manager", "hq"):  # the same case, as each role
        case.call_and_validate(
            headers={"Authorization": f"Token {tokens[role]}"},
            checks=[not_a_server_error, response_schema_conformance],
        )
