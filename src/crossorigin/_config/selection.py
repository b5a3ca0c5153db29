"""Which policy applies to a request: the one selection.

``select_policy`` is the only code that picks a policy. The middleware (for a
preflight, before any view, and for the actual request, after it), the system checks,
``cors_explain`` and the test helpers all call it, so they cannot disagree. It takes
plain values (a path, the URLconf the request is routed by, the method, and the view
when it is known), so an entry point without an ``HttpRequest`` (a WebSocket
handshake's ASGI scope) can call it too; ``select_for_request`` builds them from a
request.

Precedence: a view's ``@cors_exempt`` (CORS off) or ``@cors_policy`` (laid over the
URL policy), over the first matching ``CORS_URL_POLICIES`` entry, over the global
settings. Before the view has run (a preflight), the view is found the way Django will
find it: with ``request.urlconf`` as set by middleware above ours, under the language
the path names (``i18n_patterns``), and with the slash ``APPEND_SLASH`` would add.
"""

from __future__ import annotations

import logging
from enum import Enum
from typing import Final, Literal

from django.conf import settings
from django.http import HttpRequest
from django.urls import Resolver404, ResolverMatch, resolve
from django.utils import translation

from crossorigin._config import registry
from crossorigin._config.decorators import view_overrides, views_are_decorated
from crossorigin._config.registry import PolicySet, Selection, ViewOverrides

__all__ = [
    "UNRESOLVED",
    "Selection",
    "laid_over",
    "resolved_match",
    "select_for_request",
    "select_policy",
    "turned_on",
    "view_at",
]

logger: Final = logging.getLogger("crossorigin")


class _Unresolved(Enum):
    UNRESOLVED = "unresolved"


# ``view=UNRESOLVED``: the view is not known yet; select_policy looks it up from the path.
UNRESOLVED: Final = _Unresolved.UNRESOLVED


def select_policy(
    policies: PolicySet,
    path: str,
    # Not keyword-only, though callers should name them: the middleware passes them by
    # position on every request, where a call with keywords costs about 1,000 more
    # instructions (docs/performance.md).
    urlconf: str | None = None,
    method: str = "GET",
    view: ViewOverrides | Literal[_Unresolved.UNRESOLVED] | None = UNRESOLVED,
) -> Selection:
    """The policy for a request to ``path`` (``path_info``), and whether CORS applies to it.

    ``view``: the overrides of the view that served the request (None: no view, or an
    undecorated one); ``UNRESOLVED`` looks the view up in ``urlconf`` (None: ROOT_URLCONF).
    ``method`` is part of the question (a later rule may depend on it); no rule does yet.
    """
    found = policies.every_path or policies.url_selection(path)
    if view is UNRESOLVED:
        view = view_at(path, urlconf) if views_are_decorated() else None
    if view is not None:
        found = policies.view_selection(found, view)
    if urlconf is not None:
        found = policies.routed_by(found, urlconf)
    return found


def select_for_request(
    request: HttpRequest,
    policies: PolicySet | None = None,
    *,
    view: ViewOverrides | Literal[_Unresolved.UNRESOLVED, False] | None = False,
) -> Selection:
    """``select_policy`` for an ``HttpRequest``: its ``path_info``, ``urlconf`` and method.

    ``view=False`` (the default) takes the view Django resolved and called
    (``request.resolver_match``; none if no view ran, as for a redirect);
    ``view=UNRESOLVED`` looks it up from the path, as for a preflight.
    """
    if policies is None:
        policies = registry.compiled or registry.current()
    if view is False:
        match = request.resolver_match
        view = None if match is None else view_overrides(match.func)
    return select_policy(policies, request.path_info, getattr(request, "urlconf", None), request.method or "GET", view)


def view_at(path: str, urlconf: str | None = None) -> ViewOverrides | None:
    """The overrides of the view ``path`` reaches, found as Django will find it.

    The path is resolved as it is, then with the slash ``APPEND_SLASH`` would add (a
    preflight is answered before that redirect, for the view the redirect reaches).
    Under ``i18n_patterns`` it is resolved with the language the path itself names
    (else ``LANGUAGE_CODE``, which unprefixed patterns stand for), never with whatever
    language this thread last activated.
    """
    match = resolved_match(path, urlconf)
    return None if match is None else view_overrides(match.func)


def resolved_match(path: str, urlconf: str | None = None, *, exact: bool = False) -> ResolverMatch | None:
    """What Django's resolver finds for ``path`` (see ``view_at``); None for a 404.

    ``exact``: the path alone, without the slash APPEND_SLASH would add.
    """
    language = translation.get_language_from_path(path) or settings.LANGUAGE_CODE
    candidates = (path,) if exact or path.endswith("/") else (path, path + "/")
    with translation.override(language):
        for candidate in candidates:
            try:
                return resolve(candidate, urlconf=urlconf)
            except Resolver404:
                continue
            except Exception:  # a broken URLconf must not break the request
                logger.exception("crossorigin: resolving %r failed; no view policy is applied", path[:200])
                return None
    return None


def turned_on(policies: PolicySet, found: Selection) -> Selection:
    """The selection of a request whose view (or a later middleware) set ``request._cors_enabled``.

    A URL or view selection is on already; outside the enabled paths the global
    policy applies, as on an enabled path (django-cors-headers does the same).
    """
    return found if found.enabled or found.source != "global" else policies.url_selection_at(-1)


def laid_over(policies: PolicySet, url_index: int, view: ViewOverrides) -> Selection:
    """``view``'s policy as a request gets it under URL policy ``url_index`` (-1: the global settings).

    For the system checks, which ask for every URL policy a route's requests can get
    rather than for one path: the same compiled object the middleware serves.
    """
    return policies.view_selection(policies.url_selection_at(url_index), view)
