"""Scenario 13: the core scenarios against the site served by uvicorn (ASGI).

The site runs in a subprocess (``tests.browser.asgi``), so the ``settings`` fixture
cannot reach it: it gets one fixed configuration (``ASGI_SETTINGS``) through the
environment, and each test picks a request that this configuration allows or refuses.
The recording middleware reports the mode it ran in: ``"async"`` proves the request
went through an async middleware chain, CorsMiddleware included, on the event loop.

``/api/items/`` allows credentials; a URL policy turns them off for ``/api/async/``
(an async view), which gives the credentialed contrast in the same process.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from crossorigin.defaults import default_headers
from tests.browser.engines import BrowserPage, Engine
from tests.browser.helpers import ConsoleLog, browser_fetch, open_page
from tests.browser.recording import dumps
from tests.browser.servers import PageServer, UvicornServer

pytestmark = pytest.mark.browser

NO_ALLOW_ORIGIN = "No 'Access-Control-Allow-Origin' header is present on the requested resource."


def asgi_settings(pages: PageServer) -> dict[str, Any]:
    return {
        "CORS_ALLOWED_ORIGINS": [pages.origin()],
        "CORS_ALLOW_CREDENTIALS": True,
        "CORS_ALLOW_HEADERS": [*default_headers, "x-custom"],
        "CORS_URL_POLICIES": [[r"^/api/async/", {"allow_credentials": False}]],
    }


@pytest.fixture(scope="module")
def uvicorn_server(pages: PageServer) -> Iterator[UvicornServer]:
    server = UvicornServer(asgi_settings(pages))
    yield server
    server.stop()


@pytest.fixture
def asgi(uvicorn_server: UvicornServer) -> UvicornServer:
    """The uvicorn site with an empty record."""
    uvicorn_server.clear()
    return uvicorn_server


@pytest.mark.parametrize("path", ["/api/items/", "/api/async/"], ids=["sync-view", "async-view"])
def test_asgi_get_from_an_allowed_origin_is_readable(
    *, page: BrowserPage, console: ConsoleLog, asgi: UvicornServer, pages: PageServer, path: str
) -> None:
    open_page(page, pages.origin())

    result = browser_fetch(page, asgi.url(path))

    assert not result.blocked, result.error
    assert result.json()["path"] == path
    console.assert_no_cors_error()
    [received] = asgi.received()
    assert received.mode == "async"
    assert received.cors_headers["access-control-allow-origin"] == pages.origin()
    assert received.response_headers["vary"] == "origin"


def test_asgi_get_from_a_disallowed_origin_is_blocked_but_reaches_the_server(
    *, browser: Engine, page: BrowserPage, console: ConsoleLog, asgi: UvicornServer, pages: PageServer
) -> None:
    open_page(page, pages.origin("localhost"))
    url = asgi.url("/api/items/")

    result = browser_fetch(page, url)

    assert result.error == browser.blocked_error
    console.assert_reason(page, url, NO_ALLOW_ORIGIN)
    [received] = asgi.received()
    assert (received.mode, received.origin, received.status) == ("async", pages.origin("localhost"), 200)
    assert received.cors_headers == {}


@pytest.mark.parametrize("header", ["X-Custom", "X-Forbidden"])
def test_asgi_preflighted_put(
    *, page: BrowserPage, console: ConsoleLog, asgi: UvicornServer, pages: PageServer, header: str
) -> None:
    """An allowed header: preflight answered by the async middleware, then the PUT. Another:
    the browser refuses and never sends the PUT."""
    open_page(page, pages.origin())
    url = asgi.url("/api/items/")

    result = browser_fetch(page, url, method="PUT", headers={header: "custom-value"}, body="payload")

    received = asgi.received()
    preflight = received[0]
    assert preflight.preflight
    assert (preflight.mode, preflight.status, preflight.response_headers["content-length"]) == ("async", 200, "0")
    if header == "X-Custom":
        assert result.json()["x_custom"] == "custom-value"
        assert [r.method for r in received] == ["OPTIONS", "PUT"], dumps(received)
        console.assert_no_cors_error()
    else:
        assert result.blocked
        console.assert_reason(page, url, "Request header field x-forbidden is not allowed")
        assert [r.method for r in received] == ["OPTIONS"], dumps(received)


@pytest.mark.parametrize(("path", "readable"), [("/api/items/", True), ("/api/async/", False)])
def test_asgi_credentialed_fetch(
    *,
    page: BrowserPage,
    console: ConsoleLog,
    asgi: UvicornServer,
    pages: PageServer,
    path: str,
    readable: bool,
) -> None:
    """The cookie goes both times; only where credentials are allowed may the script read."""
    page.add_cookie("marker", "chocolate", on=pages.origin())  # same host as the API: cookies ignore ports
    open_page(page, pages.origin())
    url = asgi.url(path)

    result = browser_fetch(page, url, credentials="include")

    [received] = asgi.received()
    assert (received.mode, received.headers["cookie"]) == ("async", "marker=chocolate")
    if readable:
        assert result.json()["cookies"] == {"marker": "chocolate"}
        assert received.cors_headers["access-control-allow-credentials"] == "true"
        console.assert_no_cors_error()
    else:
        assert result.blocked
        console.assert_reason(page, url, "'Access-Control-Allow-Credentials' header in the response is ''")
        assert "access-control-allow-credentials" not in received.cors_headers
