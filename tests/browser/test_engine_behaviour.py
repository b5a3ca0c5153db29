"""How each engine treats the CORS headers users trip over; the rows of docs/browser-behaviour.md.

The page's script talks to ``ProbeServer``, which sends exactly the headers the URL asks
for, so these tests measure the browsers themselves. Each test asserts what the engine
did (where engines differ, per engine, with the reason) and records it for the page
(``tests.browser.observations``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Final
from urllib.parse import urlencode

import pytest

from tests.browser.engines import BrowserPage, Engine
from tests.browser.helpers import ConsoleLog, FetchResult, browser_fetch, open_page
from tests.browser.observations import OBSERVATIONS
from tests.browser.probe import ProbeServer
from tests.browser.servers import PageServer

pytestmark = pytest.mark.browser

CORS_PREFIX: Final = "has been blocked by CORS policy: "
NOT_DELIVERED: Final = "not delivered to the driver"


@pytest.fixture(scope="module")
def probe_server() -> Iterator[ProbeServer]:
    server = ProbeServer()
    yield server
    server.stop()


@pytest.fixture
def probe(probe_server: ProbeServer) -> ProbeServer:
    """The probe with an empty record."""
    probe_server.clear()
    return probe_server


def probe_url(probe: ProbeServer, **query: str) -> str:
    return probe.url("/probe?" + urlencode(query))


def preflights(probe: ProbeServer) -> int:
    return sum(
        1 for method, headers in probe.received() if method == "OPTIONS" and "access-control-request-method" in headers
    )


def put(page: BrowserPage, url: str) -> FetchResult:
    return browser_fetch(page, url, method="PUT", headers={"X-Custom": "1"}, body="x")


@pytest.mark.parametrize(
    ("topic", "max_age", "requests", "pause_ms", "expected"),
    [
        # Without the header the browser's default (5 s) applies: the second PUT reuses it.
        pytest.param("max_age_absent", None, 4, 0, 1, id="absent"),
        # 0 means "do not cache": every request is preflighted.
        pytest.param("max_age_zero", "0", 3, 0, 3, id="zero"),
        pytest.param("max_age_one", "1", 3, 1200, 3, id="one-second"),
        # A day, more than any engine's cap; the cap itself cannot be waited for in a test.
        pytest.param("max_age_day", "86400", 4, 0, 1, id="one-day"),
    ],
)
def test_preflight_cache(
    *,
    browser: Engine,
    page: BrowserPage,
    probe: ProbeServer,
    pages: PageServer,
    topic: str,
    max_age: str | None,
    requests: int,
    pause_ms: int,
    expected: int,
) -> None:
    query = {"origin": "echo", "headers": "x-custom", "methods": "PUT"}
    if max_age is not None:
        query["max_age"] = max_age
    url = probe_url(probe, **query)
    open_page(page, pages.origin())

    results = []
    for _ in range(requests):
        results.append(put(page, url))
        if pause_ms:
            page.wait(pause_ms)

    assert [r.status for r in results] == [200] * requests, [r.error for r in results]
    seen = preflights(probe)
    if browser.name == "firefox" and expected == 1:
        # Firefox ESR 153 (driven over WebDriver BiDi) preflights the second request
        # again, sometimes the third too, and only then uses its cache: 2 or 3
        # preflights, varying from run to run (measured). The cause (Firefox itself or
        # the BiDi session) was not isolated.
        assert 2 <= seen <= 3, seen
        observed = f"2 or 3 preflights for {requests} requests (varies between runs)"
    else:
        assert seen == expected
        observed = f"{seen} preflight{'s' if seen != 1 else ''} for {requests} requests"
    OBSERVATIONS.record(topic, browser.name, observed)


@pytest.mark.parametrize(
    ("topic", "query", "method", "header", "credentials", "readable"),
    [
        pytest.param("headers_star", {"origin": "echo", "headers": "*"}, "GET", "X-Custom", False, True, id="headers"),
        # With credentials '*' is the header name '*', not a wildcard (Fetch standard).
        pytest.param(
            "headers_star_credentials",
            {"origin": "echo", "credentials": "true", "headers": "*"},
            "GET",
            "X-Custom",
            True,
            False,
            id="headers-credentials",
        ),
        # The Fetch standard says '*' never covers Authorization (it must be listed by
        # name), yet all three engines measured here let it through: Chromium only warns
        # of a future change, and neither Firefox ESR 153 nor WPE WebKit 2.38 enforce it.
        # So django-crossorigin must not rely on browsers to keep Authorization out.
        pytest.param(
            "headers_star_authorization",
            {"origin": "echo", "headers": "*"},
            "GET",
            "Authorization",
            False,
            True,
            id="authorization",
        ),
        pytest.param(
            "methods_star_credentials",
            {"origin": "echo", "credentials": "true", "methods": "*"},
            "PATCH",
            None,
            True,
            False,
            id="methods-credentials",
        ),
    ],
)
def test_wildcards(
    *,
    browser: Engine,
    page: BrowserPage,
    probe: ProbeServer,
    pages: PageServer,
    topic: str,
    query: dict[str, str],
    method: str,
    header: str | None,
    credentials: bool,
    readable: bool,
) -> None:
    open_page(page, pages.origin())

    result = browser_fetch(
        page,
        probe_url(probe, **query),
        method=method,
        headers={header: "1"} if header else None,
        credentials="include" if credentials else None,
    )

    methods = [m for m, _ in probe.received()]
    if result.blocked:
        OBSERVATIONS.record(topic, browser.name, "blocked: the preflight fails, the request is never sent")
        assert result.error == browser.blocked_error
        assert methods == ["OPTIONS"]
    else:
        OBSERVATIONS.record(topic, browser.name, "read")
        assert result.json() == {"probe": "read"}
        assert methods == ["OPTIONS", method]
    assert result.blocked is not readable


def test_no_private_network_preflight_between_loopback_origins(
    *, browser: Engine, page: BrowserPage, probe: ProbeServer, pages: PageServer
) -> None:
    """Page and API both on loopback: the same address space, so no Private Network Access
    header in any engine (Chromium's PNA preflights are on hold, Firefox and WebKit never
    shipped them)."""
    open_page(page, pages.origin())

    result = put(page, probe_url(probe, origin="echo", headers="x-custom", methods="PUT"))

    assert result.status == 200
    [(method, preflight), _put] = probe.received()
    assert method == "OPTIONS"
    sent = "access-control-request-private-network" in preflight
    OBSERVATIONS.record(
        "private_network",
        browser.name,
        "`Access-Control-Request-Private-Network` sent"
        if sent
        else "no `Access-Control-Request-Private-Network` header",
    )
    assert not sent


@pytest.mark.parametrize(
    ("topic", "query", "method", "header", "credentials", "sandboxed"),
    [
        pytest.param("console_origin", {}, "GET", None, False, False, id="origin"),
        pytest.param("console_star_credentials", {"origin": "*"}, "GET", None, True, False, id="star-credentials"),
        pytest.param("console_no_credentials", {"origin": "echo"}, "GET", None, True, False, id="no-credentials"),
        pytest.param(
            "console_header", {"origin": "echo", "headers": "x-other"}, "GET", "X-Custom", False, False, id="header"
        ),
        pytest.param("console_method", {"origin": "echo", "methods": "PATCH"}, "PUT", None, False, False, id="method"),
        pytest.param(
            "console_redirect",
            {"origin": "echo", "headers": "x-custom", "preflight_status": "301"},
            "GET",
            "X-Custom",
            False,
            False,
            id="redirect",
        ),
        pytest.param("console_null", {}, "GET", None, False, True, id="null-origin"),
    ],
)
def test_what_a_blocked_fetch_reports(
    *,
    browser: Engine,
    page: BrowserPage,
    console: ConsoleLog,
    probe: ProbeServer,
    pages: PageServer,
    topic: str,
    query: dict[str, str],
    method: str,
    header: str | None,
    credentials: bool,
    sandboxed: bool,
) -> None:
    """The script gets the engine's generic TypeError; only Chromium tells a driver why."""
    open_page(page, pages.origin())
    url = probe_url(probe, **query)

    result = browser_fetch(
        page,
        url,
        method=method,
        headers={header: "1"} if header else None,
        credentials="include" if credentials else None,
        sandboxed=sandboxed,
    )

    assert result.error == browser.blocked_error
    OBSERVATIONS.record("blocked_error", browser.name, f"`{result.error}`")
    assert probe.received(), "the browser sent nothing at all"
    if browser.reports_cors_reasons:
        message = console.cors_error(page, url)
        reason = message.split(CORS_PREFIX, 1)[1]
        OBSERVATIONS.record(topic, browser.name, reason)
    else:
        page.wait(200)  # time for a message to arrive, were the engine to send one
        assert console.cors_errors() == []
        OBSERVATIONS.record(topic, browser.name, NOT_DELIVERED)
