"""Scenario 8: the ``null`` origin, sent by a sandboxed iframe (``sandbox="allow-scripts"``).

Any page can make a sandboxed iframe, so allowing ``"null"`` trusts every site on the
web (a warning of the security checks). It works only when ``"null"`` is listed.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.engines import BrowserPage, Engine
from tests.browser.helpers import ConsoleLog, browser_fetch, open_page
from tests.browser.servers import ApiServer, PageServer

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("listed", [True, False], ids=["null-listed", "null-not-listed"])
def test_sandboxed_iframe_reads_only_when_null_is_listed(
    *,
    browser: Engine,
    page: BrowserPage,
    console: ConsoleLog,
    api: ApiServer,
    pages: PageServer,
    settings: Any,
    listed: bool,
) -> None:
    # The parent page's own origin is listed in both cases: it must not be what counts.
    settings.CORS_ALLOWED_ORIGINS = [pages.origin(), "null"] if listed else [pages.origin()]
    open_page(page, pages.origin())
    url = api.url("/api/items/")

    result = browser_fetch(page, url, sandboxed=True)

    [received] = api.received()
    assert received.origin == "null"
    if listed:
        assert not result.blocked, result.error
        assert result.json()["method"] == "GET"
        assert received.cors_headers == {"access-control-allow-origin": "null"}
        console.assert_no_cors_error()
    else:
        assert result.error == browser.blocked_error
        console.assert_reason(page, url, "from origin 'null' has been blocked by CORS policy")
        assert received.cors_headers == {}
