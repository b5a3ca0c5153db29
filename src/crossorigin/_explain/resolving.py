"""Which view a path reaches, resolved as a request would be.

The policy a request gets can depend on its view (``@cors_policy``, ``@cors_exempt``),
and an actual request and its preflight do not always reach the same one: the
middleware answers a preflight with the policy of ``path + '/'`` when only that
resolves, while an actual request gets the view of an exact match only. This module
keeps those two answers side by side (``naming.view_name`` names the view).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory
from django.urls import ResolverMatch
from django.utils.module_loading import import_string

from crossorigin._config.selection import resolved_match
from crossorigin._config.urlconfs import CORS_MIDDLEWARE, setting_urlconf


@dataclass(frozen=True)
class Resolved:
    """The view a path maps to: exactly, or only once APPEND_SLASH adds its slash."""

    match: ResolverMatch | None
    slash_match: ResolverMatch | None

    @property
    def actual(self) -> ResolverMatch | None:
        """The view an actual request reaches (process_view sees only an exact match)."""
        return self.match

    @property
    def preflight(self) -> ResolverMatch | None:
        """The view whose policy a preflight gets (the middleware also tries path + '/')."""
        return self.match or self.slash_match


def resolve_path(path: str, urlconf: str | None = None) -> Resolved:
    """Resolve ``path`` as the middleware does (``crossorigin._config.selection``): exactly, then with a slash."""
    match = resolved_match(path, urlconf, exact=True)
    slash = resolved_match(path + "/", urlconf, exact=True) if match is None and not path.endswith("/") else None
    return Resolved(match, slash)


def routed_urlconf(path: str, host: str, scheme: str, middleware: Sequence[str]) -> tuple[str | None, list[str]]:
    """The ``request.urlconf`` the middleware above CorsMiddleware gives a request to ``host``, and notes.

    A middleware that sets it per request (django-hosts, django-tenants, or one named in
    CORS_URLCONF_MIDDLEWARE) is run on a request like the one explained, as the server
    runs it before ours. None: ROOT_URLCONF routes it.
    """
    entries = list(middleware)
    above = entries[: entries.index(CORS_MIDDLEWARE)] if CORS_MIDDLEWARE in entries else []
    urlconf: str | None = None
    notes: list[str] = []
    for entry in setting_urlconf(above):
        request = RequestFactory().get(path, HTTP_HOST=host, secure=scheme == "https")

        def reached(request: HttpRequest) -> HttpResponse:
            return HttpResponse()

        try:
            import_string(entry)(reached)(request)
        except Exception as exc:  # its own database, say: explain without it, and say so
            notes.append(
                f"{entry} sets request.urlconf, but running it here failed ({type(exc).__name__}: {exc}); the path "
                "was resolved in ROOT_URLCONF, which may not be what this host's requests get."
            )
            continue
        found = getattr(request, "urlconf", None)
        if found is not None:
            urlconf = str(found)
            notes.append(f"{entry} routes requests to {host!r} by the URLconf {urlconf!r}.")
    return urlconf, notes
