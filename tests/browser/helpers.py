"""What a test does in the page, and how it reads the browser's verdict.

Every request is made by ``fetch()`` inside the page (``page.request`` would bypass
CORS). The script's result comes back as a ``FetchResult``; when the browser blocks a
response the script sees only ``TypeError: Failed to fetch``, and the reason is a
console message, which ``ConsoleLog.cors_error`` finds.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:
    from playwright.sync_api import ConsoleMessage, Page

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
        """True when the fetch rejected (for CORS, ``TypeError: Failed to fetch``)."""
        return self.error is not None

    def json(self) -> Any:
        assert self.body is not None, f"the script could not read the response: {self.error}"
        return json.loads(self.body)


def browser_fetch(
    page: Page,
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


def open_page(page: Page, origin: str) -> None:
    """Load the empty test page of ``origin``; the script then runs in that origin."""
    page.goto(origin + "/", wait_until="domcontentloaded")


@dataclass(frozen=True)
class ConsoleEntry:
    """One console message."""

    type: str
    text: str


class ConsoleLog:
    """The page's console messages, collected as they arrive (the ``console`` fixture)."""

    def __init__(self) -> None:
        self.entries: list[ConsoleEntry] = []

    def record(self, message: ConsoleMessage) -> None:
        self.entries.append(ConsoleEntry(message.type, message.text))

    @property
    def texts(self) -> list[str]:
        return [entry.text for entry in self.entries]

    def cors_errors(self) -> list[str]:
        """Every CORS message Chromium logged, in order."""
        return [text for text in self.texts if "blocked by CORS policy" in text]

    def cors_error(self, page: Page, url: str, *, timeout: float = 2.0) -> str:
        """The reason Chromium gave for blocking a fetch of ``url`` (waits for the message).

        Chromium writes "Access to fetch at '<url>' from origin '<origin>' has been
        blocked by CORS policy: <reason>"; the whole message is returned.
        """
        prefix = f"Access to fetch at '{url}'"
        deadline = time.monotonic() + timeout
        while True:
            for text in self.cors_errors():
                if text.startswith(prefix):
                    return text
            if time.monotonic() > deadline:
                raise AssertionError(f"no CORS console message for {url}; the console had: {self.texts!r}")
            page.wait_for_timeout(25)  # lets Playwright deliver pending console events

    def assert_no_cors_error(self) -> None:
        """No CORS message at all (call after the fetches)."""
        assert not self.cors_errors(), self.cors_errors()
