"""Scenario 5: a script reads only the response headers CORS_EXPOSE_HEADERS names.

The server sends ``X-Exposed`` and ``X-Hidden`` on every response; the browser hides
each one that ``Access-Control-Expose-Headers`` does not list (safelisted headers such
as ``Content-Type`` are always readable).
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.engines import BrowserPage
from tests.browser.helpers import ConsoleLog, browser_fetch, open_page
from tests.browser.servers import ApiServer, PageServer

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(
    ("expose", "readable"),
    [
        (["X-Exposed"], {"x-exposed": "exposed-value"}),
        ([], {}),
        (["X-Exposed", "X-Hidden"], {"x-exposed": "exposed-value", "x-hidden": "hidden-value"}),
    ],
    ids=["one-exposed", "none-exposed", "both-exposed"],
)
def test_only_exposed_headers_are_readable(
    *,
    page: BrowserPage,
    console: ConsoleLog,
    api: ApiServer,
    pages: PageServer,
    settings: Any,
    expose: list[str],
    readable: dict[str, str],
) -> None:
    settings.CORS_ALLOWED_ORIGINS = [pages.origin()]
    settings.CORS_EXPOSE_HEADERS = expose
    open_page(page, pages.origin())

    result = browser_fetch(page, api.url("/api/headers/"))

    assert not result.blocked, result.error
    custom = {name: value for name, value in result.headers.items() if name.startswith("x-")}
    assert custom == readable
    assert result.headers["content-type"] == "text/plain"  # safelisted: readable without exposing
    console.assert_no_cors_error()
    [received] = api.received()
    # The server sent both headers every time: hiding them is the browser's doing.
    assert received.response_headers["x-exposed"] == "exposed-value"
    assert received.response_headers["x-hidden"] == "hidden-value"
    if expose:
        assert received.response_headers["access-control-expose-headers"] == ", ".join(expose)
    else:
        assert "access-control-expose-headers" not in received.response_headers
