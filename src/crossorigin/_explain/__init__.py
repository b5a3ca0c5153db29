"""Explain what the site does with one cross-origin request, and why.

``explain()`` resolves the path as a request would, picks the policy the middleware
would pick (``decorators.view_overrides`` and ``PolicySet.select``), asks the same
``decide()`` the middleware asks (for the preflight, if a browser would send one, and
for the request itself), and turns the ``Decision``, the ``Policy`` and the headers the
middleware would set into steps, a verdict and hints for near misses. It never matches
an origin, a method or a header itself: everything it says about matching comes from
the ``Decision`` or from ``Policy`` methods. The ``cors_explain`` command prints it;
the work is split by job (``query``, ``resolving``, ``deciding``, ``steps``,
``responses``, ``serving``, ``following``, ``hints``, ``notes``, ``naming``, ``model``), and this module puts the
parts together and exposes the names other code imports from ``crossorigin.explain``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence

from django.conf import settings

from crossorigin._checks import middleware_problems
from crossorigin._config import registry
from crossorigin._config.decorators import view_overrides
from crossorigin._config.registry import ViewOverrides
from crossorigin._config.selection import select_policy
from crossorigin._core import browser, fetch
from crossorigin._explain.deciding import Asked, decide
from crossorigin._explain.following import MAX_REDIRECTS, through_middleware
from crossorigin._explain.hints import near_miss_hints
from crossorigin._explain.model import Explanation, Hint, RequestExplanation
from crossorigin._explain.naming import describe_policy, view_name
from crossorigin._explain.notes import (
    path_notes,
    preflight_policy_note,
    report_only_notes,
    request_notes,
    settings_notes,
)
from crossorigin._explain.query import ExplainArgumentError, Query, default_host, parse_method, parse_path
from crossorigin._explain.resolving import resolve_path, routed_urlconf
from crossorigin._explain.responses import request_explanation
from crossorigin._explain.serving import default_scheme, request_url

# The public names (docs/api.md); the others are imported from here by the command and
# the tests, and are internal.
__all__ = ["ExplainArgumentError", "Explanation", "RequestExplanation", "explain"]


def explain(
    origin: str,
    path: str,
    *,
    method: str = "GET",
    headers: Sequence[tuple[str, str | None]] = (),
    credentials: bool = False,
    host: str | None = None,
    middleware: Sequence[str] | None = None,
    scheme: str | None = None,
    redirects: int = 0,
) -> Explanation:
    """Explain what the site does with a fetch() from ``origin`` to ``path``.

    ``headers`` are the (lower-case name, value or None) pairs the script sets;
    ``middleware`` defaults to settings.MIDDLEWARE; ``scheme`` and ``host`` default to
    those of ``path`` when it is a full URL; ``redirects`` counts the ones followed so far.
    """
    if not origin:
        raise ExplainArgumentError("ORIGIN is empty; give it as a browser sends it, e.g. https://app.example.com.")
    url_scheme, url_host = request_url(path)
    scheme = scheme or url_scheme or default_scheme()
    host = host or url_host
    path, notes = parse_path(path)
    method = parse_method(method)
    policies = registry.current()
    middleware_list = list(settings.MIDDLEWARE if middleware is None else middleware)
    urlconf, routing_notes = routed_urlconf(path, host or default_host(), scheme, middleware_list)
    notes.extend(routing_notes)
    resolved = resolve_path(path, urlconf)
    hints: list[Hint] = []

    unsafe = sorted({name for name, value in headers if not browser.is_safelisted_request_header(name, value)})
    for name, _value in headers:
        if fetch.is_forbidden_request_header(name):
            hints.append(
                Hint("header-forbidden", f"Browsers do not let scripts set {name!r}; it is never sent by fetch().")
            )
    is_preflighted = browser.needs_preflight(method, headers)
    if any(n == "content-type" and v is None for n, v in headers):
        notes.append(
            "Content-Type was given without a value, so it is taken as a non-simple type such as "
            "application/json (which needs a preflight); pass 'Content-Type: text/plain' for a simple one."
        )

    q = Query(policies, origin, path, method, tuple(unsafe), credentials, host or default_host())
    preflight_item: RequestExplanation | None = None
    preflight_view: ViewOverrides | None = None
    asked_notes: list[str] = []
    if is_preflighted:
        preflight_view = view_overrides(resolved.preflight.func) if resolved.preflight else None
        asked = Asked()
        decision = decide(q, preflight_view, asked, preflight=True)
        asked_notes.extend(asked.notes)
        preflight_item = request_explanation(q, preflight_view, decision, asked, q.sent(True), preflight=True)

    actual_view = view_overrides(resolved.actual.func) if resolved.actual else None
    asked = Asked()
    decision = decide(q, actual_view, asked, preflight=False)
    asked_notes.extend(asked.notes)
    actual_item = request_explanation(q, actual_view, decision, asked, q.sent(False, headers), preflight=False)

    passed_on = None
    if preflight_item is not None and not preflight_item.answered_by_middleware:
        # A preflight CorsMiddleware does not answer goes on like any OPTIONS: its response
        # gets the policy of the view the resolver finds, asked as a GET preflight.
        passed_on = decide(dataclasses.replace(q, method="GET", unsafe=()), actual_view, Asked(), preflight=True)
    # What the site really sends back: a middleware above CorsMiddleware may answer first.
    served = through_middleware(
        q,
        resolved,
        middleware_list,
        scheme=scheme,
        preflight=preflight_item,
        actual=actual_item,
        headers=headers,
        can_follow=redirects < MAX_REDIRECTS,
        passed_on=passed_on,
    )
    preflight_item, actual_item = served.preflight, served.actual
    hints.extend(served.hints)
    problems = middleware_problems(middleware_list)
    installed = not any(p.id == "crossorigin.W044" for p in problems)
    for problem in problems:
        hints.append(Hint(problem.id, f"{problem.msg} {problem.hint or ''}".strip()))

    view = preflight_view if preflight_item is not None else actual_view
    match = resolved.preflight if preflight_item is not None else resolved.actual
    items = [i for i in (preflight_item, actual_item) if i is not None]
    if view is None or not view.exempt:
        hints.extend(near_miss_hints(q, view, items))
    if view is not None and view.exempt:
        hints.append(
            Hint(
                "view-exempt",
                f"The view {view.name} is @cors_exempt: no CORS headers, and its preflights reach the view. "
                "Remove @cors_exempt or give it @cors_policy(...).",
            )
        )
    notes.extend(path_notes(path, resolved, middleware_list, problems, method))
    if preflight_item is not None:
        notes.append(
            preflight_policy_note(
                select_policy(policies, path, urlconf, view=preflight_view),
                select_policy(policies, path, urlconf, view=actual_view),
            )
        )
    notes.extend(asked_notes)
    notes.extend(settings_notes(policies, view))
    notes.extend(request_notes(method, credentials, match, middleware_list, actual_item))
    notes.extend(report_only_notes(policies, path, actual_view, origin, method, enforced=actual_item.decision))
    notes.extend(served.notes)
    follow = served.redirect
    redirected = None
    if follow is not None:
        redirected = explain(
            follow.origin,
            follow.path,
            method=follow.method,
            headers=follow.headers,
            credentials=credentials,
            host=follow.host,
            middleware=middleware_list,
            scheme=follow.scheme,
            redirects=redirects + 1,
        )
    return Explanation(
        origin=origin,
        path=path,
        method=method,
        headers=tuple(headers),
        credentials=credentials,
        view=view_name(match),
        policy=items[0].decision.policy,
        policy_source=describe_policy(policies, path, view),
        preflight=preflight_item,
        actual=actual_item,
        middleware_installed=installed,
        hints=tuple(_unique(hints)),
        notes=tuple(dict.fromkeys(notes)),
        redirected=redirected,
    )


def _unique(hints: Iterable[Hint]) -> list[Hint]:
    seen: set[tuple[str, str]] = set()
    found = []
    for hint in hints:
        key = (hint.code, hint.message)
        if key not in seen:
            seen.add(key)
            found.append(hint)
    return found
