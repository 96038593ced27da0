"""Login throttling (issue #13, item 6): thirty wrong passwords in a row were answered at full
speed, on the sign-in page and the token endpoint, and the right password worked afterwards.
Tried here as an attacker would: against one account, and against many from one address."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from autocrm.testing import STAFF_PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
TOKEN = "/api/auth/token/"


def _page(client: Client, username: str, password: str, address: str = "10.0.0.1") -> Any:
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


def _token(username: str, password: str, address: str = "10.0.0.1") -> Any:
    return APIClient().post(
        TOKEN, {"username": username, "password": password}, format="json", REMOTE_ADDR=address
    )


def test_an_account_is_locked_after_five_failures_on_the_page(consultant_a: Any) -> None:
    client = Client()
    answers = [_page(client, "consultant_a", "wrong").status_code for _ in range(30)]
    limit = settings.AXES_FAILURE_LIMIT
    assert answers[: limit - 1] == [200] * (limit - 1)  # the form again, "wrong password"
    assert set(answers[limit:]) == {429}
    locked = _page(client, "consultant_a", STAFF_PASSWORD)
    assert locked.status_code == 429  # the right password too, during the lockout
    html = locked.content.decode()
    assert 'data-testid="locked-out"' in html and "15" in html
    assert "_auth_user_id" not in client.session
    # recorded: the failures and the attempt that locked the account
    assert AccessFailureLog.objects.filter(username="consultant_a").count() >= limit
    assert AccessAttempt.objects.filter(username="consultant_a").exists()


def test_the_lockout_ends_after_the_cool_off(consultant_a: Any) -> None:
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _page(client, "consultant_a", "wrong")
    assert _page(client, "consultant_a", STAFF_PASSWORD).status_code == 429
    AccessAttempt.objects.update(
        attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - timedelta(seconds=1)
    )
    signed_in = _page(client, "consultant_a", STAFF_PASSWORD)
    assert signed_in.status_code == 302 and signed_in["Location"] == reverse("home")


def test_a_success_before_the_limit_resets_the_count(consultant_a: Any) -> None:
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _page(client, "consultant_a", "wrong")
    assert _page(client, "consultant_a", STAFF_PASSWORD).status_code == 302
    client.logout()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _page(client, "consultant_a", "wrong").status_code == 200
    assert _page(client, "consultant_a", STAFF_PASSWORD).status_code == 302


def test_the_token_endpoint_is_throttled_alike(consultant_a: Any) -> None:
    answers = [_token("consultant_a", "wrong").status_code for _ in range(30)]
    limit = settings.AXES_FAILURE_LIMIT
    assert answers[: limit - 1] == [400] * (limit - 1)
    assert set(answers[limit:]) == {429}
    locked = _token("consultant_a", STAFF_PASSWORD)
    assert locked.status_code == 429 and "15" in locked.json()["detail"]
    assert "token" not in locked.json()


def test_the_page_and_the_token_endpoint_count_together(consultant_a: Any) -> None:
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _page(client, "consultant_a", "wrong")
    _token("consultant_a", "wrong")
    assert _token("consultant_a", STAFF_PASSWORD).status_code == 429


def test_an_address_trying_many_accounts_is_locked(
    make_staff: Any, dealer_a: Any, consultant_a: Any
) -> None:
    """Guessing one password for every account from one address: each account is below its
    limit, the address is not. Another address is not affected."""
    client = Client()
    per_address = settings.LOGIN_FAILURES_PER_ADDRESS
    for i in range(per_address):
        _page(client, f"guess{i}", "123456", address="10.0.0.9")
    assert _page(client, "consultant_a", STAFF_PASSWORD, address="10.0.0.9").status_code == 429
    assert _page(Client(), "consultant_a", STAFF_PASSWORD, address="10.0.0.10").status_code == 302


def test_a_showroom_address_stays_open_below_its_limit(consultant_a: Any) -> None:
    """Staff sharing one connection mistype now and then: fewer failures than the address's
    limit, spread over accounts, lock no one."""
    client = Client()
    for i in range(settings.LOGIN_FAILURES_PER_ADDRESS - 1):
        _page(client, f"colleague{i % 4}", "typo", address="10.0.0.20")
    assert _page(client, "consultant_a", STAFF_PASSWORD, address="10.0.0.20").status_code == 302


def test_behind_a_trusted_proxy_the_forwarded_address_counts(
    settings: Any, consultant_a: Any
) -> None:
    settings.TRUSTED_PROXY_COUNT = 1
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            LOGIN,
            {"username": f"x{_}", "password": "wrong"},
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR="203.0.113.5",
        )
    assert AccessAttempt.objects.filter(ip_address="203.0.113.5").exists()
    assert not AccessAttempt.objects.filter(ip_address="10.0.0.1").exists()
