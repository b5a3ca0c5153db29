"""A deleted origin stops being allowed within the interval, whatever state the cache is in.

Two real servers (gunicorn with two worker processes, the sync checker; uvicorn, the
async checker) share one SQLite file and a real redis-server as their Django cache. The
origin is deleted from a third process (the import command) while Redis accepts writes,
refuses them (full under ``noeviction``: reads still answer), is down, and is back; each
time the test measures how long the origin stays allowed on every server. The version
that carries a change lives in the database, so the cache's state changes nothing.

System-level (real servers, a Redis restarted on purpose): host cell only.
"""

from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .conftest import INSTALL_HINT, free_port, stop, wait_for_port
from .test_two_servers import BOUND, INTERVAL, Server, manage, running_servers, wait_until

pytestmark = [pytest.mark.redis, pytest.mark.slow, pytest.mark.host_only]

STATES = ("accepting writes", "refusing writes", "down", "back")


class Redis:
    """A redis-server of this test's own, on a fixed port, so it can be stopped and started again."""

    def __init__(self) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            pytest.fail(INSTALL_HINT)  # the session's redis fixture already skipped or failed
        self.binary = binary
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen[str] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
            text=True,
        )
        wait_for_port(self.port, self.process)

    def stop(self) -> None:
        if self.process is not None:
            stop(self.process)
            self.process = None

    def refuse_writes(self) -> None:
        import redis

        client = redis.Redis.from_url(self.url)
        client.set("something", "x")  # used memory is above 1 byte from now on
        client.config_set("maxmemory-policy", "noeviction")
        client.config_set("maxmemory", 1)
        with pytest.raises(redis.exceptions.ResponseError, match="maxmemory"):
            client.set("refused", "x")
        assert client.get("something") == b"x"  # reads still answer
        client.close()

    def accept_writes(self) -> None:
        import redis

        client = redis.Redis.from_url(self.url)
        client.config_set("maxmemory", 0)
        client.close()


@pytest.fixture
def setup(tmp_path: Path, redis_server: str) -> Iterator[tuple[Redis, Server, Server, dict[str, str]]]:
    # redis_server: the session fixture decides skip (no redis-server) or fail (CI) first.
    redis = Redis()
    redis.start()
    try:
        with running_servers(tmp_path / "shared.sqlite3", redis.url) as (a, b, env):
            yield redis, a, b, env
    finally:
        redis.stop()


def everywhere(a: Server, b: Server, origin: str, expected: str | None) -> bool:
    # Six requests to A land on both of its workers.
    return b.allowed(origin) == expected and all(a.allowed(origin) == expected for _ in range(6))


def test_a_deleted_origin_stops_being_allowed_in_every_cache_state(
    setup: tuple[Redis, Server, Server, dict[str, str]], tmp_path: Path
) -> None:
    redis, a, b, env = setup
    enter: dict[str, Any] = {
        "accepting writes": lambda: None,
        "refusing writes": redis.refuse_writes,
        "down": redis.stop,
        "back": lambda: (redis.start(), redis.accept_writes()),
    }
    measured: dict[str, tuple[float, float]] = {}
    for n, state in enumerate(STATES):
        origin = f"https://tenant-{n}.example"
        listed = tmp_path / f"origins-{n}.txt"
        listed.write_text(origin + "\n")
        manage(env, "cors_import_origins", str(listed), "--replace")
        wait_until(lambda origin=origin: everywhere(a, b, origin, origin), BOUND)
        enter[state]()
        empty = tmp_path / "none.txt"
        empty.write_text("# nobody\n")
        started = time.monotonic()
        manage(env, "cors_import_origins", str(empty), "--replace")
        command = time.monotonic() - started
        after = wait_until(lambda origin=origin: everywhere(a, b, origin, None), BOUND)
        # The commit happened while the command ran (most of which is Django starting):
        # the origin stayed allowed for at least `after` and at most `command + after`.
        measured[state] = (after, command + after)
    report = ", ".join(f"{state}: {low:.2f}-{high:.2f} s" for state, (low, high) in measured.items())
    print(f"\na deleted origin stayed allowed for (interval {INTERVAL} s) {report}")
    assert set(measured) == set(STATES)
