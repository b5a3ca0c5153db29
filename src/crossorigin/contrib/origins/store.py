"""The allowed origins of the database, compiled in memory and kept fresh by a stamp.

Every process holds one ``CompiledOrigins``: exact origins in a frozenset and wildcard
patterns in the same ``WildcardMatcher`` the settings use, so a request costs a set
lookup whatever the number of rows, and no query.

Freshness: a version stamp lives in Django's cache framework (shared by every process
and server that shares the cache). Each change to the table writes a new random stamp
once its transaction commits. A process compares the stamp with the one its set was
built from at most once per ``CORS_DB_ORIGINS_CHECK_INTERVAL`` seconds (default 5) and
reloads the table when they differ. So a change is seen everywhere within that
interval (plus the reload time), and the cost is one cache read per process per
interval.

The stamp is read before the table, and written only after the change has committed,
so a process that records a stamp has loaded at least the rows that stamp stands for.
"""

from __future__ import annotations

import logging
import re
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Final

from asgiref.sync import sync_to_async
from django.conf import settings
from django.core.cache import BaseCache, caches
from django.core.signals import setting_changed
from django.db import router, transaction

from crossorigin.origins import (
    DEFAULT_PORTS,
    OriginError,
    WildcardMatcher,
    is_well_formed_request_origin,
    parse_origin,
)
from crossorigin.problems import Level

from .validators import origin_problems

logger = logging.getLogger("crossorigin.contrib.origins")

STAMP_KEY: Final = "crossorigin:db-origins:stamp"
CHECK_INTERVAL_SETTING: Final = "CORS_DB_ORIGINS_CHECK_INTERVAL"
CACHE_SETTING: Final = "CORS_DB_ORIGINS_CACHE"
DEFAULT_CHECK_INTERVAL: Final = 5.0
DEFAULT_CACHE: Final = "default"
# Rows are fetched in chunks so 100,000 origins never sit twice in memory as rows.
LOAD_CHUNK_SIZE: Final = 5000

# How many ignored rows one log line names.
SKIPPED_SHOWN: Final = 5

Clock = Callable[[], float]


@dataclass(frozen=True, slots=True)
class CompiledOrigins:
    """The enabled origins of one load, ready for matching; never changed afterwards."""

    exact: frozenset[str]
    wildcards: WildcardMatcher
    stamp: str | None
    rows: int = 0
    # (stored value, why it was left out)
    skipped: tuple[tuple[str, str], ...] = field(default=(), repr=False)
    load_seconds: float = 0.0

    def match(self, origin: str) -> str | None:
        """The stored origin or pattern that allows ``origin``, or None."""
        if origin in self.exact:
            return origin
        if self.wildcards and is_well_formed_request_origin(origin):
            return self.wildcards.match(origin)
        return None

    def __len__(self) -> int:
        return len(self.exact) + len(self.wildcards.patterns)


# An exact origin in normal form with a registered name or IPv4 host: lower case, a
# port only if it is not the scheme's default (checked in _looks_normal).
_PLAIN_NORMAL_RE: Final = re.compile(r"[a-z][a-z0-9+.\-]*://[a-z0-9\-._]+(?::[1-9][0-9]{0,4})?")


def _looks_normal(value: str) -> bool:
    if _PLAIN_NORMAL_RE.fullmatch(value) is None:
        return False
    scheme, _, rest = value.partition("://")
    default = DEFAULT_PORTS.get(scheme)
    return default is None or not rest.endswith(f":{default}")


def compile_origins(
    values: Iterable[str], *, credentials: bool, stamp: str | None = None, started: float | None = None
) -> CompiledOrigins:
    """Compile stored origins; patterns and null / file:// are checked again (fail closed)."""
    begin = time.perf_counter() if started is None else started
    exact: set[str] = set()
    patterns = []
    skipped: list[tuple[str, str]] = []
    rows = 0
    for value in values:
        rows += 1
        if _looks_normal(value):
            # An exact origin was normalised and checked when it was saved, and all it
            # can ever do is match an identical Origin header, so it is used as stored
            # (parsing 100,000 of them again would double the load time). Anything else
            # is parsed: patterns, null / file://, and rows written behind the ORM.
            exact.add(value)
            continue
        try:
            parsed = parse_origin(value)
        except OriginError as exc:
            skipped.append((value, f"it {exc}"))
            continue
        if parsed.special or parsed.subdomains:
            errors = [p for p in origin_problems(parsed, credentials=credentials) if p.level is Level.ERROR]
            if errors:
                skipped.append((value, errors[0].msg))
                continue
        if parsed.is_wildcard:
            patterns.append(parsed)
        else:
            exact.add(parsed.serialize())
    return CompiledOrigins(
        exact=frozenset(exact),
        wildcards=WildcardMatcher(patterns),
        stamp=stamp,
        rows=rows,
        skipped=tuple(skipped),
        load_seconds=time.perf_counter() - begin,
    )


