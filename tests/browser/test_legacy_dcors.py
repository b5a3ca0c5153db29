"""Scenario 15: django-dcors' settings keep working in the browser.

django-dcors configured one origin (or ``"*"``) in ``CORS_ALLOW_ORIGIN`` and let
``CORS_ALLOW_ALL_HEADERS`` accept whatever headers a preflight asks for. crossorigin
reads both (with a deprecation warning from the system checks), as the docs say.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.engines import BrowserPage
from tests.browser.helpers import ConsoleLog, browser_fetch, open_page
from tests.browser.servers import ApiServer, PageServer

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
def test_cors_allow_origin_allows_that_one_origin(
    *, page: BrowserPage, console: ConsoleLog, api: ApiServer, pages: PageServer, settings: Any, host: str
) -> None:
    """CORS_ALLOW_ORIGIN = one origin: that origin reads, another is blocked."""
    settings.CORS_ALLOW_ORIGIN = pages.origin("127.0.0.1")
    open_page(page, pages.origin(host))
    url = api.url("/api/items/")

    result = browser_fetch(page, url)

    [received] = api.received()
    if host == "127.0.0.1":
        assert not result.blocked, result.error
        assert received.cors_headers == {"access-control-allow-origin": pages.origin()}
    else:
        assert result.blocked
        console.assert_reason(page, url, f"from origin '{pages.origin(host)}' has been blocked")
        assert received.cors_headers == {}


def test_cors_allow_origin_star_allows_every_origin(
    *, page: BrowserPage, console: ConsoleLog, api: ApiServer, pages: PageServer, settings: Any
) -> None:
    """CORS_ALLOW_ORIGIN = '*': every origin reads, and the answer is '*'."""
    settings.CORS_ALLOW_ORIGIN = "*"
    url = api.url("/api/items/")

    results = []
    for host in ("127.0.0.1", "localhost"):
        open_page(page, pages.origin(host))
        results.append(browser_fetch(page, url))

    assert [r.status for r in results] == [200, 200]
    console.assert_no_cors_error()
    assert [r.cors_headers for r in api.received()] == [{"access-control-allow-origin": "*"}] * 2


@pytest.mark.parametrize("all_headers", [True, False], ids=["all-headers", "default-headers"])
def test_cors_allow_all_headers_accepts_any_requested_header(
    *, page: BrowserPage, console: ConsoleLog, api: ApiServer, pages: PageServer, settings: Any, all_headers: bool
) -> None:
    """CORS_ALLOW_ALL_HEADERS: a preflight asking for an unlisted header is granted it;
    without the setting the browser refuses and the PUT is never sent."""
    settings.CORS_ALLOW_ORIGIN = pages.origin()
    if all_headers:
        settings.CORS_ALLOW_ALL_HEADERS = True
    open_page(page, pages.origin())
    url = api.url("/api/items/")

    result = browser_fetch(page, url, method="PUT", headers={"X-Anything": "1", "X-Custom": "custom-value"})

    received = api.received()
    assert received[0].headers["access-control-request-headers"] == "x-anything,x-custom"
    if all_headers:
        assert not result.blocked, result.error
        assert result.json()["x_custom"] == "custom-value"
        assert received[0].response_headers["access-control-allow-headers"] == "x-anything, x-custom"
        assert [r.method for r in received] == ["OPTIONS", "PUT"]
        console.assert_no_cors_error()
    else:
        assert result.blocked
        # Chromium names one of the two refused headers.
        console.assert_reason_matching(
            page, url, r"Request header field x-(anything|custom) is not allowed by Access-Control-Allow-Headers"
        )
        assert [r.method for r in received] == ["OPTIONS"]
