"""The demo (``make demo``) end to end: its three servers, its page in each engine, Ctrl-C.

The demo is started as ``scripts/demo.sh`` starts it (``python -m demo``, a subprocess
of its own) on free ports with a throw-away SQLite file. The browser loads the trusted and
the untrusted page; every row of the matrix must show the browser result and the
server's decision this test expects, and the two must agree.
"""

from __future__ import annotations

import os
import queue
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Final

import pytest

from tests.browser.helpers import text_of, wait_for

if TYPE_CHECKING:
    from tests.browser.engines import BrowserPage
    from tests.browser.helpers import ConsoleLog

ROOT: Final = Path(__file__).resolve().parents[2]
READY_LINE: Final = "Press Ctrl-C"
START_TIMEOUT: Final = 60.0
# Chromium refuses these ports ("unsafe"); the ephemeral range normally avoids them.
UNSAFE_PORTS: Final = frozenset({1719, 1720, 1723, 2049, 3659, 4045, 4190, 5060, 5061, 6000, 6566, 6679, 6697, 10080})
UNSAFE_PORTS_RANGE: Final = range(6665, 6670)

# Each row: (browser result, reason code of the deciding request, policy that decided).
TRUSTED_ROWS: Final = {
    "simple": ("read", "allowed-exact", "global"),
    "preflighted": ("read", "allowed-exact", "global"),
    "credentialed": ("read", "allowed-exact", "global"),
    "exposed-header": ("read", "allowed-exact", "global"),
    "per-view": ("read", "allowed-all-origins", "view:demo.views.public"),
    "wildcard": ("read", "allowed-wildcard", "url:^/api/wildcard/"),
    "denied-header": ("blocked", "preflight-headers-not-allowed", "global"),
    "denied-origin": ("blocked", "origin-not-allowed", "view:demo.views.partner"),
}
UNTRUSTED_ROWS: Final = {
    **{row: ("blocked", "origin-not-allowed", policy) for row, (_, _, policy) in TRUSTED_ROWS.items()},
    "per-view": ("read", "allowed-all-origins", "view:demo.views.public"),
}


@dataclass
class Demo:
    """A running demo process and its three origins."""

    process: subprocess.Popen[str]
    api: str
    front: str
    untrusted: str
    database: Path
    output: list[str]
    ports: tuple[int, int, int]

    def stop(self, timeout: float = 15.0) -> int:
        """Ctrl-C, as a user would press it; the exit status."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
        try:
            return self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            raise


def free_ports(count: int) -> tuple[int, ...]:
    """Ports free on loopback now (bound together, so they differ), none that Chromium refuses."""
    while True:
        sockets = [socket.socket() for _ in range(count)]
        try:
            for sock in sockets:
                sock.bind(("127.0.0.1", 0))
            ports = tuple(sock.getsockname()[1] for sock in sockets)
        finally:
            for sock in sockets:
                sock.close()
        if not any(p in UNSAFE_PORTS or p in UNSAFE_PORTS_RANGE for p in ports):
            return ports


def start_demo(database: Path) -> Demo:
    """``python -m demo`` (what scripts/demo.sh execs), waiting for its ready line."""
    api_port, front_port, untrusted_port = free_ports(3)
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "demo",
            "--api-port",
            str(api_port),
            "--front-port",
            str(front_port),
            "--untrusted-port",
            str(untrusted_port),
            "--database",
            str(database),
        ],
        cwd=ROOT,
        env={**os.environ, "PYTHONUNBUFFERED": "1", "DJANGO_SETTINGS_MODULE": "demo.settings"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    output: list[str] = []
    lines: queue.Queue[str | None] = queue.Queue()

    def pump() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            output.append(line)
            lines.put(line)
        lines.put(None)

    threading.Thread(target=pump, daemon=True).start()
    deadline = time.monotonic() + START_TIMEOUT
    while True:
        try:
            line = lines.get(timeout=max(0.1, deadline - time.monotonic()))
        except queue.Empty:
            line = None
        if line is not None and READY_LINE in line:
            break
        if line is None:
            process.kill()
            process.wait()
            pytest.fail("the demo did not start:\n" + "".join(output))
    return Demo(
        process,
        api=f"http://127.0.0.1:{api_port}",
        front=f"http://localhost:{front_port}",
        untrusted=f"http://127.0.0.1:{untrusted_port}",
        database=database,
        output=output,
        ports=(api_port, front_port, untrusted_port),
    )


def listening(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex(("127.0.0.1", port)) == 0


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    running = start_demo(tmp_path_factory.mktemp("demo") / "demo.sqlite3")
    try:
        yield running
    finally:
        running.stop()


def run_matrix(page: BrowserPage, url: str) -> dict[str, dict[str, str | None]]:
    """Load a demo page, wait until every row is done, return each row's data attributes."""
    page.goto(url)
    wait_for(page, "() => document.body.dataset.done === '1'", timeout=20.0)
    rows: dict[str, dict[str, str | None]] = page.evaluate(
        """() => Object.fromEntries([...document.querySelectorAll('.row')].map(row => [row.dataset.row, {
            browser: row.dataset.browser ?? null, server: row.dataset.server ?? null,
            reason: row.dataset.reason ?? null, policy: row.dataset.policy ?? null,
            agree: row.dataset.agree ?? null, text: row.innerText}]))"""
    )
    return rows


