"""The suite's own premise: each test's browser context starts with nothing cached.

Engines cache preflights (Chromium and Firefox per Playwright browser context, WPE per
WebDriver session), so a test that reused a page's state could pass on another test's
preflight. Two fresh pages of the one engine each send their own.
"""

from __future__ import annotations

from typing import Any

import pytest

from crossorigin.defaults import default_headers
from tests.browser.engines import Engine
from tests.browser.helpers import browser_fetch, open_page
from tests.browser.servers import ApiServer, PageServer

pytestmark = pytest.mark.browser


def test_each_context_has_its_own_preflight_cache(
    *, browser: Engine, api: ApiServer, pages: PageServer, settings: Any
) -> None:
    settings.CORS_ALLOWED_ORIGINS = [pages.origin()]
    settings.CORS_ALLOW_HEADERS = [*default_headers, "x-custom"]
    settings.CORS_PREFLIGHT_MAX_AGE = 600
    statuses = []
    for _ in range(2):
        page = browser.new_page([])
        try:
            open_page(page, pages.origin())
            for _ in range(2):  # the second PUT of a context reuses its cached preflight
                result = browser_fetch(page, api.url("/api/items/"), method="PUT", headers={"X-Custom": "1"})
                statuses.append(result.status)
        finally:
            page.close()

    assert statuses == [200, 200, 200, 200]
    methods = [r.method for r in api.received()]
    if browser.name == "firefox":
        # Firefox (over WebDriver BiDi) always preflights the second request too before
        # it caches (measured; see test_engine_behaviour.py): with two PUTs a page, each
        # has its own preflight, and the second page's first PUT shows nothing leaked.
        assert methods == ["OPTIONS", "PUT"] * 4
    else:
        assert methods == ["OPTIONS", "PUT", "PUT", "OPTIONS", "PUT", "PUT"]
