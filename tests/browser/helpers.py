"""What a test does in the page, and how it reads the browser's verdict.

Every request is made by ``fetch()`` inside the page (``page.request`` would bypass
CORS). The script's result comes back as a ``FetchResult``; when the browser blocks a
response the script sees only a ``TypeError`` (its text differs by engine:
``Engine.blocked_error``), and the reason is a console message, which
``ConsoleLog.cors_error`` finds where the engine reports it (Chromium).
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final

from tests.browser.engines import ConsoleEntry

if TYPE_CHECKING:
    from tests.browser.engines import BrowserPage, Engine

# Runs in the page: one fetch, reduced to plain data the test can assert on.
FETCH_JS: Final = """
async ([url, init]) => {
  try {
    // A server that never answers must fail the test, not hang it.
    const response = await fetch(url, {signal: AbortSignal.timeout(15000), ...init});
    const headers = {};
    response.headers.forEach((value, name) => { headers[name] = value; });
    const body = await response.text();
    return {error: null, status: response.status, body, headers, url: response.url,
            redirected: response.redirected, type: response.type};
  } catch (error) {
    return {error: String(error), status: null, body: null, headers: {}, url: url,
            redirected: false, type: null};
  }
}
"""

# Runs in the page: the same fetch from a sandboxed iframe, whose origin is opaque, so
# the browser sends ``Origin: null``. The result comes back by postMessage. The frame
# stays in the document: removing it drops the console messages it has not yet
# delivered, among them the CORS error the test wants to read.
SANDBOXED_FETCH_JS: Final = """
async ([source, url, init]) => new Promise((resolve) => {
  const frame = document.createElement('iframe');
  frame.sandbox = 'allow-scripts';
  const listener = (event) => {
    if (event.source !== frame.contentWindow) return;
    window.removeEventListener('message', listener);
    resolve(event.data);
  };
  window.addEventListener('message', listener);
  const call = `(${source})(${JSON.stringify([url, init])}).then((r) => parent.postMessage(r, '*'));`;
  frame.srcdoc = '<script>' + call + '<' + '/script>';
  document.body.appendChild(frame);
})
"""


@dataclass(frozen=True)
class FetchResult:
    """What the script saw: a response it may read, or the error the fetch rejected with."""

    error: str | None
    status: int | None
    body: str | None
    headers: dict[str, str] = field(default_factory=dict)
    url: str = ""
    redirected: bool = False
    type: str | None = None

    @property
    def blocked(self) -> bool:
        """True when the fetch rejected (``Engine.blocked_error`` when CORS blocked it)."""
        return self.error is not None

    def json(self) -> Any:
        assert self.body is not None, f"the script could not read the response: {self.error}"
        return json.loads(self.body)


def browser_fetch(
    page: BrowserPage,
    url: str,
    *,
    method: str = "GET",
    headers: dict[str, str] | None = None,
    credentials: str | None = None,
    body: str | None = None,
    sandboxed: bool = False,
) -> FetchResult:
    """Call ``fetch(url, init)`` in the page (or in a sandboxed iframe) and return the result."""
    init: dict[str, Any] = {"method": method}
    if headers:
        init["headers"] = headers
    if credentials:
        init["credentials"] = credentials
    if body is not None:
        init["body"] = body
    if sandboxed:
        result = page.evaluate(SANDBOXED_FETCH_JS, [FETCH_JS.strip(), url, init])
    else:
        result = page.evaluate(FETCH_JS, [url, init])
    return FetchResult(**result)


def wait_for(page: BrowserPage, predicate: str, *, timeout: float) -> None:
    """Poll the JavaScript function ``predicate`` until it returns true (or fail after ``timeout`` s)."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(predicate):
        if time.monotonic() > deadline:
            raise AssertionError(f"{predicate} was still false after {timeout} s")
        page.wait(50)


def text_of(page: BrowserPage, selector: str) -> str:
    """The rendered text of the first element ``selector`` matches."""
    text: str = page.evaluate("(selector) => document.querySelector(selector).innerText", selector)
    return text


def open_page(page: BrowserPage, origin: str) -> None:
    """Load the empty test page of ``origin``; the script then runs in that origin."""
    page.goto(origin + "/")


class ConsoleLog:
    """The page's console messages, collected as they arrive (the ``console`` fixture).

    Only engines with ``reports_cors_reasons`` (Chromium) deliver the browser's CORS
    messages; the reasons tests look for are in Chromium's words.
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.entries: list[ConsoleEntry] = []

    @property
    def texts(self) -> list[str]:
        return [entry.text for entry in self.entries]

    def cors_errors(self) -> list[str]:
        """Every CORS message the engine logged, in order."""
        return [text for text in self.texts if "blocked by CORS policy" in text]

    def cors_error(self, page: BrowserPage, url: str, *, timeout: float = 2.0) -> str:
        """The reason Chromium gave for blocking a fetch of ``url`` (waits for the message).

        Chromium writes "Access to fetch at '<url>' from origin '<origin>' has been
        blocked by CORS policy: <reason>"; the whole message is returned.
        """
        assert self.engine.reports_cors_reasons, f"{self.engine.name} does not report CORS reasons"
        prefix = f"Access to fetch at '{url}'"
        deadline = time.monotonic() + timeout
        while True:
            for text in self.cors_errors():
                if text.startswith(prefix):
                    return text
            if time.monotonic() > deadline:
                raise AssertionError(f"no CORS console message for {url}; the console had: {self.texts!r}")
            page.wait(25)  # lets the driver deliver pending console events

    def assert_reason(self, page: BrowserPage, url: str, reason: str) -> None:
        """Where the engine reports why it blocked ``url``, the message contains ``reason``.

        Firefox (over BiDi) and WPE (over Selenium) give a test no CORS console message
        (see tests/browser/engines.py): there the script's error and the server's record,
        which every caller also asserts, are all there is to observe.
        """
        if self.engine.reports_cors_reasons:
            message = self.cors_error(page, url)
            assert reason in message, message

    def assert_reason_matching(self, page: BrowserPage, url: str, pattern: str) -> None:
        """``assert_reason`` with a regular expression."""
        if self.engine.reports_cors_reasons:
            message = self.cors_error(page, url)
            assert re.search(pattern, message), message

    def assert_no_cors_error(self) -> None:
        """No CORS message at all (call after the fetches)."""
        assert not self.cors_errors(), self.cors_errors()
