"""The suite's own premise: each test's browser context starts with nothing cached.

Chromium caches preflights per browser context, so a test that reused a context could
pass on another test's preflight. Two contexts of the one browser each send their own.
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser

from crossorigin.defaults import default_headers
from tests.browser.helpers import browser_fetch, open_page
from tests.browser.servers import ApiServer, PageServer

pytestmark = pytest.mark.browser


def test_each_context_has_its_own_preflight_cache(
    *, browser: Browser, api: ApiServer, pages: PageServer, settings: Any
) -> None:
    settings.CORS_ALLOWED_ORIGINS = [pages.origin()]
    settings.CORS_ALLOW_HEADERS = [*default_headers, "x-custom"]
    settings.CORS_PREFLIGHT_MAX_AGE = 600
    statuses = []
    for _ in range(2):
        context = browser.new_context()
        try:
            page = context.new_page()
            open_page(page, pages.origin())
            for _ in range(2):  # the second PUT of a context reuses its cached preflight
                result = browser_fetch(page, api.url("/api/items/"), method="PUT", headers={"X-Custom": "1"})
                statuses.append(result.status)
        finally:
            context.close()

    assert statuses == [200, 200, 200, 200]
    assert [r.method for r in api.received()] == ["OPTIONS", "PUT", "PUT", "OPTIONS", "PUT", "PUT"]
