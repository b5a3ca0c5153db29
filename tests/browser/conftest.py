"""Fixtures of the browser suite: one headless Chromium, fresh contexts, loopback servers.

Fixtures (stable; other modules of this directory build on them):

``browser`` (session)
    One Playwright ``Browser``: Debian's Chromium (``/usr/bin/chromium``, else
    ``chromium`` on PATH, or the executable named by ``CROSSORIGIN_CHROMIUM``),
    launched headless by Playwright. Without Chromium or
    Playwright every test that uses it is skipped with an install hint; with the
    environment variable ``CROSSORIGIN_REQUIRE_BROWSER`` set (CI) it fails instead.
    Never run ``playwright install``.
``context`` (function)
    A fresh ``BrowserContext`` per test: its own cookies and its own preflight cache.
``console`` (function)
    A ``tests.browser.helpers.ConsoleLog`` of the ``page``'s console messages;
    ``console.cors_error(page, url)`` returns Chromium's reason for blocking ``url``.
``page`` (function)
    A ``Page`` in ``context`` whose console messages go to ``console``.
``api_server`` / ``api`` (session / function)
    The test project (``tests.browser.urls``) served in this process on
    ``http://127.0.0.1:<port>`` by a threaded WSGI server; ``api`` also applies
    ``tests.browser.settings.BROWSER_SETTINGS`` for the test (recording middleware
    above ``CorsMiddleware``, no ``CORS_*`` setting at all) and empties the record.
    Change settings in the test with pytest-django's ``settings`` fixture: the server
    thread reads the same settings object and crossorigin recompiles its policies on
    ``setting_changed``. ``api.received()`` lists what the server received.
``pages`` (session)
    A server of empty HTML pages on a port of its own: ``pages.origin()`` is
    ``http://127.0.0.1:<port>`` (another origin of the same site as the API: ports do
    not make sites) and ``pages.origin("localhost")`` another site altogether.
``other_pages`` (session)
    A second page server, on a third port.
``certificate`` (session)
    ``(cert, key)``: a self-signed certificate for 127.0.0.1 and localhost, made with
    ``openssl`` (skips without it); ``ApiServer(certificate=...)`` and
    ``PageServer(certificate=...)`` then serve HTTPS.

Every test of this directory that uses ``browser`` (directly or through ``context`` or
``page``) is marked ``browser``, so ``-m "not browser"`` leaves it out, and is moved to
the end of the run: while Playwright's sync API is started it leaves an event loop
marked as running in the main thread, which would break asyncio tests (and Django's
async-safety check) that ran after it. For the same reason ``DJANGO_ALLOW_ASYNC_UNSAFE``
is set while the browser is up, and browser tests must be plain (sync) functions.

When a browser test fails, its report gets the page's console messages and what the
API (in-process or uvicorn) received, plus uvicorn's stderr.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Generator, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import pytest

from tests.browser.helpers import ConsoleLog
from tests.browser.recording import dumps
from tests.browser.servers import ApiServer, PageServer, UvicornServer
from tests.browser.settings import BROWSER_SETTINGS

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page

REQUIRE_ENV: Final = "CROSSORIGIN_REQUIRE_BROWSER"
DEBIAN_CHROMIUM: Final = "/usr/bin/chromium"
# Another Chromium-based browser to drive instead (a path to its executable).
CHROMIUM_ENV: Final = "CROSSORIGIN_CHROMIUM"
INSTALL_HINT: Final = "install it with: sudo apt-get install -y chromium"
HERE: Final = Path(__file__).resolve().parent


def _uses_browser(item: pytest.Item) -> bool:
    # A test elsewhere may well have a parameter called "page" (tests/test_docs.py does),
    # so only tests of this directory whose fixtures reach ``browser`` count.
    return "browser" in getattr(item, "fixturenames", ()) and HERE in item.path.resolve().parents


@pytest.hookimpl(wrapper=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> Generator[None, None, None]:
    """Mark browser tests ``browser`` before ``-m`` selects; run them last, after pytest-django's sort."""
    for item in items:
        if _uses_browser(item) and item.get_closest_marker("browser") is None:
            item.add_marker(pytest.mark.browser)
    yield
    items.sort(key=_uses_browser)  # stable: the order is otherwise kept


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """On failure, show the browser's console and what the servers received."""
    report = yield
    if report.failed and call.when == "call":
        funcargs: dict[str, Any] = getattr(item, "funcargs", {})
        log = funcargs.get("console")
        if isinstance(log, ConsoleLog):
            report.sections.append(("browser console", "\n".join(f"[{e.type}] {e.text}" for e in log.entries)))
        for value in funcargs.values():
            if isinstance(value, ApiServer | UvicornServer):
                report.sections.append((f"received by the API at {value.origin()}", dumps(value.received())))
            if isinstance(value, UvicornServer):
                report.sections.append(("uvicorn's stderr", value.log()))
    return report


