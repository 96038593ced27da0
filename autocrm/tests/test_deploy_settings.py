"""The production posture (issue #13, item 7): `check --deploy` passes with HTTPS=1, cookies are
secure and HSTS is sent there, and the API schema is for signed-in users only."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _production_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "SECRET_KEY")}
    env.update(
        HTTPS="1",
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="crm.example.com",
        CSRF_TRUSTED_ORIGINS="https://crm.example.com",
        **extra,
    )
    return env


def test_check_deploy_passes_with_the_production_settings() -> None:
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=_production_env(), capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr


def test_https_switches_cookies_and_hsts() -> None:
    code = (
        "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'autocrm.settings');"
        "django.setup(); from django.conf import settings as s;"
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS,"
        " s.SECURE_SSL_REDIRECT, s.SECURE_PROXY_SSL_HEADER)"
    )
    on = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=_production_env(), capture_output=True,
        text=True, check=True,
    ).stdout.split()  # fmt: skip
    assert on[:4] == ["True", "True", "31536000", "True"]
    off_env = {**_production_env(), "HTTPS": "0"}
    off = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=off_env, capture_output=True, text=True,
        check=True,
    ).stdout.split()  # fmt: skip
    assert off[:4] == ["False", "False", "0", "False"]


@pytest.mark.django_db
def test_the_api_schema_needs_a_sign_in(client: Any, consultant_a: Any) -> None:
    assert client.get("/api/schema/").status_code in (401, 403)
    client.force_login(consultant_a)
    response = client.get("/api/schema/")
    assert response.status_code == 200 and b"openapi" in response.content
