"""System checks: is the app wired to CORS_ORIGIN_CHECKER, and can its changes spread?

Wiring the other way (the checker set, the app missing) is reported by crossorigin's
own check on CORS_ORIGIN_CHECKER, since importing the checker then fails with a hint.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

from django.conf import settings
from django.core.checks import CheckMessage, Error, Info, Tags, Warning, register

from .store import CACHE_SETTING, CHECK_INTERVAL_SETTING, cache_alias

CHECKERS: Final = (
    "crossorigin.contrib.origins.checker.is_allowed",
    "crossorigin.contrib.origins.checker.ais_allowed",
)
SETUP_HINT: Final = f"Set CORS_ORIGIN_CHECKER = {CHECKERS[0]!r} ({CHECKERS[1]!r} under ASGI)."
# Cache backends whose entries other processes cannot see.
PROCESS_LOCAL_CACHES: Final = (
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
)


@register(Tags.compatibility, "crossorigin")
def check_wiring(app_configs: Sequence[Any] | None = None, **kwargs: Any) -> list[CheckMessage]:
    """The app is installed; is its checker the one CORS_ORIGIN_CHECKER names?"""
    found: list[CheckMessage] = []
    checker = getattr(settings, "CORS_ORIGIN_CHECKER", None)
    if not checker:
        found.append(
            Warning(
                "crossorigin.contrib.origins is installed, but CORS_ORIGIN_CHECKER is not set, so the allowed "
                "origins of the database are never consulted.",
                hint=SETUP_HINT,
                id="crossorigin_origins.W001",
            )
        )
    elif checker not in CHECKERS:
        found.append(
            Info(
                f"CORS_ORIGIN_CHECKER is {checker!r}; the allowed origins of the database count only if it "
                "calls crossorigin.contrib.origins.checker.is_allowed (or ais_allowed).",
                hint=SETUP_HINT + " Or call it from your checker and silence crossorigin_origins.I001.",
                id="crossorigin_origins.I001",
            )
        )
    else:
        size = getattr(settings, "CORS_ORIGIN_CHECKER_CACHE_SIZE", 0)
        if isinstance(size, int) and size > 0:
            found.append(
                Warning(
                    "CORS_ORIGIN_CHECKER_CACHE_SIZE is above 0: an origin disabled or deleted in the database stays "
                    "allowed until its cached answer expires (CORS_ORIGIN_CHECKER_CACHE_TTL).",
                    hint="Set CORS_ORIGIN_CHECKER_CACHE_SIZE = 0; the database origins are already matched in memory.",
                    id="crossorigin_origins.W002",
                )
            )
    return found


@register(Tags.caches, "crossorigin")
def check_cache(app_configs: Sequence[Any] | None = None, **kwargs: Any) -> list[CheckMessage]:
    """The stamp cache exists and is shared between processes; the interval is a number."""
    found: list[CheckMessage] = []
    interval = getattr(settings, CHECK_INTERVAL_SETTING, 5.0)
    if isinstance(interval, bool) or not isinstance(interval, (int, float)) or interval < 0:
        found.append(
            Error(
                f"{CHECK_INTERVAL_SETTING} should be a number of seconds (0 or more), not {interval!r}; "
                "5 seconds is used.",
                id="crossorigin_origins.E001",
            )
        )
    raw_alias = getattr(settings, CACHE_SETTING, "default")
    alias = cache_alias()
    configured = getattr(settings, "CACHES", {}) or {}
    if not isinstance(raw_alias, str) or alias not in configured:
        found.append(
            Error(
                f"{CACHE_SETTING} is {raw_alias!r}, which is not a cache in CACHES.",
                hint="Name a cache shared by every process and server, e.g. a Redis cache.",
                id="crossorigin_origins.E002",
            )
        )
        return found
    backend = configured[alias].get("BACKEND", "")
    if backend == PROCESS_LOCAL_CACHES[1]:
        found.append(
            Warning(
                f"The cache {alias!r} (DummyCache) keeps nothing, so every process reloads the allowed origins "
                "from the database at every check.",
                hint=f"Point {CACHE_SETTING} at a cache every process and server shares (Redis, Memcached, database).",
                id="crossorigin_origins.W004",
            )
        )
    elif backend in PROCESS_LOCAL_CACHES:
        found.append(
            Warning(
                f"The cache {alias!r} ({backend.rsplit('.', 1)[-1]}) is not shared between processes, so a change "
                "to the allowed origins reaches only the process that made it.",
                hint=f"Point {CACHE_SETTING} at a cache every process and server shares (Redis, Memcached, "
                "database). With one single-process server you may silence crossorigin_origins.W003.",
                id="crossorigin_origins.W003",
            )
        )
    return found
