"""System checks: is the app wired to CORS_ORIGIN_CHECKER, and is its check interval a number?

Changes spread through a version row in the database (see ``store``), so no cache
needs checking: whatever the cache backend, a change reaches every process.

Wiring the other way (the checker set, the app missing) is reported by crossorigin's
own check on CORS_ORIGIN_CHECKER, since importing the checker then fails with a hint.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

from django.conf import settings
from django.core.checks import CheckMessage, Error, Info, Tags, Warning, register

from .store import CHECK_INTERVAL_SETTING

CHECKERS: Final = (
    "crossorigin.contrib.origins.checker.is_allowed",
    "crossorigin.contrib.origins.checker.ais_allowed",
)
SETUP_HINT: Final = f"Set CORS_ORIGIN_CHECKER = {CHECKERS[0]!r} ({CHECKERS[1]!r} under ASGI)."


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


@register(Tags.compatibility, "crossorigin")
def check_interval(app_configs: Sequence[Any] | None = None, **kwargs: Any) -> list[CheckMessage]:
    """The check interval is a number of seconds."""
    interval = getattr(settings, CHECK_INTERVAL_SETTING, 5.0)
    if isinstance(interval, bool) or not isinstance(interval, (int, float)) or interval < 0:
        return [
            Error(
                f"{CHECK_INTERVAL_SETTING} should be a number of seconds (0 or more), not {interval!r}; "
                "5 seconds is used.",
                id="crossorigin_origins.E001",
            )
        ]
    return []