def load_from_database(stamp: str | None) -> CompiledOrigins:
    """Read every enabled origin and compile them."""
    from .models import AllowedOrigin
    from .validators import credentials_in_use

    started = time.perf_counter()
    # Read where the rows are written: a lagging replica could hand back an old set
    # that would then be kept under the new stamp until the next change.
    using = router.db_for_write(AllowedOrigin)
    values = AllowedOrigin.objects.db_manager(using).filter(enabled=True).values_list("origin", flat=True)
    return compile_origins(
        values.iterator(chunk_size=LOAD_CHUNK_SIZE),
        credentials=credentials_in_use(),
        stamp=stamp,
        started=started,
    )


EMPTY: Final = CompiledOrigins(frozenset(), WildcardMatcher(()), None)


def new_stamp() -> str:
    """A fresh, unique version stamp."""
    return uuid.uuid4().hex


class OriginStore:
    """One process's compiled origins and the logic that refreshes them."""

    def __init__(
        self,
        cache: Callable[[], BaseCache],
        interval: float = DEFAULT_CHECK_INTERVAL,
        loader: Callable[[str | None], CompiledOrigins] = load_from_database,
        clock: Clock = time.monotonic,
    ) -> None:
        self._cache = cache
        self.interval = interval
        self._loader = loader
        self._clock = clock
        self._compiled: CompiledOrigins | None = None
        self._next_check = 0.0
        # _claim_lock makes one thread the refresher of an interval; _load_lock makes
        # the first load happen once while the other threads wait for it.
        self._claim_lock = threading.Lock()
        self._load_lock = threading.Lock()

    @property
    def compiled(self) -> CompiledOrigins | None:
        """The set in use now (None before the first load)."""
        return self._compiled

    def get(self) -> CompiledOrigins:
        """The current set; checks the stamp if the interval has passed (sync callers)."""
        compiled = self._compiled
        if compiled is None:
            return self._first_load()
        if self._clock() >= self._next_check and self._claim():
            return self._refresh(compiled)
        return compiled

    async def aget(self) -> CompiledOrigins:
        """The current set; the rare stamp check and reload run in a thread (async callers)."""
        compiled = self._compiled
        if compiled is None:
            return await sync_to_async(self._first_load)()
        if self._clock() >= self._next_check and self._claim():
            return await sync_to_async(self._refresh)(compiled)
        return compiled

    def invalidate(self) -> None:
        """Check the stamp on the next call (this process made a change)."""
        self._next_check = 0.0

    def _claim(self) -> bool:
        # Only one caller per interval goes to the cache; the others keep using the set
        # they have, so a slow cache or database never holds up other requests.
        if not self._claim_lock.acquire(blocking=False):
            return False
        try:
            now = self._clock()
            if now < self._next_check:
                return False
            self._next_check = now + self.interval
            return True
        finally:
            self._claim_lock.release()

    def _first_load(self) -> CompiledOrigins:
        with self._load_lock:
            compiled = self._compiled
            if compiled is None:
                self._next_check = self._clock() + self.interval
                compiled = self._load(self._read_stamp(), None)
            return compiled

    def _refresh(self, compiled: CompiledOrigins) -> CompiledOrigins:
        stamp = self._read_stamp()
        if stamp is not None and stamp == compiled.stamp:
            return compiled
        return self._load(stamp, compiled)

    def _read_stamp(self) -> str | None:
        """The shared stamp, created if the cache has none (empty, evicted or flushed)."""
        try:
            cache = self._cache()
            stamp = cache.get(STAMP_KEY)
            if stamp is None:
                cache.add(STAMP_KEY, new_stamp(), timeout=None)
                stamp = cache.get(STAMP_KEY)
        except Exception:
            logger.exception("crossorigin: cannot read the allowed-origins stamp from the cache")
            return None
        # None (a cache that keeps nothing) means: reload every interval.
        return stamp if isinstance(stamp, str) else None

    def _load(self, stamp: str | None, previous: CompiledOrigins | None) -> CompiledOrigins:
        try:
            compiled = self._loader(stamp)
        except Exception:
            # Keep serving what we had; with nothing loaded yet, allow nothing. The next
            # interval tries again.
            logger.exception("crossorigin: cannot load the allowed origins from the database")
            compiled = previous if previous is not None else EMPTY
        else:
            logger.info(
                "crossorigin: loaded %d allowed origins from the database in %.3f s (%d ignored)",
                len(compiled),
                compiled.load_seconds,
                len(compiled.skipped),
            )
            if compiled.skipped:
                # One line per load, however many rows are bad.
                shown = "; ".join(f"{value!r}: {why}" for value, why in compiled.skipped[:SKIPPED_SHOWN])
                logger.warning(
                    "crossorigin: %d stored origins are ignored (fix or delete them): %s%s",
                    len(compiled.skipped),
                    shown,
                    "; ..." if len(compiled.skipped) > SKIPPED_SHOWN else "",
                )
        self._compiled = compiled
        return compiled


