"""Two real servers share one SQLite file and one Redis: a change made through one is
seen by the other within the check interval, by real HTTP requests with an Origin.

Server A is gunicorn (WSGI, two worker processes, the sync checker); server B is
uvicorn (ASGI, the async checker). The change is made in A's admin by a logged-in
superuser, then undone by the import command run as a third process.
"""

from __future__ import annotations

import contextlib
import http.cookiejar
import os
import re
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .conftest import ACHECKER, CHECKER, free_port, stop, wait_for_port

pytestmark = [pytest.mark.redis, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
INTERVAL = 1.0
# The bound a change must meet: the interval, plus a reload and a request, with room
# for a loaded two-core CI machine. A regression (no refresh at all) never meets it.
BOUND = INTERVAL + 4.0
TENANT = "https://new-tenant.example"
PASSWORD = "not-a-secret-1234"


def server_env(db: Path, redis_url: str, checker: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="tests.contrib.server_settings",
        PYTHONPATH=os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")]),
        CROSSORIGIN_TEST_DB=str(db),
        CROSSORIGIN_TEST_REDIS=redis_url,
        CROSSORIGIN_TEST_CHECKER=checker,
        CROSSORIGIN_TEST_INTERVAL=str(INTERVAL),
        DJANGO_SUPERUSER_USERNAME="admin",
        DJANGO_SUPERUSER_EMAIL="admin@example.com",
        DJANGO_SUPERUSER_PASSWORD=PASSWORD,
    )
    return env


def manage(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "django", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


class Server:
    def __init__(self, name: str, command: list[str], env: dict[str, str], port: int) -> None:
        self.name = name
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.process = subprocess.Popen(
            command, env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )

    def allowed(self, origin: str) -> str | None:
        """The Access-Control-Allow-Origin of a GET /api/ with this Origin."""
        request = urllib.request.Request(f"{self.url}/api/", headers={"Origin": origin})
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.status == 200
            value = response.headers.get("Access-Control-Allow-Origin")
            return value if isinstance(value, str) else None


@contextlib.contextmanager
def running_servers(db: Path, redis_url: str) -> Iterator[tuple[Server, Server, dict[str, str]]]:
    """Server A (gunicorn, two workers, the sync checker) and B (uvicorn, the async one) on one database."""
    env_a = server_env(db, redis_url, CHECKER)
    env_b = server_env(db, redis_url, ACHECKER)
    manage(env_a, "migrate", "--noinput")
    manage(env_a, "createsuperuser", "--noinput")
    port_a, port_b = free_port(), free_port()
    a = Server(
        "gunicorn",
        [sys.executable, "-m", "gunicorn", "-w", "2", "-b", f"127.0.0.1:{port_a}", "tests.contrib.wsgi:application"],
        env_a,
        port_a,
    )
    b = Server(
        "uvicorn",
        [
            sys.executable,
            "-m",
            "uvicorn",
            "--host",
            "127.0.0.1",
            "--port",
            str(port_b),
            "tests.contrib.asgi:application",
        ],
        env_b,
        port_b,
    )
    try:
        wait_for_port(port_a, a.process, timeout=30)
        wait_for_port(port_b, b.process, timeout=30)
        yield a, b, env_a
    finally:
        for server in (a, b):
            stop(server.process)
            if server.process.stdout:
                server.process.stdout.close()


@pytest.fixture
def servers(tmp_path: Path, redis_cache: Any) -> Iterator[tuple[Server, Server, dict[str, str]]]:
    redis_url = redis_cache.connection_pool.connection_kwargs
    url = f"redis://{redis_url['host']}:{redis_url['port']}/0"
    with running_servers(tmp_path / "shared.sqlite3", url) as found:
        yield found


class AdminSession:
    """A browser-like session: cookies, the CSRF token of each form, form posts."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def get(self, path: str) -> str:
        with self.opener.open(self.base + path, timeout=10) as response:
            return str(response.read().decode())

    def post_form(self, path: str, fields: dict[str, str]) -> tuple[str, str]:
        page = self.get(path)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert token, page[:500]
        data = urllib.parse.urlencode({"csrfmiddlewaretoken": token.group(1), **fields}).encode()
        with self.opener.open(self.base + path, data=data, timeout=10) as response:
            return response.geturl(), str(response.read().decode())


def wait_until(condition: Any, bound: float) -> float:
    """Seconds until ``condition()`` held; fails once ``bound`` has passed."""
    start = time.monotonic()
    while True:
        if condition():
            return time.monotonic() - start
        if time.monotonic() - start > bound:
            pytest.fail(f"not seen within {bound} s")
        time.sleep(0.05)


def test_an_admin_change_on_one_server_reaches_the_other_within_the_interval(
    servers: tuple[Server, Server, dict[str, str]], tmp_path: Path
) -> None:
    a, b, env = servers
    # Both servers have loaded their sets (and A's workers one each) before the change.
    for _ in range(4):
        assert a.allowed(TENANT) is None
    assert b.allowed(TENANT) is None

    admin = AdminSession(a.url)
    url, _ = admin.post_form("/admin/login/?next=/admin/", {"username": "admin", "password": PASSWORD})
    assert url.endswith("/admin/"), "login failed"
    url, page = admin.post_form(
        "/admin/crossorigin_origins/allowedorigin/add/", {"origin": TENANT.upper(), "enabled": "on", "note": "t"}
    )
    assert url.endswith("/admin/crossorigin_origins/allowedorigin/"), page[:2000]

    seen_by_b = wait_until(lambda: b.allowed(TENANT) == TENANT, BOUND)
    # Every worker of A (the requests land on either) allows it too.
    wait_until(lambda: all(a.allowed(TENANT) == TENANT for _ in range(6)), BOUND)
    assert seen_by_b <= BOUND
    print(f"\nthe admin change was seen by the other server after {seen_by_b:.2f} s (interval {INTERVAL} s)")

    # Undone from a third process: the import command makes an empty file the whole list.
    empty = tmp_path / "none.txt"
    empty.write_text("# nobody\n")
    manage(env, "cors_import_origins", str(empty), "--replace")
    wait_until(lambda: b.allowed(TENANT) is None, BOUND)
    wait_until(lambda: all(a.allowed(TENANT) is None for _ in range(6)), BOUND)

    # An invalid origin posted to the admin is refused with the parser's reason.
    url, page = admin.post_form(
        "/admin/crossorigin_origins/allowedorigin/add/", {"origin": "https://evil.example/", "enabled": "on"}
    )
    assert url.endswith("/add/")
    assert "remove the trailing slash" in page
