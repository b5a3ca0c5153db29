"""The compiled set in memory and its refresh: the version read at most once per interval."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import caches

from crossorigin.contrib.origins import store as store_module
from crossorigin.contrib.origins.models import AllowedOrigin
from crossorigin.contrib.origins.store import (
    CompiledOrigins,
    OriginStore,
    compile_origins,
    load_from_database,
    read_version,
)


class Clock:
    """A clock the test moves by hand, so no test depends on real time."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Loader:
    """Compiles a list the test edits, and counts how often it is asked to."""

    def __init__(self, *origins: str) -> None:
        self.origins = list(origins)
        self.calls = 0
        self.fail = False

    def __call__(self, stamp: str | None) -> CompiledOrigins:
        self.calls += 1
        if self.fail:
            raise RuntimeError("database down")
        return compile_origins(self.origins, credentials=False, stamp=stamp)


class Version:
    """A version the test bumps by hand, as a change to the table would; None: unreadable."""

    def __init__(self) -> None:
        self.value: int | None = 0

    def bump(self) -> None:
        self.value = (self.value or 0) + 1

    def __call__(self) -> str | None:
        return None if self.value is None else str(self.value)


def make_store(version: Version, loader: Loader, clock: Clock, interval: float = 5.0) -> OriginStore:
    return OriginStore(version, interval, loader, clock)


@pytest.fixture
def version() -> Version:
    return Version()


def test_exact_origins_are_a_set_and_wildcards_use_the_settings_matcher() -> None:
    compiled = compile_origins(
        ["https://a.example", "https://*.shop.example", "http://localhost:*", "null"], credentials=False
    )
    assert compiled.match("https://a.example") == "https://a.example"
    assert compiled.match("https://x.y.shop.example") == "https://*.shop.example"
    assert compiled.match("https://shop.example") == "https://*.shop.example"
    assert compiled.match("http://localhost:5173") == "http://localhost:*"
    assert compiled.match("null") == "null"
    assert compiled.match("https://b.example") is None
    assert compiled.match("https://evilshop.example") is None
    assert compiled.match("http://a.example") is None  # scheme counts
    assert compiled.match("https://x.shop.example]") is None  # malformed never reaches the matcher
    assert len(compiled) == 4


def test_rows_that_no_longer_pass_are_left_out_fail_closed() -> None:
    compiled = compile_origins(["https://ok.example", "not an origin", "null", "https://*.github.io"], credentials=True)
    assert compiled.exact == frozenset({"https://ok.example"})
    assert [value for value, _why in compiled.skipped] == ["not an origin", "null", "https://*.github.io"]
    assert "sandboxed iframe" in compiled.skipped[1][1]
    assert compiled.match("null") is None


def test_a_row_written_behind_the_orm_is_used_in_normal_form() -> None:
    compiled = compile_origins(["HTTPS://Upper.Example:443", "https://b.example/"], credentials=False)
    assert compiled.exact == frozenset({"https://upper.example"})
    assert compiled.skipped[0][0] == "https://b.example/"


def test_ignored_rows_are_logged_in_one_line_per_load(version: Version, caplog: Any) -> None:
    loader = Loader(*[f"https://bad-{n}.example/" for n in range(8)], "https://ok.example")
    store = make_store(version, loader, Clock())
    with caplog.at_level("WARNING", logger="crossorigin.contrib.origins"):
        assert store.get().match("https://ok.example")
    [record] = [r for r in caplog.records if r.levelname == "WARNING"]
    assert "8 stored origins are ignored" in record.getMessage()
    assert "'https://bad-0.example/': it should not have a path" in record.getMessage()
    assert "bad-7" not in record.getMessage()


def test_the_stamp_is_read_at_most_once_per_interval(version: Version) -> None:
    clock, loader = Clock(), Loader("https://a.example")
    store = make_store(version, loader, clock)
    assert store.get().match("https://a.example")
    assert loader.calls == 1
    loader.origins.append("https://b.example")
    version.bump()
    clock.now += 4.9
    assert store.get().match("https://b.example") is None  # still inside the interval
    assert loader.calls == 1
    clock.now += 0.2
    assert store.get().match("https://b.example") == "https://b.example"
    assert loader.calls == 2


def test_an_unchanged_stamp_keeps_the_set_without_loading(version: Version) -> None:
    clock, loader = Clock(), Loader("https://a.example")
    store = make_store(version, loader, clock)
    first = store.get()
    for _ in range(5):
        clock.now += 10
        assert store.get() is first
    assert loader.calls == 1


def test_invalidate_makes_the_next_call_check_the_stamp(version: Version) -> None:
    clock, loader = Clock(), Loader("https://a.example")
    store = make_store(version, loader, clock)
    store.get()
    version.bump()
    store.invalidate()
    store.get()
    assert loader.calls == 2


