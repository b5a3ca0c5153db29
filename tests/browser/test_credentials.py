"""Scenario 4: credentialed fetches (cookies).

Which cookies a browser sends is decided by SameSite before CORS is consulted:

- The page (``http://127.0.0.1:<pages port>``) and the API (``http://127.0.0.1:<api
  port>``) are different *origins* but the same *site* (a site ignores the port), so a
  ``SameSite=Lax`` cookie, Django's default for session and CSRF cookies, is sent with
  ``credentials: "include"``. That is the set-up these tests use.
- ``http://localhost:<port>`` and ``http://127.0.0.1:<port>`` are different *sites*:
  a Lax cookie is never sent between them, whatever CORS says (the last test shows it).
  A cross-site cookie would need ``SameSite=None; Secure`` and third-party cookies
  enabled; Playwright's browser contexts, like incognito windows, block third-party
  cookies (measured with Chromium 156: such a cookie is not even stored), so
  cross-site credentialed requests carry no cookie in this suite.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.engines import BrowserPage
from tests.browser.helpers import ConsoleLog, browser_fetch, open_page
from tests.browser.servers import ApiServer, PageServer

pytestmark = pytest.mark.browser

COOKIE = "marker=chocolate"


def plant_cookie(page: BrowserPage, pages: PageServer, host: str = "127.0.0.1") -> None:
    """A Lax cookie for the API's host, as a login on the API would have left.

    Set through the page server on the same host: cookies ignore ports, and this way
    the API's record holds only the test's own requests (WebDriver sets a cookie only
    for the document it shows, so the page is loaded first).
    """
    page.add_cookie("marker", "chocolate", on=pages.origin(host))


def test_credentialed_fetch_sends_the_cookie_and_reads_with_credentials_and_exact_origin(
    *, page: BrowserPage, console: ConsoleLog, api: ApiServer, pages: PageServer, settings: Any
) -> None:
    """Scenario 4: CORS_ALLOW_CREDENTIALS and the exact origin: the cookie goes, the body is readable."""
    settings.CORS_ALLOWED_ORIGINS = [pages.origin()]
    settings.CORS_ALLOW_CREDENTIALS = True
    plant_cookie(page, pages)
    open_page(page, pages.origin())

    result = browser_fetch(page, api.url("/api/items/"), credentials="include")

    assert not result.blocked, result.error
    assert result.json()["cookies"] == {"marker": "chocolate"}
    console.assert_no_cors_error()
    [received] = api.received()
    assert received.headers["cookie"] == COOKIE
    assert received.cors_headers == {
        "access-control-allow-origin": pages.origin(),
        "access-control-allow-credentials": "true",
    }


def test_credentialed_fetch_without_allow_credentials_is_blocked_after_sending_the_cookie(
    *, page: BrowserPage, console: ConsoleLog, api: ApiServer, pages: PageServer, settings: Any
) -> None:
    """Scenario 4, refused: the origin is listed but credentials are not allowed. The browser
    sent the cookie all the same (a simple GET) and then hides the response."""
    settings.CORS_ALLOWED_ORIGINS = [pages.origin()]
    plant_cookie(page, pages)
    open_page(page, pages.origin())
    url = api.url("/api/items/")

    result = browser_fetch(page, url, credentials="include")

    assert result.blocked
    console.assert_reason(
        page,
        url,
        (
            "The value of the 'Access-Control-Allow-Credentials' header in the response is '' "
            "which must be 'true' when the request's credentials mode is 'include'."
        ),
    )
    [received] = api.received()
    assert received.headers["cookie"] == COOKIE
    assert received.cors_headers == {"access-control-allow-origin": pages.origin()}


def test_all_origins_without_credentials_answers_star_and_a_credentialed_read_fails(
    *, page: BrowserPage, console: ConsoleLog, api: ApiServer, pages: PageServer, settings: Any
) -> None:
    """Scenario 4, refused: CORS_ALLOW_ALL_ORIGINS answers '*', which a credentialed fetch may not
    read; the same fetch without credentials reads it (and sends no cookie)."""
    settings.CORS_ALLOW_ALL_ORIGINS = True
    plant_cookie(page, pages)
    open_page(page, pages.origin())
    url = api.url("/api/items/")

    with_credentials = browser_fetch(page, url, credentials="include")
    without = browser_fetch(page, url)

    assert with_credentials.blocked
    console.assert_reason(
        page,
        url,
        (
            "The value of the 'Access-Control-Allow-Origin' header in the response must not be the wildcard '*' "
            "when the request's credentials mode is 'include'."
        ),
    )
    assert without.json()["cookies"] == {}
    credentialed, anonymous = api.received()
    assert credentialed.headers["cookie"] == COOKIE
    assert "cookie" not in anonymous.headers
    assert credentialed.cors_headers == anonymous.cors_headers == {"access-control-allow-origin": "*"}


def test_cross_site_page_gets_a_readable_response_but_no_lax_cookie(
    *, page: BrowserPage, console: ConsoleLog, api: ApiServer, pages: PageServer, settings: Any
) -> None:
    """SameSite, not CORS: from localhost (another site) the Lax cookie of 127.0.0.1 stays home,
    although CORS allows the credentialed read."""
    settings.CORS_ALLOWED_ORIGINS = [pages.origin("localhost")]
    settings.CORS_ALLOW_CREDENTIALS = True
    plant_cookie(page, pages)
    open_page(page, pages.origin("localhost"))

    result = browser_fetch(page, api.url("/api/items/"), credentials="include")

    assert not result.blocked, result.error
    assert result.json()["cookies"] == {}
    [received] = api.received()
    assert "cookie" not in received.headers
    assert received.cors_headers["access-control-allow-credentials"] == "true"
