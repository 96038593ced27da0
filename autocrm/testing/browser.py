"""Helpers for the end-to-end tests: Chromium launch options, sign-in, screenshots."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings

from autocrm.testing import STAFF_PASSWORD

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
VIEWPORT = {"width": 1440, "height": 900}
LOCALE = "zh-CN"
TIMEOUT_MS = 15_000
SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"


def login(page: Any, live_server: Any, staff: Any, password: str = STAFF_PASSWORD) -> None:
    """Sign in through the real login page; returns on the page the login redirects to."""
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", staff.username)
    page.fill("#id_password", password)
    with page.expect_navigation():
        page.click("form[method=post] button[type=submit]")
    assert "/accounts/login/" not in page.url, f"sign-in failed for {staff.username}"


def screenshot(page: Any, name: str) -> Path:
    """Save a full-page PNG to var/screenshots/<name>.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
