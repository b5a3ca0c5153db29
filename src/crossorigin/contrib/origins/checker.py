"""The origin checker to point ``CORS_ORIGIN_CHECKER`` at.

``is_allowed`` (WSGI, or anywhere) and ``ais_allowed`` (ASGI: no thread hop on the
usual path) answer from the compiled set in memory; neither queries the database
per request. See ``store`` for how the set stays fresh.
"""

from __future__ import annotations

from typing import Any, Final

from django.apps import apps
from django.core.exceptions import AppRegistryNotReady

from .store import store

# The public names (docs/api.md); everything else here is internal.
__all__ = ["ais_allowed", "is_allowed"]

APP: Final = "crossorigin.contrib.origins"


def _require_app() -> None:
    # Importing this module is how CORS_ORIGIN_CHECKER resolves it, so an ImportError
    # here turns a missing INSTALLED_APPS entry into crossorigin's own start-up error.
    try:
        installed = apps.is_installed(APP)
    except AppRegistryNotReady:  # imported before Django is set up; checked later
        return
    if not installed:
        raise ImportError(f"add {APP!r} to INSTALLED_APPS to use the allowed origins of the database")


_require_app()


def is_allowed(origin: str, request: Any = None) -> bool:
    """True if an enabled origin or pattern in the database allows ``origin``."""
    return store().get().match(origin) is not None


async def ais_allowed(origin: str, request: Any = None) -> bool:
    """``is_allowed`` for async callers: awaited on the event loop, no thread hop."""
    return (await store().aget()).match(origin) is not None


def matching_origin(origin: str) -> str | None:
    """The stored origin or pattern that allows ``origin`` (for explaining), or None."""
    return store().get().match(origin)
