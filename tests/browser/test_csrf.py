"""Scenario 14: a credentialed POST from another origin and Django's CSRF check.

CORS lets the front end read the answer; CSRF decides whether Django accepts the POST.
The front end first fetches a token (``/api/csrf/token/``, which also sets the CSRF
cookie), then POSTs with ``X-CSRFToken`` and ``credentials: "include"``. Page and API
are on 127.0.0.1 with different ports: other origins, same site, so the ``SameSite=Lax``
CSRF cookie is sent (see test_credentials.py).

Django checks the ``Origin`` header of the POST: it passes when the origin is in
``CSRF_TRUSTED_ORIGINS``, or, over HTTPS, when ``CORS_REPLACE_HTTPS_REFERER`` let
CorsMiddleware present the request as coming from the site itself. The HTTPS cases
run the pages and the API over TLS with a throw-away self-signed certificate
(``openssl``), in a browser context that ignores certificate errors; the API runs both
in this process (WSGI) and under uvicorn (ASGI, ``--ssl-certfile``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.engines import BrowserPage, Engine
from tests.browser.helpers import ConsoleLog, FetchResult, browser_fetch, open_page
from tests.browser.recording import dumps
from tests.browser.servers import ApiServer, PageServer, Site, UvicornServer
from tests.browser.settings import BROWSER_SETTINGS

pytestmark = pytest.mark.browser


def token_then_post(page: BrowserPage, api: Site) -> tuple[FetchResult, FetchResult]:
    """What a front end does: get a CSRF token, then POST with it, both with credentials."""
    token = browser_fetch(page, api.url("/api/csrf/token/"), credentials="include")
    assert not token.blocked, token.error
    post = browser_fetch(
        page,
        api.url("/api/csrf/submit/"),
        method="POST",
        credentials="include",
        headers={"X-CSRFToken": token.json()["token"]},
        body="payload",
    )
    return token, post


def allow_credentialed(settings: Any, origin: str) -> None:
    settings.CORS_ALLOWED_ORIGINS = [origin]
    settings.CORS_ALLOW_CREDENTIALS = True


@pytest.mark.parametrize("trusted", [True, False], ids=["in-csrf-trusted-origins", "not-trusted"])
def test_credentialed_post_passes_csrf_only_for_trusted_origins(
    *, page: BrowserPage, console: ConsoleLog, api: ApiServer, pages: PageServer, settings: Any, trusted: bool
) -> None:
    """Over HTTP: 200 when the page's origin is in CSRF_TRUSTED_ORIGINS, else Django's 403 (which the
    front end can read, since CORS allows the origin)."""
    allow_credentialed(settings, pages.origin())
    settings.CSRF_TRUSTED_ORIGINS = [pages.origin()] if trusted else []
    open_page(page, pages.origin())

    _token, post = token_then_post(page, api)

    assert not post.blocked, post.error
    console.assert_no_cors_error()
    token_request, preflight, submitted = api.received()
    assert token_request.path == "/api/csrf/token/"
    assert preflight.preflight
    assert preflight.headers["access-control-request-headers"] == "x-csrftoken"
    assert submitted.method == "POST"
    assert "csrftoken=" in submitted.headers["cookie"]
    assert submitted.headers["x-csrftoken"]
    if trusted:
        assert (post.status, post.json()) == (200, {"accepted": "POST", "origin": pages.origin()})
        assert submitted.status == 200
    else:
        assert post.status == 403
        assert "CSRF verification failed" in (post.body or "")
        assert submitted.status == 403, dumps(api.received())


@pytest.fixture(scope="module")
def https_api_server(certificate: tuple[Path, Path]) -> Iterator[ApiServer]:
    server = ApiServer(certificate=certificate)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def https_pages(certificate: tuple[Path, Path]) -> Iterator[PageServer]:
    server = PageServer(certificate=certificate)
    yield server
    server.stop()


@pytest.fixture
def https_api(api: ApiServer, https_api_server: ApiServer) -> ApiServer:
    """The API over HTTPS, with the browser settings the ``api`` fixture applied."""
    return https_api_server


@pytest.fixture
def https_page(browser: Engine, console: ConsoleLog) -> Iterator[BrowserPage]:
    """A page that accepts the self-signed certificate."""
    new_page = browser.new_page(console.entries, ignore_https_errors=True)
    try:
        yield new_page
    finally:
        new_page.close()


def csrf_settings(origin: str, replace: bool) -> dict[str, Any]:
    """CORS allows ``origin`` with credentials; CorsPostCsrfMiddleware follows CsrfViewMiddleware."""
    middleware = list(BROWSER_SETTINGS["MIDDLEWARE"])
    middleware.insert(
        middleware.index("django.middleware.csrf.CsrfViewMiddleware") + 1,
        "crossorigin.middleware.CorsPostCsrfMiddleware",
    )
    return {
        "MIDDLEWARE": middleware,
        "CORS_ALLOWED_ORIGINS": [origin],
        "CORS_ALLOW_CREDENTIALS": True,
        "CORS_REPLACE_HTTPS_REFERER": replace,
    }


@pytest.fixture(scope="module")
def https_uvicorn(certificate: tuple[Path, Path], https_pages: PageServer) -> Iterator[Callable[[bool], UvicornServer]]:
    """uvicorn over HTTPS with CORS_REPLACE_HTTPS_REFERER on or off (started on first use)."""
    servers: dict[bool, UvicornServer] = {}

    def server(replace: bool) -> UvicornServer:
        if replace not in servers:
            servers[replace] = UvicornServer(csrf_settings(https_pages.origin(), replace), certificate=certificate)
        servers[replace].clear()
        return servers[replace]

    yield server
    for running in servers.values():
        running.stop()


@pytest.mark.parametrize("replace", [True, False], ids=["replace-https-referer", "no-replace"])
@pytest.mark.parametrize("handler", ["wsgi", "asgi"])
def test_https_post_passes_csrf_with_cors_replace_https_referer(
    *,
    https_page: BrowserPage,
    console: ConsoleLog,
    https_api: ApiServer,
    https_uvicorn: Callable[[bool], UvicornServer],
    https_pages: PageServer,
    settings: Any,
    handler: str,
    replace: bool,
) -> None:
    """Over HTTPS, CSRF_TRUSTED_ORIGINS empty: CORS_REPLACE_HTTPS_REFERER makes the allowed origin
    pass Django's check (and CorsPostCsrfMiddleware gives the view the real Origin back); without
    it the POST gets 403. Under WSGI (in this process) and under uvicorn, where CorsMiddleware
    replaces the headers in its async process_view."""
    site: Site
    if handler == "wsgi":
        for name, value in csrf_settings(https_pages.origin(), replace).items():
            setattr(settings, name, value)
        site = https_api
    else:
        site = https_uvicorn(replace)
    open_page(https_page, https_pages.origin())

    _token, post = token_then_post(https_page, site)

    assert not post.blocked, post.error
    console.assert_no_cors_error()
    [submitted] = [r for r in site.received() if r.method == "POST"]
    assert submitted.origin == https_pages.origin()  # the recorder sits above CorsMiddleware
    assert submitted.mode == ("sync" if handler == "wsgi" else "async")
    if replace:
        assert (post.status, post.json()) == (200, {"accepted": "POST", "origin": https_pages.origin()})
    else:
        assert post.status == 403
        assert "CSRF verification failed" in (post.body or "")
    assert submitted.status == post.status
