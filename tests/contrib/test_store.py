"""The compiled set in memory and its refresh: stamp read at most once per interval."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache

from crossorigin.contrib.origins import store as store_module
from crossorigin.contrib.origins.models import AllowedOrigin
from crossorigin.contrib.origins.store import (
    STAMP_KEY,
    CompiledOrigins,
    OriginStore,
    compile_origins,
    load_from_database,
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


def make_store(cache: Any, loader: Loader, clock: Clock, interval: float = 5.0) -> OriginStore:
    return OriginStore(lambda: cache, interval, loader, clock)


@pytest.fixture
def local_cache() -> LocMemCache:
    cache = LocMemCache("crossorigin-store-tests", {})
    cache.clear()
    return cache


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


def test_ignored_rows_are_logged_in_one_line_per_load(local_cache: LocMemCache, caplog: Any) -> None:
    loader = Loader(*[f"https://bad-{n}.example/" for n in range(8)], "https://ok.example")
    store = make_store(local_cache, loader, Clock())
    with caplog.at_level("WARNING", logger="crossorigin.contrib.origins"):
        assert store.get().match("https://ok.example")
    [record] = [r for r in caplog.records if r.levelname == "WARNING"]
    assert "8 stored origins are ignored" in record.getMessage()
    assert "'https://bad-0.example/': it should not have a path" in record.getMessage()
    assert "bad-7" not in record.getMessage()


def test_the_stamp_is_read_at_most_once_per_interval(local_cache: LocMemCache) -> None:
    clock, loader = Clock(), Loader("https://a.example")
    store = make_store(local_cache, loader, clock)
    assert store.get().match("https://a.example")
    assert loader.calls == 1
    loader.origins.append("https://b.example")
    local_cache.set(STAMP_KEY, "changed")
    clock.now += 4.9
    assert store.get().match("https://b.example") is None  # still inside the interval
    assert loader.calls == 1
    clock.now += 0.2
    assert store.get().match("https://b.example") == "https://b.example"
    assert loader.calls == 2


def test_an_unchanged_stamp_keeps_the_set_without_loading(local_cache: LocMemCache) -> None:
    clock, loader = Clock(), Loader("https://a.example")
    store = make_store(local_cache, loader, clock)
    first = store.get()
    for _ in range(5):
        clock.now += 10
        assert store.get() is first
    assert loader.calls == 1


def test_a_stamp_missing_from_the_cache_is_recreated_and_every_store_reloads_once(local_cache: LocMemCache) -> None:
    clock, loader = Clock(), Loader("https://a.example")
    store = make_store(local_cache, loader, clock)
    store.get()
    stamp = local_cache.get(STAMP_KEY)
    assert isinstance(stamp, str)
    local_cache.clear()  # evicted or flushed
    clock.now += 10
    store.get()
    assert loader.calls == 2
    assert local_cache.get(STAMP_KEY) not in (None, stamp)


def test_invalidate_makes_the_next_call_check_the_stamp(local_cache: LocMemCache) -> None:
    clock, loader = Clock(), Loader("https://a.example")
    store = make_store(local_cache, loader, clock)
    store.get()
    local_cache.set(STAMP_KEY, "changed")
    store.invalidate()
    store.get()
    assert loader.calls == 2


def test_a_failing_database_keeps_the_last_set_and_retries_next_interval(local_cache: LocMemCache) -> None:
    clock, loader = Clock(), Loader("https://a.example")
    store = make_store(local_cache, loader, clock)
    store.get()
    loader.fail = True
    local_cache.set(STAMP_KEY, "changed")
    clock.now += 10
    assert store.get().match("https://a.example")
    loader.fail = False
    loader.origins = ["https://b.example"]
    clock.now += 10
    assert store.get().match("https://b.example")
    assert loader.calls == 3


def test_a_failing_first_load_allows_nothing() -> None:
    loader = Loader("https://a.example")
    loader.fail = True
    store = make_store(LocMemCache("x", {}), loader, Clock())
    assert store.get().match("https://a.example") is None


def test_a_failing_cache_still_loads_and_reloads_every_interval() -> None:
    class BrokenCache:
        def get(self, key: str) -> Any:
            raise ConnectionError("cache down")

    clock, loader = Clock(), Loader("https://a.example")
    store = OriginStore(BrokenCache, 5.0, loader, clock)  # type: ignore[arg-type]
    assert store.get().match("https://a.example")
    clock.now += 1
    store.get()
    assert loader.calls == 1
    clock.now += 5
    store.get()
    assert loader.calls == 2  # no stamp to compare: reload, bounded by the interval


def test_only_one_caller_per_interval_goes_to_the_cache(local_cache: LocMemCache) -> None:
    clock, loader = Clock(), Loader("https://a.example")
    store = make_store(local_cache, loader, clock)
    store.get()
    clock.now += 10
    assert store._claim() is True
    assert store._claim() is False  # another thread keeps the set it has meanwhile


async def test_the_async_path_refreshes_like_the_sync_one(local_cache: LocMemCache) -> None:
    clock, loader = Clock(), Loader("https://a.example")
    store = make_store(local_cache, loader, clock)
    assert (await store.aget()).match("https://a.example")
    loader.origins = ["https://b.example"]
    local_cache.set(STAMP_KEY, "changed")
    assert (await store.aget()).match("https://b.example") is None
    clock.now += 10
    assert (await store.aget()).match("https://b.example")
    assert loader.calls == 2


def two_processes(
    cache_alias: str, loader: Callable[[str | None], CompiledOrigins]
) -> tuple[OriginStore, OriginStore, Clock]:
    clock = Clock()
    first = OriginStore(lambda: caches[cache_alias], 5.0, loader, clock)
    second = OriginStore(lambda: caches[cache_alias], 5.0, loader, clock)
    return first, second, clock


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_change_reaches_another_process_through_redis_within_the_interval(redis_cache: Any) -> None:
    AllowedOrigin.objects.create(origin="https://a.example")
    here, there, clock = two_processes("default", load_from_database)
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
    assert redis_cache.exists(caches["default"].make_key(STAMP_KEY))


@pytest.mark.django_db
def test_loading_reads_enabled_rows_only() -> None:
    AllowedOrigin.objects.create(origin="https://on.example")
    AllowedOrigin.objects.create(origin="https://off.example", enabled=False)
    compiled = load_from_database("s")
    assert compiled.exact == frozenset({"https://on.example"})
    assert compiled.rows == 1
    assert compiled.stamp == "s"
