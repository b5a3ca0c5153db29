"""One small driver interface over three browser engines, so each scenario is written once.

* **chromium**: Debian's Chromium, driven by Playwright (CDP).
* **firefox**: Debian's Firefox ESR, driven by Playwright through WebDriver BiDi
  (``channel="moz-firefox"``; Playwright's own patched Firefox cannot be downloaded here).
* **webkit**: WPE WebKit (Debian's ``cog`` and ``wpewebkit-driver``), driven by Selenium;
  truly headless, no display needed.

A test sees only ``Engine`` (launched once per session) and ``BrowserPage`` (one per
test, with a preflight cache and cookie jar of its own): open a URL, run a script and
await its result, plant a cookie, and read the console messages where the engine
reports them. ``Engine.reports_cors_reasons`` says whether it does: only Chromium
(over CDP) delivers the network-level "blocked by CORS policy" messages. Firefox over
BiDi delivers console API calls but not its "Cross-Origin Request Blocked" messages,
and Selenium has no log API for WPE (both checked on this machine); tests in those
engines assert on what the script saw and on what the server received instead.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final, Protocol

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Playwright
    from selenium.webdriver.remote.webdriver import WebDriver
    from selenium.webdriver.wpewebkit.service import Service

ENGINES: Final = ("chromium", "firefox", "webkit")

# What ``String(error)`` is for a fetch the browser blocked, engine by engine.
BLOCKED_ERRORS: Final = {
    "chromium": "TypeError: Failed to fetch",
    "firefox": "TypeError: NetworkError when attempting to fetch resource.",
    "webkit": "TypeError: Load failed",
}

# Debian packages that provide each engine (the skip reason names them).
INSTALL_HINTS: Final = {
    "chromium": "sudo apt-get install -y chromium",
    "firefox": "sudo apt-get install -y firefox-esr",
    "webkit": "sudo apt-get install -y wpewebkit-driver cog",
}

# Environment variables naming another executable to drive instead of Debian's.
EXECUTABLE_ENVS: Final = {
    "chromium": "CROSSORIGIN_CHROMIUM",
    "firefox": "CROSSORIGIN_FIREFOX",
    "webkit": "CROSSORIGIN_COG",
}
DEBIAN_EXECUTABLES: Final = {
    "chromium": "/usr/bin/chromium",
    "firefox": "/usr/bin/firefox-esr",
    "webkit": "/usr/bin/cog",
}
WPE_WEBDRIVER: Final = "/usr/bin/WPEWebDriver"

# Firefox fetches remote settings (blocklists, certificates) at start-up. A dead
# loopback server plus MOZ_REMOTE_SETTINGS_DEVTOOLS keep it off the network; the other
# prefs stop the update, telemetry and captive-portal probes.
FIREFOX_PREFS: Final[dict[str, str | float | bool]] = {
    "services.settings.server": "http://127.0.0.1:9/v1",
    "network.captive-portal-service.enabled": False,
    "network.connectivity-service.enabled": False,
    "app.update.enabled": False,
    "datareporting.policy.dataSubmissionEnabled": False,
    "toolkit.telemetry.enabled": False,
    "browser.safebrowsing.malware.enabled": False,
    "browser.safebrowsing.phishing.enabled": False,
    "network.dns.disablePrefetch": True,
    "network.prefetch-next": False,
}
FIREFOX_ENV: Final = {"MOZ_REMOTE_SETTINGS_DEVTOOLS": "1"}
# Debian's Chromium looks up accounts.google.com and clients2.google.com at start-up
# even with Playwright's --disable-background-networking (seen with strace). Every
# name but localhost now fails without a lookup; the tests use IP literals and
# localhost names only.
CHROMIUM_ARGS: Final = (
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost, EXCLUDE *.localhost",
)

DEFAULT_TIMEOUT_MS: Final = 10_000
SCRIPT_TIMEOUT_S: Final = 30


class EngineUnavailable(Exception):
    """The engine is not installed or did not start; the message says how to install it."""


@dataclass(frozen=True)
class ConsoleEntry:
    """One console message."""

    type: str
    text: str


class BrowserPage(Protocol):
    """One tab with its own cookies and preflight cache."""

    def goto(self, url: str) -> None:
        """Load ``url`` and wait for its DOM."""

    def evaluate(self, function: str, arg: Any = None) -> Any:
        """Call the JavaScript function expression ``function`` with ``arg``; await and return its result."""

    def wait(self, milliseconds: float) -> None:
        """Let time pass (and the driver deliver pending events)."""

    def add_cookie(self, name: str, value: str, *, on: str) -> None:
        """A ``SameSite=Lax`` cookie for the host of origin ``on`` (cookies ignore ports)."""

    def close(self) -> None:
        """Close the tab and everything it cached."""


class Engine(Protocol):
    """A launched browser engine."""

    name: str
    version: str
    reports_cors_reasons: bool

    def new_page(self, console: list[ConsoleEntry], *, ignore_https_errors: bool = False) -> BrowserPage:
        """A fresh page whose console messages (if the engine reports them) go to ``console``."""

    def close(self) -> None:
        """Quit the browser."""

    @property
    def blocked_error(self) -> str:
        """The script's error text for a fetch this engine blocked."""


