"""Fixtures for the database-origins app: a real redis-server, its Django cache, the store.

The Redis tests start Debian's ``redis-server`` on a free loopback port, with nothing
written to disk. Without it they skip with an install hint, unless
``CROSSORIGIN_REQUIRE_REDIS`` is set (CI), where they fail.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from typing import Any

import pytest

from crossorigin._config import registry
from crossorigin.contrib.origins import store

INSTALL_HINT = "redis-server is not installed (apt-get install redis-server)"
CHECKER = "crossorigin.contrib.origins.checker.is_allowed"
ACHECKER = "crossorigin.contrib.origins.checker.ais_allowed"


def free_port() -> int:
    """A TCP port nobody listens on right now, on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wait_for_port(port: int, process: subprocess.Popen[Any], timeout: float = 20.0) -> None:
    """Wait until something listens on ``port``; fail with the process output if it died."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output = process.stdout.read() if process.stdout else ""
            pytest.fail(f"process exited with {process.returncode} before listening on {port}:\n{output}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    pytest.fail(f"nothing listens on 127.0.0.1:{port} after {timeout} s")


def stop(process: subprocess.Popen[Any]) -> None:
    """Stop a process we started, by its own handle."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@pytest.fixture(scope="session")
def redis_server() -> Iterator[str]:
    """A private redis-server for the session; yields its redis:// URL."""
    binary = shutil.which("redis-server")
    if binary is None:
        if os.environ.get("CROSSORIGIN_REQUIRE_REDIS"):
            pytest.fail(f"CROSSORIGIN_REQUIRE_REDIS is set but {INSTALL_HINT}")
        pytest.skip(INSTALL_HINT)
    port = free_port()
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        wait_for_port(port, process)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        stop(process)
        if process.stdout:
            process.stdout.close()


def redis_caches(url: str) -> dict[str, dict[str, Any]]:
    """A CACHES setting whose default cache is Django's built-in Redis backend."""
    return {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}}


@pytest.fixture
def redis_cache(redis_server: str, settings: Any) -> Iterator[Any]:
    """The default cache is the real Redis server, emptied; yields a raw redis client."""
    import redis

    client = redis.Redis.from_url(redis_server)
    client.flushdb()
    settings.CACHES = redis_caches(redis_server)
    yield client
    client.flushdb()
    client.close()


@pytest.fixture
def wired(settings: Any, redis_cache: Any) -> Any:
    """CORS_ORIGIN_CHECKER points at the app; a long interval, so only explicit refreshes happen."""
    settings.CORS_ORIGIN_CHECKER = CHECKER
    settings.CORS_DB_ORIGINS_CHECK_INTERVAL = 3600
    return settings


@pytest.fixture(autouse=True)
def _fresh_store() -> Iterator[None]:
    """Each test builds its own store (and policies) from its own settings."""
    store.reset()
    registry.reset()
    yield
    store.reset()
    registry.reset()
