"""API tokens (issue #13, item 7): revocable (the API's logout, and a page where a user sees and
revokes theirs), expiring, stored hashed."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

from autocrm.testing import STAFF_PASSWORD

pytestmark = pytest.mark.django_db


def _sign_in(username: str) -> dict[str, Any]:
    response = APIClient().post(
        "/api/auth/token/", {"username": username, "password": STAFF_PASSWORD}, format="json"
    )
    assert response.status_code == 200, response.content
    return response.json()


def _with(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def test_a_token_is_stored_hashed_only(consultant_a: Any) -> None:
    token = _sign_in("consultant_a")["token"]
    record = AuthToken.objects.get(user=consultant_a)
    assert record.digest != token and len(record.digest) == 128  # SHA-512, hex
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {AuthToken._meta.db_table}")
        stored = " ".join(str(v) for row in cursor.fetchall() for v in row)
    assert token not in stored
    assert token.startswith(record.token_key)  # the first characters, to recognise it by


def test_a_token_expires(consultant_a: Any) -> None:
    body = _sign_in("consultant_a")
    expiry = timezone.datetime.fromisoformat(body["expiry"].replace("Z", "+00:00"))
    assert timezone.now() + timedelta(days=29) < expiry < timezone.now() + timedelta(days=31)
    assert _with(body["token"]).get("/api/customers/").status_code == 200
    AuthToken.objects.update(expiry=timezone.now() - timedelta(seconds=1))
    assert _with(body["token"]).get("/api/customers/").status_code == 401


def test_logout_revokes_the_token_used(consultant_a: Any) -> None:
    first, second = _sign_in("consultant_a")["token"], _sign_in("consultant_a")["token"]
    assert _with(first).post("/api/auth/logout/").status_code == 204
    assert _with(first).get("/api/customers/").status_code == 401
    assert _with(second).get("/api/customers/").status_code == 200
    assert _with(second).post("/api/auth/logout-all/").status_code == 204
    assert _with(second).get("/api/customers/").status_code == 401


def test_the_tokens_page_lists_and_revokes_ones_own(consultant_a: Any, consultant_b: Any) -> None:
    mine = _sign_in("consultant_a")["token"]
    theirs = _sign_in("consultant_b")["token"]
    client = Client()
    client.force_login(consultant_a)
    html = client.get("/accounts/tokens/").content.decode()
    assert mine[:8] in html and theirs[:8] not in html and mine not in html
    other_key = AuthToken.objects.get(user=consultant_b).token_key
    client.post("/accounts/tokens/", {"key": other_key})  # another user's: nothing happens
    assert _with(theirs).get("/api/customers/").status_code == 200
    own_key = AuthToken.objects.get(user=consultant_a).token_key
    assert client.post("/accounts/tokens/", {"key": own_key}).status_code == 302
    assert _with(mine).get("/api/customers/").status_code == 401
    _sign_in("consultant_a")
    _sign_in("consultant_a")
    client.post("/accounts/tokens/", {"all": "1"})
    assert not AuthToken.objects.filter(user=consultant_a).exists()
    assert AuthToken.objects.filter(user=consultant_b).exists()