def find_executable(engine: str) -> str:
    """The executable to drive: ``$CROSSORIGIN_<X>`` if set, else Debian's (or raises)."""
    env = EXECUTABLE_ENVS[engine]
    chosen = os.environ.get(env)
    if chosen:
        if not os.access(chosen, os.X_OK):
            raise EngineUnavailable(f"{env}={chosen!r} is not an executable file")
        return chosen
    debian = DEBIAN_EXECUTABLES[engine]
    found = debian if os.access(debian, os.X_OK) else shutil.which(os.path.basename(debian))
    if found is None:
        raise EngineUnavailable(f"{engine} is not installed; install it with: {INSTALL_HINTS[engine]}")
    return found


# --- Playwright (Chromium, Firefox) ---------------------------------------------------


class PlaywrightPage:
    """A page in a browser context of its own."""

    def __init__(self, context: BrowserContext, console: list[ConsoleEntry]) -> None:
        self._context = context
        self._page = context.new_page()
        self._page.on("console", lambda message: console.append(ConsoleEntry(message.type, message.text)))

    def goto(self, url: str) -> None:
        self._page.goto(url, wait_until="domcontentloaded")

    def evaluate(self, function: str, arg: Any = None) -> Any:
        return self._page.evaluate(function, arg)

    def wait(self, milliseconds: float) -> None:
        self._page.wait_for_timeout(milliseconds)

    def add_cookie(self, name: str, value: str, *, on: str) -> None:
        self._context.add_cookies([{"name": name, "value": value, "url": on, "sameSite": "Lax"}])

    def close(self) -> None:
        self._context.close()


class PlaywrightEngine:
    """Chromium or Firefox under Playwright; one browser, a new context per page."""

    def __init__(self, name: str, playwright: Playwright, browser: Browser) -> None:
        self.name = name
        self._playwright = playwright
        self._browser = browser
        self.version = browser.version
        self.reports_cors_reasons = name == "chromium"

    @property
    def blocked_error(self) -> str:
        return BLOCKED_ERRORS[self.name]

    def new_page(self, console: list[ConsoleEntry], *, ignore_https_errors: bool = False) -> PlaywrightPage:
        context = self._browser.new_context(ignore_https_errors=ignore_https_errors)
        context.set_default_timeout(DEFAULT_TIMEOUT_MS)
        return PlaywrightPage(context, console)

    def close(self) -> None:
        try:
            self._browser.close()
        finally:
            self._playwright.stop()


def launch_playwright(name: str) -> PlaywrightEngine:
    """Chromium or Firefox, launched headless by Playwright."""
    executable = find_executable(name)
    try:
        from playwright.sync_api import Error, sync_playwright
    except ImportError:
        raise EngineUnavailable("Playwright is not installed; pip install -r requirements/test.txt") from None
    playwright = sync_playwright().start()
    try:
        if name == "chromium":
            browser = playwright.chromium.launch(executable_path=executable, args=list(CHROMIUM_ARGS))
        else:
            browser = playwright.firefox.launch(
                channel="moz-firefox",
                executable_path=executable,
                firefox_user_prefs=FIREFOX_PREFS,
                env={**os.environ, **FIREFOX_ENV},
            )
    except Error as exc:
        playwright.stop()
        raise EngineUnavailable(f"{name} at {executable} did not start ({exc}); {INSTALL_HINTS[name]}") from exc
    return PlaywrightEngine(name, playwright, browser)


# --- Selenium (WPE WebKit) -----------------------------------------------------------

# Selenium's async script: the last argument is the callback. A rejection comes back as
# data, so a script error fails the assertion that reads it, not the driver call.
_SELENIUM_CALL: Final = """
const done = arguments[arguments.length - 1];
Promise.resolve()
  .then(() => (%s)(arguments[0]))
  .then((value) => done({ok: true, value: value === undefined ? null : value}),
        (error) => done({ok: false, error: String(error)}));
"""


