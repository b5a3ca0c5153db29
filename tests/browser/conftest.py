"""Fixtures of the browser suite: three engines, a fresh page per test, loopback servers.

Fixtures (stable; other modules of this directory build on them):

``browser`` (session, parametrised: ``chromium``, ``firefox``, ``webkit``)
    One launched ``tests.browser.engines.Engine`` per engine for the whole session;
    every browser test runs once in each (its id ends in ``[chromium]`` etc., so
    ``-k chromium`` picks one engine). An engine that is not installed, or does not
    start, skips its tests with the ``apt-get install`` line that provides it; with
    the environment variable ``CROSSORIGIN_REQUIRE_BROWSER`` set (CI) it fails them
    instead. Never run ``playwright install``.
``console`` (function)
    A ``tests.browser.helpers.ConsoleLog`` of the ``page``'s console messages;
    ``console.assert_reason(page, url, text)`` checks Chromium's reason for blocking
    ``url`` (the other engines do not report one to a driver).
``page`` (function)
    A fresh ``BrowserPage`` (own cookies, own preflight cache) whose console messages
    go to ``console``.
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

Every test of this directory that uses ``browser`` (directly or through ``page``) is marked ``browser``, so ``-m "not browser"`` leaves it out, and is moved to
the end of the run: while Playwright's sync API is started (Chromium, Firefox) it leaves an event loop
marked as running in the main thread, which would break asyncio tests (and Django's
async-safety check) that ran after it. For the same reason ``DJANGO_ALLOW_ASYNC_UNSAFE``
is set while the browser is up, and browser tests must be plain (sync) functions.

When a browser test fails, its report gets the page's console messages and what the
API (in-process or uvicorn) received, plus uvicorn's stderr.
"""

from __future__ import annotations

import os
from collections.abc import Generator, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, NoReturn

import pytest

from tests.browser.engines import ENGINES, EngineUnavailable, launch
from tests.browser.helpers import ConsoleLog
from tests.browser.observations import OBSERVATIONS, artefact_path
from tests.browser.observations import write as write_observations
from tests.browser.recording import dumps
from tests.browser.servers import ApiServer, PageServer, UvicornServer
from tests.browser.settings import BROWSER_SETTINGS

if TYPE_CHECKING:
    from tests.browser.engines import BrowserPage, Engine

REQUIRE_ENV: Final = "CROSSORIGIN_REQUIRE_BROWSER"
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
    # Stable sorts: the order is otherwise kept. The check of docs/browser-behaviour.md
    # against the run's observations goes last, after every engine has been observed.
    items.sort(key=_uses_browser)
    items.sort(key=lambda item: item.get_closest_marker("after_all_engines") is not None)


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


def unavailable(reason: str) -> NoReturn:
    """Skip, or under CI (``CROSSORIGIN_REQUIRE_BROWSER`` set) fail, with ``reason``."""
    if os.environ.get(REQUIRE_ENV):
        pytest.fail(f"{reason} ({REQUIRE_ENV} is set, so the browser tests must run)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session", params=ENGINES)
def browser(request: pytest.FixtureRequest) -> Iterator[Engine]:
    """One engine (Chromium, Firefox, WebKit) for the whole session; every browser test runs in each."""
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        engine = launch(request.param)
    except EngineUnavailable as exc:
        _restore_env("DJANGO_ALLOW_ASYNC_UNSAFE", previous)
        unavailable(str(exc))
    OBSERVATIONS.record_version(engine.name, engine.version)
    try:
        yield engine
    finally:
        engine.close()
        _restore_env("DJANGO_ALLOW_ASYNC_UNSAFE", previous)


def _restore_env(name: str, value: str | None) -> None:
    if value is None:
        os.environ.pop(name, None)
    else:
        os.environ[name] = value


@pytest.fixture
def console(browser: Engine) -> ConsoleLog:
    """The console messages of ``page`` (empty in engines that do not report them)."""
    return ConsoleLog(browser)


@pytest.fixture
def page(browser: Engine, console: ConsoleLog) -> Iterator[BrowserPage]:
    """A fresh page: no cookies, an empty preflight cache."""
    new_page = browser.new_page(console.entries)
    try:
        yield new_page
    finally:
        new_page.close()


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


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Write what the browser tests observed (if any ran) for docs/browser-behaviour.md."""
    if OBSERVATIONS:
        write_observations(OBSERVATIONS.as_dict(), artefact_path())


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "after_all_engines: run after every other test (tests/browser/conftest.py)")
