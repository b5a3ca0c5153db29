"""The allowed origins of the database, compiled in memory and kept fresh by a version row.

Every process holds one ``CompiledOrigins``: exact origins in a frozenset and wildcard
patterns in the same ``WildcardMatcher`` the settings use, so a request costs a set
lookup whatever the number of rows, and no query.

Freshness: a one-row table (``OriginsVersion``) holds a version number, bumped in the
same transaction as every change to the origins table, so a change and its version
commit together or not at all. A process reads that row (one primary-key read) at
most once per ``CORS_DB_ORIGINS_CHECK_INTERVAL`` seconds (default 5) and reloads the
table when the version differs from the one its set was built from; the process that
made the change checks at its next request. No cache is involved: a cache that refuses
writes, loses keys or is down cannot hide a change (a revocation that only a cache
carried could be lost, and an origin stay allowed with credentials indefinitely).

The version is read before the table, so a process that records a version has loaded
at least the rows that version stands for.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Final

from asgiref.sync import sync_to_async
from django.conf import settings
from django.core.signals import setting_changed

from crossorigin._core.origins import (
    DEFAULT_PORTS,
    OriginError,
    WildcardMatcher,
    is_well_formed_request_origin,
    parse_origin,
)
from crossorigin._core.problems import Level

from .changes import origins_committed
from .validators import origin_problems

# The public names (docs/api.md); everything else here is internal.
__all__ = ["bump"]  # noqa: F822  (module __getattr__ below provides it)

logger = logging.getLogger("crossorigin.contrib.origins")

CHECK_INTERVAL_SETTING: Final = "CORS_DB_ORIGINS_CHECK_INTERVAL"
DEFAULT_CHECK_INTERVAL: Final = 5.0
# Rows are fetched in chunks so 100,000 origins never sit twice in memory as rows.
LOAD_CHUNK_SIZE: Final = 5000

# How many ignored rows one log line names.
SKIPPED_SHOWN: Final = 5

Clock = Callable[[], float]
VersionReader = Callable[[], "str | None"]


@dataclass(frozen=True, slots=True)
class CompiledOrigins:
    """The enabled origins of one load, ready for matching; never changed afterwards."""

    exact: frozenset[str]
    wildcards: WildcardMatcher
    # The version of the table this set was loaded at (None: unknown).
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
    from .models import AllowedOrigin, origins_database
    from .validators import credentials_in_use

    started = time.perf_counter()
    using = origins_database()
    values = AllowedOrigin.objects.db_manager(using).filter(enabled=True).values_list("origin", flat=True)
    return compile_origins(
        values.iterator(chunk_size=LOAD_CHUNK_SIZE),
        credentials=credentials_in_use(),
        stamp=stamp,
        started=started,
    )


EMPTY: Final = CompiledOrigins(frozenset(), WildcardMatcher(()), None)


def read_version() -> str | None:
    """The version of the origins table (one primary-key read); None if it cannot be read."""
    from .models import VERSION_ROW, OriginsVersion, origins_database

    try:
        version = (
            OriginsVersion.objects.using(origins_database()).filter(pk=VERSION_ROW).values_list("version", flat=True)
        )
        value = version.first()
    except Exception:
        logger.exception("crossorigin: cannot read the allowed-origins version from the database")
        return None
    # None (no row: the migration's row was deleted) means: reload every interval.
    return None if value is None else str(value)


class OriginStore:
    """One process's compiled origins and the logic that refreshes them."""

    def __init__(
        self,
        version: VersionReader = read_version,
        interval: float = DEFAULT_CHECK_INTERVAL,
        loader: Callable[[str | None], CompiledOrigins] = load_from_database,
        clock: Clock = time.monotonic,
    ) -> None:
        self._version = version
        self.interval = interval
        self._loader = loader
        self._clock = clock
        self._compiled: CompiledOrigins | None = None
        self._next_check = 0.0
        self._stale = False
        # _claim_lock makes one thread the refresher of an interval; _load_lock makes
        # the first load happen once while the other threads wait for it.
        self._claim_lock = threading.Lock()
        self._load_lock = threading.Lock()

    @property
    def compiled(self) -> CompiledOrigins | None:
        """The set in use now (None before the first load)."""
        return self._compiled

    def get(self) -> CompiledOrigins:
        """The current set; checks the version if the interval has passed (sync callers)."""
        compiled = self._compiled
        if compiled is None:
            return self._first_load()
        if self._clock() >= self._next_check and self._claim():
            return self._refresh(compiled)
        return compiled

    async def aget(self) -> CompiledOrigins:
        """The current set; the rare version check and reload run in a thread (async callers)."""
        compiled = self._compiled
        if compiled is None:
            return await sync_to_async(self._first_load)()
        if self._clock() >= self._next_check and self._claim():
            return await sync_to_async(self._refresh)(compiled)
        return compiled

    def invalidate(self) -> None:
        """Reload on the next call (this process made a change).

        A reload, not only a version check: a load made inside the changing transaction
        (by the same connection) already read the new version, perhaps with rows the
        transaction changed afterwards.
        """
        self._stale = True
        self._next_check = 0.0

    def _claim(self) -> bool:
        # Only one caller per interval reads the version; the others keep using the set
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
                compiled = self._load(self._version(), None)
            return compiled

    def _refresh(self, compiled: CompiledOrigins) -> CompiledOrigins:
        stale, self._stale = self._stale, False
        stamp = self._version()
        if stamp is not None and stamp == compiled.stamp and not stale:
            return compiled
        return self._load(stamp, compiled)

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


def check_interval() -> float:
    """Seconds between two version checks in one process (``CORS_DB_ORIGINS_CHECK_INTERVAL``)."""
    value = getattr(settings, CHECK_INTERVAL_SETTING, DEFAULT_CHECK_INTERVAL)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        return DEFAULT_CHECK_INTERVAL
    return float(value)


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
            _store = OriginStore(read_version, check_interval())
        return _store


# Settings that change what the store holds or where its version lives. The credentials
# settings matter because rows are re-validated against them on load.
_DEPENDENCIES: Final = frozenset({CHECK_INTERVAL_SETTING, "DATABASES", "DATABASE_ROUTERS"})


def reset(setting: str | None = None, **_: Any) -> None:
    """Drop the store (``setting_changed`` receiver; with no argument: always)."""
    global _store
    if setting is None or setting in _DEPENDENCIES or setting.startswith("CORS_"):
        _store = None


setting_changed.connect(reset, dispatch_uid="crossorigin.contrib.origins.store.reset")


def _recheck(**_: Any) -> None:
    """Check the version at the next request: this process committed a change (``origins_committed``)."""
    current = _store
    if current is not None:
        current.invalidate()


origins_committed.connect(_recheck, dispatch_uid="crossorigin.contrib.origins.store.recheck")


def __getattr__(name: str) -> Any:
    # ``bump`` lives with the tables it writes (models); docs/database-origins.md has
    # always imported it from here. Imported on use: models cannot load before the apps.
    if name == "bump":
        from .models import bump

        return bump
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