class SeleniumPage:
    """A WebDriver session of its own: WPE keeps its preflight cache per session."""

    def __init__(self, driver: WebDriver, service: Service) -> None:
        self._driver = driver
        self._service = service

    def goto(self, url: str) -> None:
        self._driver.get(url)

    def evaluate(self, function: str, arg: Any = None) -> Any:
        outcome = self._driver.execute_async_script(_SELENIUM_CALL % function.strip(), arg)
        if not outcome["ok"]:
            raise RuntimeError(f"the page's script failed: {outcome['error']}")
        return outcome["value"]

    @property
    def version(self) -> str:
        """The browser's version as the driver reports it."""
        return str(self._driver.capabilities.get("browserVersion", "unknown"))

    def wait(self, milliseconds: float) -> None:
        time.sleep(milliseconds / 1000)

    def add_cookie(self, name: str, value: str, *, on: str) -> None:
        # WebDriver sets cookies only for the document it shows, so load one of that host.
        self._driver.get(on + "/")
        self._driver.add_cookie({"name": name, "value": value, "path": "/", "sameSite": "Lax"})

    def close(self) -> None:
        try:
            self._driver.quit()
        finally:
            self._service.stop()


class WpeEngine:
    """WPE WebKit via Selenium: a new session per page (about 0.3 s, measured)."""

    name = "webkit"
    reports_cors_reasons = False

    def __init__(self, cog: str, driver: str) -> None:
        self._cog = cog
        self._driver = driver
        # The driver's (and cog's) chatter goes to a file, not the test output. A path,
        # not a file object: Selenium closes what it is given when a session ends.
        handle, self.log_path = tempfile.mkstemp(prefix="wpewebdriver-", suffix=".log")
        os.close(handle)
        probe = self._start(ignore_https_errors=False)
        self.version = probe.version
        probe.close()

    @property
    def blocked_error(self) -> str:
        return BLOCKED_ERRORS["webkit"]

    def _start(self, *, ignore_https_errors: bool) -> SeleniumPage:
        from selenium import webdriver
        from selenium.webdriver.remote.client_config import ClientConfig
        from selenium.webdriver.remote.remote_connection import RemoteConnection
        from selenium.webdriver.wpewebkit.options import Options
        from selenium.webdriver.wpewebkit.service import Service

        options = Options()
        options.binary_location = self._cog
        options.add_argument("--automation")
        options.add_argument("--platform=headless")
        options.set_capability("browserName", "cog")  # the default, MiniBrowser, does not match
        options.accept_insecure_certs = ignore_https_errors
        # An explicit driver path, started here: Selenium Manager never runs (it would try
        # to download a driver). webdriver.WPEWebKit would also pass the URL in a way
        # Selenium itself deprecates (a DeprecationWarning, an error under -W error).
        service = Service(executable_path=self._driver, log_output=self.log_path)
        service.start()
        try:
            connection = RemoteConnection(client_config=ClientConfig(remote_server_addr=service.service_url))
            driver = webdriver.Remote(command_executor=connection, options=options)
        except Exception:
            service.stop()
            raise
        driver.set_script_timeout(SCRIPT_TIMEOUT_S)
        driver.set_page_load_timeout(DEFAULT_TIMEOUT_MS / 1000)
        return SeleniumPage(driver, service)

    def new_page(self, console: list[ConsoleEntry], *, ignore_https_errors: bool = False) -> SeleniumPage:
        return self._start(ignore_https_errors=ignore_https_errors)

    def close(self) -> None:
        os.unlink(self.log_path)


def launch_wpe() -> WpeEngine:
    """WPE WebKit: ``cog`` driven by ``WPEWebDriver`` through Selenium."""
    cog = find_executable("webkit")
    driver = os.environ.get("CROSSORIGIN_WPEWEBDRIVER", WPE_WEBDRIVER)
    if not os.access(driver, os.X_OK):
        raise EngineUnavailable(f"WPEWebDriver is not installed; install it with: {INSTALL_HINTS['webkit']}")
    try:
        import selenium  # noqa: F401
    except ImportError:
        raise EngineUnavailable("Selenium is not installed; pip install -r requirements/test.txt") from None
    from selenium.common.exceptions import WebDriverException

    try:
        return WpeEngine(cog, driver)
    except WebDriverException as exc:
        raise EngineUnavailable(f"WPE WebKit ({cog}) did not start ({exc.msg}); {INSTALL_HINTS['webkit']}") from exc


def launch(name: str) -> Engine:
    """Launch the engine ``name`` (one of ``ENGINES``) or raise ``EngineUnavailable``."""
    if name == "webkit":
        return launch_wpe()
    return launch_playwright(name)
