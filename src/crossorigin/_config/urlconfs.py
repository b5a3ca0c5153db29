"""Middleware that routes requests by a per-request URLconf, and where it must sit.

A preflight is answered in our request phase, so its view is looked up with the
``request.urlconf`` that middleware above ours has set. One listed below ours sets it
too late: its preflights are selected against ``ROOT_URLCONF``. The start-up check
names such middleware, and the middleware logs once at ERROR when a request turns
out to be routed by another URLconf than the one its policy was selected with.
"""

from __future__ import annotations

import logging
from typing import Final

from django.conf import settings

logger: Final = logging.getLogger("crossorigin")

# Middleware documented to set request.urlconf (each project's docs say to list it first).
KNOWN_URLCONF_MIDDLEWARE: Final = (
    "django_hosts.middleware.HostsRequestMiddleware",
    "django_tenants.middleware.main.TenantMainMiddleware",
    "django_tenants.middleware.TenantMainMiddleware",
    "django_tenants.middleware.suspicious.SuspiciousTenantMiddleware",
    "django_tenants.middleware.default.DefaultTenantMiddleware",
    "django_tenants.middleware.subfolder.TenantSubfolderMiddleware",
)
# The setting where a project names its own URLconf-setting middleware.
SETTING: Final = "CORS_URLCONF_MIDDLEWARE"
CORS_MIDDLEWARE: Final = "crossorigin.middleware.CorsMiddleware"

_reported: set[tuple[str | None, str | None]] = set()


def urlconf_middleware() -> tuple[str, ...]:
    """The known URLconf-setting middleware and those the project names in CORS_URLCONF_MIDDLEWARE."""
    named = getattr(settings, SETTING, None) or ()
    return KNOWN_URLCONF_MIDDLEWARE + tuple(str(entry) for entry in named)


def listed_below_ours(middleware: list[str]) -> list[str]:
    """The URLconf-setting entries of ``middleware`` listed after CorsMiddleware."""
    if CORS_MIDDLEWARE not in middleware:
        return []
    return setting_urlconf(middleware[middleware.index(CORS_MIDDLEWARE) + 1 :])


def setting_urlconf(entries: list[str]) -> list[str]:
    """The entries known (or named in CORS_URLCONF_MIDDLEWARE) to set request.urlconf."""
    known = set(urlconf_middleware())
    return [entry for entry in entries if entry in known]


def log_urlconf_moved(selected_with: str | None, routed_by: str | None) -> None:
    """Log once per pair, at ERROR: a middleware below ours set request.urlconf."""
    key = (selected_with, routed_by)
    if key in _reported:
        return
    _reported.add(key)
    below = listed_below_ours([str(entry) for entry in getattr(settings, "MIDDLEWARE", ())])
    culprit = ", ".join(below) if below else "the middleware that sets request.urlconf"
    logger.error(
        "crossorigin: a request was routed by URLconf %r, but its CORS policy was selected with %r: "
        "%s runs after CorsMiddleware, so preflights are answered for views it does not route to. "
        "Move it above crossorigin._http.middleware.CorsMiddleware in MIDDLEWARE.",
        routed_by,
        selected_with or "ROOT_URLCONF",
        culprit,
    )
