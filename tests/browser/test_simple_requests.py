"""Scenarios 1, 2, 7, 9, 10 and 12: simple GETs, read or blocked by the browser.

A simple GET needs no preflight: the browser sends it whatever the settings, and CORS
decides only whether the script may read the answer. So every blocked case below also
asserts that the request reached the server.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.engines import BrowserPage, Engine
from tests.browser.helpers import ConsoleLog, browser_fetch, open_page
from tests.browser.servers import ApiServer, PageServer

pytestmark = pytest.mark.browser

NO_ALLOW_ORIGIN = "No 'Access-Control-Allow-Origin' header is present on the requested resource."


def test_get_from_an_allowed_origin_is_readable(
    *, page: BrowserPage, console: ConsoleLog, api: ApiServer, pages: PageServer, settings: Any
) -> None:
    """Scenario 1: the listed origin reads the body; the server sent ACAO with that origin."""
    settings.CORS_ALLOWED_ORIGINS = [pages.origin()]
    open_page(page, pages.origin())

    result = browser_fetch(page, api.url("/api/items/"))

    assert not result.blocked, result.error
    assert result.status == 200
    assert result.json()["method"] == "GET"
    console.assert_no_cors_error()
    [received] = api.received()
    assert (received.method, received.path, received.origin) == ("GET", "/api/items/", pages.origin())
    assert received.response_headers["access-control-allow-origin"] == pages.origin()
    assert received.response_headers["vary"] == "origin"


def test_get_from_a_disallowed_origin_is_blocked_but_reaches_the_server(
    *,
    browser: Engine,
    page: BrowserPage,
    console: ConsoleLog,
    api: ApiServer,
    pages: PageServer,
    other_pages: PageServer,
    settings: Any,
) -> None:
    """Scenario 2: another origin is refused a read, yet its GET was served (CORS is not CSRF)."""
    settings.CORS_ALLOWED_ORIGINS = [other_pages.origin()]
    open_page(page, pages.origin())
    url = api.url("/api/items/")

    result = browser_fetch(page, url)

    assert result.blocked
    assert result.error == browser.blocked_error
    console.assert_reason(
        page, url, f"from origin '{pages.origin()}' has been blocked by CORS policy: {NO_ALLOW_ORIGIN}"
    )
    [received] = api.received()
    assert (received.method, received.origin, received.status) == ("GET", pages.origin(), 200)
    assert received.cors_headers == {}
    assert received.response_headers["vary"] == "origin"


@pytest.mark.parametrize("listed", ["127.0.0.1", "localhost"])
def test_localhost_and_127_0_0_1_are_different_origins(
    *, page: BrowserPage, console: ConsoleLog, api: ApiServer, pages: PageServer, settings: Any, listed: str
) -> None:
    """Scenario 7: the same page server under two host names is two origins; only the listed one reads."""
    other = "localhost" if listed == "127.0.0.1" else "127.0.0.1"
    settings.CORS_ALLOWED_ORIGINS = [pages.origin(listed)]
    url = api.url("/api/items/")

    open_page(page, pages.origin(listed))
    allowed = browser_fetch(page, url)
    open_page(page, pages.origin(other))
    refused = browser_fetch(page, url)

    assert not allowed.blocked, allowed.error
    assert refused.blocked
    console.assert_reason(page, url, f"from origin '{pages.origin(other)}' has been blocked")
    first, second = api.received()
    assert (first.origin, first.cors_headers) == (
        pages.origin(listed),
        {"access-control-allow-origin": pages.origin(listed)},
    )
    assert (second.origin, second.status, second.cors_headers) == (pages.origin(other), 200, {})


@pytest.mark.parametrize(
    ("urls_regex", "public_readable"),
    [(r"^/api/", False), (None, True)],
    ids=["limited-to-api", "default-every-path"],
)
def test_cors_urls_regex_limits_cors_to_api(
    *,
    page: BrowserPage,
    console: ConsoleLog,
    api: ApiServer,
    pages: PageServer,
    settings: Any,
    urls_regex: str | None,
    public_readable: bool,
) -> None:
    """Scenario 9: with CORS_URLS_REGEX = r'^/api/' a path outside it gets no CORS headers at all."""
    settings.CORS_ALLOWED_ORIGINS = [pages.origin()]
    if urls_regex is not None:
        settings.CORS_URLS_REGEX = urls_regex
    open_page(page, pages.origin())

    inside = browser_fetch(page, api.url("/api/items/"))
    outside = browser_fetch(page, api.url("/public/items/"))

    assert not inside.blocked, inside.error
    assert outside.blocked is not public_readable
    in_record, out_record = api.received()
    assert in_record.cors_headers == {"access-control-allow-origin": pages.origin()}
    assert (out_record.path, out_record.origin, out_record.status) == ("/public/items/", pages.origin(), 200)
    if public_readable:
        assert out_record.cors_headers == {"access-control-allow-origin": pages.origin()}
        console.assert_no_cors_error()
    else:
        console.assert_reason(page, api.url("/public/items/"), NO_ALLOW_ORIGIN)
        # CORS is off for the path altogether: not even Vary: origin.
        assert out_record.cors_headers == {}
        assert "vary" not in out_record.response_headers


@pytest.mark.parametrize(
    ("regexes", "host", "readable"),
    [
        pytest.param([r"http://127\.0\.0\.1:\d+"], "127.0.0.1", True, id="regex-matches"),
        pytest.param([r"http://127\.0\.0\.1:\d+"], "localhost", False, id="other-host-refused"),
        pytest.param([r"http://(localhost|127\.0\.0\.1):\d+"], "localhost", True, id="alternation-matches"),
        # The whole origin must match (fullmatch): a pattern without the port does not.
        pytest.param([r"http://127\.0\.0\.1"], "127.0.0.1", False, id="unanchored-prefix-refused"),
    ],
)
def test_origin_regexes(
    *,
    page: BrowserPage,
    console: ConsoleLog,
    api: ApiServer,
    pages: PageServer,
    settings: Any,
    regexes: list[str],
    host: str,
    readable: bool,
) -> None:
    """Scenario 10: CORS_ALLOWED_ORIGIN_REGEXES allow exactly the origins they fully match."""
    settings.CORS_ALLOWED_ORIGIN_REGEXES = regexes
    open_page(page, pages.origin(host))
    url = api.url("/api/items/")

    result = browser_fetch(page, url)

    assert result.blocked is not readable, result.error
    [received] = api.received()
    assert received.origin == pages.origin(host)
    if readable:
        assert received.cors_headers == {"access-control-allow-origin": pages.origin(host)}
        console.assert_no_cors_error()
    else:
        assert received.cors_headers == {}
        console.assert_reason(page, url, NO_ALLOW_ORIGIN)


@pytest.mark.parametrize("allowed", [True, False], ids=["allowed-origin", "disallowed-origin"])
def test_error_responses_are_readable_cross_origin(
    *, page: BrowserPage, console: ConsoleLog, api: ApiServer, pages: PageServer, settings: Any, allowed: bool
) -> None:
    """Scenario 12: a 404 and a 500 (an exception in a view) carry the CORS headers, so the
    front end can read the error; for a disallowed origin they are blocked like any response."""
    settings.CORS_ALLOWED_ORIGINS = [pages.origin() if allowed else "http://allowed.example"]
    open_page(page, pages.origin())
    missing, broken = api.url("/api/missing/"), api.url("/api/broken/")

    not_found = browser_fetch(page, missing)
    server_error = browser_fetch(page, broken)

    assert [r.status for r in api.received()] == [404, 500]
    if allowed:
        assert (not_found.status, server_error.status) == (404, 500)
        assert "Server Error (500)" in (server_error.body or "")
        for received in api.received():
            assert received.cors_headers == {"access-control-allow-origin": pages.origin()}
        console.assert_no_cors_error()
    else:
        assert not_found.blocked
        assert server_error.blocked
        console.assert_reason(page, missing, NO_ALLOW_ORIGIN)
        console.assert_reason(page, broken, NO_ALLOW_ORIGIN)