def cache_alias() -> str:
    """The cache that holds the stamp (``CORS_DB_ORIGINS_CACHE``)."""
    alias = getattr(settings, CACHE_SETTING, DEFAULT_CACHE)
    return alias if isinstance(alias, str) else DEFAULT_CACHE


def check_interval() -> float:
    """Seconds between two stamp checks in one process (``CORS_DB_ORIGINS_CHECK_INTERVAL``)."""
    value = getattr(settings, CHECK_INTERVAL_SETTING, DEFAULT_CHECK_INTERVAL)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        return DEFAULT_CHECK_INTERVAL
    return float(value)


def _stamp_cache() -> BaseCache:
    return caches[cache_alias()]


_store: OriginStore | None = None
_store_lock: Final = threading.Lock()


def store() -> OriginStore:
    """This process's store, built from the settings on first use."""
    current = _store
    if current is None:
        current = _build_store()
    return current


def _build_store() -> OriginStore:
    global _store
    with _store_lock:
        if _store is None:
            _store = OriginStore(_stamp_cache, check_interval())
        return _store


# Settings that change what the store holds or where its stamp lives. The credentials
# settings matter because rows are re-validated against them on load.
_DEPENDENCIES: Final = frozenset({CHECK_INTERVAL_SETTING, CACHE_SETTING, "CACHES", "DATABASES"})


def reset(setting: str | None = None, **_: Any) -> None:
    """Drop the store (``setting_changed`` receiver; with no argument: always)."""
    global _store
    if setting is None or setting in _DEPENDENCIES or setting.startswith("CORS_"):
        _store = None


setting_changed.connect(reset, dispatch_uid="crossorigin.contrib.origins.store.reset")


def write_stamp() -> None:
    """Publish a new stamp now, so every process reloads at its next check."""
    try:
        _stamp_cache().set(STAMP_KEY, new_stamp(), timeout=None)
    except Exception:
        logger.exception(
            "crossorigin: cannot write the allowed-origins stamp; other processes will not see the change "
            "until the stamp changes again or the cache is flushed"
        )
    current = _store
    if current is not None:
        current.invalidate()


class _Publish:
    """One pending ``write_stamp`` after a commit; remembers that it ran."""

    __slots__ = ("done",)

    def __init__(self) -> None:
        self.done = False

    def __call__(self) -> None:
        self.done = True
        write_stamp()


def bump(using: str | None = None) -> None:
    """Publish a new stamp once the current transaction on ``using`` commits (now if none).

    Called by the model's signals and bulk query methods; call it yourself after
    changing the table with raw SQL. Several changes in one transaction publish once
    (deleting 10,000 rows sends 10,000 signals but writes one stamp).
    """
    connection = transaction.get_connection(using)
    if connection.in_atomic_block:
        for entry in connection.run_on_commit:
            # A callback dropped by a rolled-back savepoint is no longer listed, so a
            # later change in the same transaction registers a new one.
            if isinstance(entry[1], _Publish) and not entry[1].done:
                return
    transaction.on_commit(_Publish(), using=using)