def find_chromium() -> str | None:
    """``$CROSSORIGIN_CHROMIUM`` if set, else Debian's Chromium, else ``chromium`` on PATH."""
    chosen = os.environ.get(CHROMIUM_ENV)
    if chosen:
        return chosen if os.access(chosen, os.X_OK) else None
    if os.access(DEBIAN_CHROMIUM, os.X_OK):
        return DEBIAN_CHROMIUM
    return shutil.which("chromium")


def _unavailable(reason: str) -> None:
    if os.environ.get(REQUIRE_ENV):
        pytest.fail(f"{reason} ({REQUIRE_ENV} is set, so the browser tests must run)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """One headless Chromium for the whole session."""
    executable = find_chromium()
    if executable is None and os.environ.get(CHROMIUM_ENV):
        _unavailable(f"{CHROMIUM_ENV}={os.environ[CHROMIUM_ENV]!r} is not an executable file")
    if executable is None:
        _unavailable(f"Chromium is not installed; {INSTALL_HINT}")
    try:
        from playwright.sync_api import Error, sync_playwright
    except ImportError:
        _unavailable("Playwright is not installed; pip install -r requirements/test.txt")
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(executable_path=executable)
    except Error as exc:
        playwright.stop()
        _restore_env("DJANGO_ALLOW_ASYNC_UNSAFE", previous)
        _unavailable(f"Chromium at {executable} did not start ({exc}); {INSTALL_HINT}")
    try:
        yield chromium
    finally:
        chromium.close()
        playwright.stop()
        _restore_env("DJANGO_ALLOW_ASYNC_UNSAFE", previous)


def _restore_env(name: str, value: str | None) -> None:
    if value is None:
        os.environ.pop(name, None)
    else:
        os.environ[name] = value


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    """A fresh browser context: no cookies, an empty preflight cache."""
    ctx = browser.new_context()
    ctx.set_default_timeout(10_000)
    try:
        yield ctx
    finally:
        ctx.close()


@pytest.fixture
def console() -> ConsoleLog:
    """The console messages of ``page``."""
    return ConsoleLog()


@pytest.fixture
def page(context: BrowserContext, console: ConsoleLog) -> Page:
    """A new page whose console messages are collected in ``console``."""
    new_page = context.new_page()
    new_page.on("console", console.record)
    return new_page


@pytest.fixture(scope="session")
def api_server() -> Iterator[ApiServer]:
    server = ApiServer()
    yield server
    server.stop()


@pytest.fixture
def api(api_server: ApiServer, settings: Any) -> Iterator[ApiServer]:
    """The API with the browser suite's settings and an empty record of requests."""
    from django.conf import settings as django_settings

    for name, value in BROWSER_SETTINGS.items():
        setattr(settings, name, value)
    for name in [name for name in dir(django_settings) if name.startswith("CORS_")]:
        delattr(settings, name)
    api_server.clear()
    yield api_server
    api_server.clear()


@pytest.fixture(scope="session")
def pages() -> Iterator[PageServer]:
    server = PageServer()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def other_pages() -> Iterator[PageServer]:
    server = PageServer()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 and localhost (skips without openssl)."""
    from tests.browser.servers import self_signed_certificate

    made = self_signed_certificate(tmp_path_factory.mktemp("tls"))
    if made is None:
        pytest.skip("openssl is not installed; sudo apt-get install -y openssl")
    return made
