"""Browser fixtures for the end-to-end tests (`pytest -m e2e`).

One headless Chromium (Debian's /usr/bin/chromium, never `playwright install`) per session, a
fresh context per test (zh-CN, 1440x900), pages served by pytest-django's `live_server`
(which implies a transactional database).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

from autocrm.web.tests.browser import CHROMIUM, CHROMIUM_ARGS, LOCALE, TIMEOUT_MS, VIEWPORT


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

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
    ctx = browser.new_context(locale=LOCALE, viewport=VIEWPORT, base_url=live_server.url)
    ctx.set_default_timeout(TIMEOUT_MS)
    ctx.set_default_navigation_timeout(TIMEOUT_MS)
    yield ctx
    ctx.close()


@pytest.fixture
def page(context: Any) -> Any:
    return context.new_page()