def test_invalidate_reloads_even_when_the_version_read_is_unchanged(version: Version) -> None:
    # The process loaded inside its own changing transaction (same connection: the new
    # version already), then that transaction changed more rows before committing.
    clock, loader = Clock(), Loader("https://a.example")
    store = make_store(version, loader, clock)
    store.get()
    loader.origins = []
    store.invalidate()  # on commit
    assert store.get().match("https://a.example") is None
    assert loader.calls == 2


def test_a_failing_database_keeps_the_last_set_and_retries_next_interval(version: Version) -> None:
    clock, loader = Clock(), Loader("https://a.example")
    store = make_store(version, loader, clock)
    store.get()
    loader.fail = True
    version.bump()
    clock.now += 10
    assert store.get().match("https://a.example")
    loader.fail = False
    loader.origins = ["https://b.example"]
    clock.now += 10
    assert store.get().match("https://b.example")
    assert loader.calls == 3


def test_a_failing_first_load_allows_nothing(version: Version) -> None:
    loader = Loader("https://a.example")
    loader.fail = True
    store = make_store(version, loader, Clock())
    assert store.get().match("https://a.example") is None


def test_an_unreadable_version_reloads_every_interval(version: Version) -> None:
    clock, loader = Clock(), Loader("https://a.example")
    version.value = None  # the row is gone, or the database failed the read
    store = make_store(version, loader, clock)
    assert store.get().match("https://a.example")
    clock.now += 1
    store.get()
    assert loader.calls == 1
    clock.now += 5
    store.get()
    assert loader.calls == 2  # no version to compare: reload, bounded by the interval


def test_only_one_caller_per_interval_goes_to_the_cache(version: Version) -> None:
    clock, loader = Clock(), Loader("https://a.example")
    store = make_store(version, loader, clock)
    store.get()
    clock.now += 10
    assert store._claim() is True
    assert store._claim() is False  # another thread keeps the set it has meanwhile


async def test_the_async_path_refreshes_like_the_sync_one(version: Version) -> None:
    clock, loader = Clock(), Loader("https://a.example")
    store = make_store(version, loader, clock)
    assert (await store.aget()).match("https://a.example")
    loader.origins = ["https://b.example"]
    version.bump()
    assert (await store.aget()).match("https://b.example") is None
    clock.now += 10
    assert (await store.aget()).match("https://b.example")
    assert loader.calls == 2


def two_processes() -> tuple[OriginStore, OriginStore, Clock]:
    clock = Clock()
    return (
        OriginStore(read_version, 5.0, load_from_database, clock),
        OriginStore(read_version, 5.0, load_from_database, clock),
        clock,
    )


@pytest.mark.django_db(transaction=True)
def test_a_change_reaches_another_process_through_the_version_row_within_the_interval() -> None:
    AllowedOrigin.objects.create(origin="https://a.example")
    here, there, clock = two_processes()
    store_module._store = here  # the process that makes the change
    assert there.get().match("https://a.example")
    assert here.get().match("https://new.example") is None
    AllowedOrigin.objects.create(origin="https://new.example")
    assert here.get().match("https://new.example")  # the writer sees it at once
    assert there.get().match("https://new.example") is None  # the other one at its next check
    clock.now += 5
    assert there.get().match("https://new.example")
    AllowedOrigin.objects.filter(origin="https://a.example").update(enabled=False)
    clock.now += 5
    assert there.get().match("https://a.example") is None


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_revocation_survives_a_cache_that_refuses_writes(redis_cache: Any) -> None:
    # Redis full under noeviction answers reads and refuses every write; a revocation
    # carried by the cache would never reach any process, not even the one that made it.
    AllowedOrigin.objects.create(origin="https://gone.example")
    here, there, clock = two_processes()
    store_module._store = here
    assert here.get().match("https://gone.example")
    assert there.get().match("https://gone.example")
    caches["default"].set("warm", "x")  # the cache works before the fault
    redis_cache.config_set("maxmemory-policy", "noeviction")
    redis_cache.config_set("maxmemory", 1)
    try:
        with pytest.raises(Exception, match="maxmemory"):
            caches["default"].set("refused", "x")
        AllowedOrigin.objects.filter(origin="https://gone.example").delete()
        assert here.get().match("https://gone.example") is None  # at its next request
        clock.now += 5
        assert there.get().match("https://gone.example") is None  # within the interval
    finally:
        redis_cache.config_set("maxmemory", 0)


@pytest.mark.django_db
def test_loading_reads_enabled_rows_only() -> None:
    AllowedOrigin.objects.create(origin="https://on.example")
    AllowedOrigin.objects.create(origin="https://off.example", enabled=False)
    compiled = load_from_database("s")
    assert compiled.exact == frozenset({"https://on.example"})
    assert compiled.rows == 1
    assert compiled.stamp == "s"