def assert_rows(rows: dict[str, dict[str, str | None]], expected: dict[str, tuple[str, str, str]]) -> None:
    assert set(rows) == set(expected)
    for name, (browser, reason, policy) in expected.items():
        row = rows[name]
        seen = (row["browser"], row["reason"], row["policy"])
        assert seen == (browser, reason, policy), f"row {name!r}: {seen} != {(browser, reason, policy)}"
        assert row["server"] == ("allows" if browser == "read" else "refuses"), name
        assert row["agree"] == "yes", name


@pytest.mark.browser
def test_trusted_page_matrix(page: BrowserPage, console: ConsoleLog, demo: Demo) -> None:
    rows = run_matrix(page, demo.front + "/")

    assert_rows(rows, TRUSTED_ROWS)
    # The browser's own reasons for the two denied rows match the server's explanation.
    console.assert_reason(page, f"{demo.api}/api/simple/", "x-unlisted is not allowed by Access-Control-Allow-Headers")
    console.assert_reason(page, f"{demo.api}/api/partner/", "No 'Access-Control-Allow-Origin' header")
    assert "x-unlisted" in str(rows["denied-header"]["text"])
    # Only the exposed header is visible to the script.
    exposed = str(rows["exposed-header"]["text"])
    assert "X-Internal-Trace: hidden (not exposed)" in exposed
    assert "X-Request-Id: hidden" not in exposed
    # The preflighted row shows both steps, and the PUT really reached SQLite.
    assert "preflight (OPTIONS)" in str(rows["preflighted"]["text"])
    with sqlite3.connect(demo.database) as db:
        (text,) = db.execute("SELECT text FROM demo_note WHERE id = 1").fetchone()
    assert text.startswith(f"written from {demo.front}")
    assert text_of(page, "#summary") == (
        "6 of 8 responses readable from this origin; browser and server agree on 8 of 8."
    )


@pytest.mark.browser
def test_untrusted_page_matrix(page: BrowserPage, console: ConsoleLog, demo: Demo) -> None:
    rows = run_matrix(page, demo.untrusted + "/")

    assert_rows(rows, UNTRUSTED_ROWS)
    console.assert_reason(
        page, f"{demo.api}/api/notes/1/", "Response to preflight request doesn't pass access control check"
    )
    assert text_of(page, "#summary") == (
        "1 of 8 responses readable from this origin; browser and server agree on 8 of 8."
    )


@pytest.mark.browser
def test_page_links_the_other_origin(page: BrowserPage, demo: Demo) -> None:
    page.goto(demo.front + "/")
    assert page.evaluate("() => document.querySelector('#other-page').getAttribute('href')") == demo.untrusted + "/"
    assert text_of(page, "#page-origin") == demo.front
    assert text_of(page, "#api-origin") == demo.api


def test_demo_prints_the_urls_to_open(demo: Demo) -> None:
    banner = "".join(demo.output)
    for url in (demo.front, demo.untrusted, demo.api):
        assert f"{url}/" in banner


def demo_request(demo: Demo, method: str, path: str, **headers: str) -> int:
    """One request to the demo's API from the trusted origin; its status."""
    body = b'{"text": "concurrent"}' if method == "PUT" else None
    request = urllib.request.Request(
        demo.api + path, data=body, method=method, headers={"Origin": demo.front, **headers}
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return exc.code


def test_concurrent_writes_get_no_server_error(demo: Demo) -> None:
    """What the page does, many times over: the preflighted PUT (a row in SQLite) and the
    credentialed GET (a new session row each time) at once. With SQLite's default
    deferred transactions some PUTs failed with "database is locked", a 500 that made
    the page's "preflighted" row blocked (issue 11); IMMEDIATE transactions wait instead."""
    put: tuple[str, str, dict[str, str]] = (
        "PUT",
        "/api/notes/1/",
        {"X-Demo-Token": "demo", "Content-Type": "application/json"},
    )
    whoami: tuple[str, str, dict[str, str]] = ("GET", "/api/whoami/", {})
    calls = [put, whoami, whoami] * 40

    with ThreadPoolExecutor(max_workers=12) as pool:
        statuses = list(pool.map(lambda call: demo_request(demo, call[0], call[1], **call[2]), calls))

    assert Counter(zip([c[1] for c in calls], statuses, strict=True)) == {
        ("/api/notes/1/", 200): 40,
        ("/api/whoami/", 200): 80,
    }, "".join(demo.output[-40:])


def test_ctrl_c_stops_all_three_servers(tmp_path: Path) -> None:
    running = start_demo(tmp_path / "demo.sqlite3")
    assert all(listening(port) for port in running.ports)

    status = running.stop()

    assert status == 0, "".join(running.output)
    assert "Demo stopped." in "".join(running.output)
    assert not any(listening(port) for port in running.ports)
