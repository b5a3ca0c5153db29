"""The middleware: one request flow, the same under WSGI and ASGI.

Per request, in this order, each step a function of this module:

1. **Select** (``before_view``). The policy for the request, from
   ``crossorigin._config.selection.select_policy`` (the one place that picks a policy), and
   whether CORS applies; outside the enabled paths a ``check_request_enabled`` receiver
   may still turn it on. The answer goes on ``request._cors_enabled``, as
   django-cors-headers sets it. A preflight (and, with ``CORS_REPLACE_HTTPS_REFERER``,
   a secure request) is selected with its view looked up now, as Django will find it.
2. **Before the view** (``before_view``, ``answer_early``): a preflight is answered
   here, before any view, authentication or redirect runs; with
   ``CORS_REPLACE_HTTPS_REFERER`` an allowed secure request has its Origin and Referer
   replaced for Django's CSRF check.
3. **The view** (``get_response``).
4. **After the view** (``after_view``): selected again with the view Django resolved
   (``request.resolver_match``), unless the view or a later middleware turned
   ``request._cors_enabled`` off; the decision's headers are set and the decision is
   recorded on the request for the test helpers (``crossorigin._http.recording``).

The middleware holds no matching logic: ``decide_or_ask`` takes a decision the policy
remembers, or returns the pending ``Question`` for ``decide()``, which the driver
finishes through ``crossorigin._http.resolution``: that, and awaiting the view, is all that
differs between ``__call__`` and ``__acall__`` (the async one asks an async checker on
the event loop, with no thread hop). ``crossorigin._http.headers`` sets a decision's headers;
``crossorigin._http.csrf`` replaces and restores the headers of CORS_REPLACE_HTTPS_REFERER.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from logging import DEBUG
from typing import Any, Final

from asgiref.sync import iscoroutinefunction, markcoroutinefunction
from django.http import HttpRequest
from django.http.response import HttpResponseBase

from crossorigin._config import registry
from crossorigin._config.decorators import DECORATED
from crossorigin._config.registry import PolicySet, Selection
from crossorigin._config.selection import UNRESOLVED, select_for_request, select_policy, turned_on
from crossorigin._config.urlconfs import log_urlconf_moved
from crossorigin._core.constants import (
    META_ORIGIN,
    META_REQUEST_HEADERS,
    META_REQUEST_METHOD,
    META_REQUEST_PRIVATE_NETWORK,
)
from crossorigin._core.policy import Decision, Policy, Reason
from crossorigin._http import report_only
from crossorigin._http.asking import checker_answer, checker_answer_async, question, signal_answer, signal_answer_for
from crossorigin._http.csrf import CorsPostCsrfMiddleware, replace_for_csrf, restore_replaced_headers
from crossorigin._http.headers import answer_preflight, apply_decision
from crossorigin._http.logs import log_decision
from crossorigin._http.recording import RECORD
from crossorigin._http.resolution import Question, aresolve_decision, resolve_decision
from crossorigin.signals import check_request_enabled

logger: Final = logging.getLogger("crossorigin")
# Logger.isEnabledFor caches its answer per level until the logging config changes.
_logs: Final = logger.isEnabledFor

GetResponse = Callable[[HttpRequest], HttpResponseBase | Awaitable[HttpResponseBase]]

# -- the steps of the flow ----------------------------------------------------------------

# What ``before_view`` hands on: the selection, the value it gave request._cors_enabled,
# and the decision made before the view (or the question it waits on; None when nothing
# was decided early, as for most requests).
Before = tuple[Selection, bool, Decision | Question | None]


def before_view(policies: PolicySet, request: HttpRequest) -> Before:
    """Steps 1 and 2: select the policy, set ``request._cors_enabled``, and decide early when needed.

    A decision is needed before the view for a preflight (answered here, before any
    view, authentication or redirect runs) and, with ``CORS_REPLACE_HTTPS_REFERER``, for
    a secure request whose headers may be replaced for Django's CSRF check. Those are
    selected with the view the path reaches, so they get the policy the view will.
    """
    meta = request.META
    method = request.method or "GET"
    preflight = method == "OPTIONS" and META_REQUEST_METHOD in meta
    early = preflight or (policies.replaces_referer and META_ORIGIN in meta and request.is_secure())
    if early:
        found = select_for_request(request, policies, view=UNRESOLVED)
    else:
        # The URLconf matters only to find a view; kept so after_view can tell when a
        # middleware below ours changed it. The common case (one policy for every path,
        # no per-request URLconf) is taken without a call.
        urlconf = getattr(request, "urlconf", None) if DECORATED["used"] else None
        found = (urlconf is None and policies.every_path) or select_policy(
            policies, request.path_info, urlconf, method, None
        )
    # As django-cors-headers: outside the enabled paths a receiver may turn CORS on.
    enabled = found.enabled or (
        bool(check_request_enabled.receivers) and found.source != "exempt" and signal_answer(request)
    )
    request._cors_enabled = enabled  # type: ignore[attr-defined]
    if not early:
        return found, enabled, None
    origin = meta.get(META_ORIGIN)
    if origin is None:
        # Only a preflight gets here. Browsers always send Origin; health checkers and
        # scanners may not. django-cors-headers answers it (an empty 200) where CORS is
        # enabled rather than passing it to a view that may fail on it; so do we.
        return found, enabled, found.policy.no_origin if enabled else None
    return found, enabled, decide_or_ask(policies, request, found, origin, preflight)


def answer_early(policies: PolicySet, request: HttpRequest, early: Decision) -> HttpResponseBase | None:
    """Step 2's end: a preflight's answer, or an allowed request's headers replaced for CSRF."""
    meta = request.META
    if request.method == "OPTIONS" and META_REQUEST_METHOD in meta:
        if not early.enabled:
            return None  # CORS is off for it: the view answers
        if RECORD["on"]:
            request._crossorigin_decision = early  # type: ignore[attr-defined]
        if _logs(DEBUG):
            log_decision(early, meta.get(META_ORIGIN), request.path_info)
        if policies.report_only_policies is not None and META_ORIGIN in meta:
            report_only.compare_preflight(policies, request, early)
        return answer_preflight(early)
    if early.allowed:
        replace_for_csrf(request, meta[META_ORIGIN])
    return None


def after_view(  # noqa: PLR0917  (positional: called on every request, keywords cost more)
    policies: PolicySet,
    request: HttpRequest,
    found: Selection,
    enabled: bool,
    early: Decision | None,
    response: HttpResponseBase,
    resolved: Decision | None,
) -> Question | None:
    """Step 4: select again with the view that ran, decide, set the headers, record and log.

    When the origin checker or the signal must be asked first, nothing is set and the
    pending question is returned; the driver resolves it and calls again with the
    decision as ``resolved``. ``enabled`` is the value ``before_view`` gave
    ``request._cors_enabled``. As with django-cors-headers, a view or a later
    middleware that sets it to a false value gets no CORS headers (not even Vary), one
    that sets it to a true value gets them as on an enabled path, and one that deletes
    it or sets it to None gets them as if it had not been touched.
    """
    result = resolved
    if result is None:
        if early is not None:
            restore_replaced_headers(request)
        try:
            now = request._cors_enabled  # type: ignore[attr-defined]
        except AttributeError:
            now = None
        # Changed by the view or a later middleware; deleted or None is decided as if untouched.
        changed = now is not enabled and now is not None
        origin = request.META.get(META_ORIGIN)
        if changed and not now:
            result = switched_off(found.policy)
        else:
            if origin is not None and DECORATED["used"]:
                found = _with_served_view(policies, request, found)
            if changed:
                found = turned_on(policies, found)
            decided = decide_or_ask(policies, request, found, origin, False)
            if isinstance(decided, Question):
                return decided
            result = decided
    apply_decision(result, response)
    if RECORD["on"]:
        request._crossorigin_decision = result  # type: ignore[attr-defined]
    if _logs(DEBUG):
        log_decision(result, request.META.get(META_ORIGIN), request.path_info)
    if policies.report_only_policies is not None:  # CORS_REPORT_ONLY: unset costs this one test
        report_only.compare(policies, request, result)
    return None


def _with_served_view(policies: PolicySet, request: HttpRequest, before: Selection) -> Selection:
    """The selection with the view Django resolved and called, if any; reports a moved URLconf."""
    found = select_for_request(request, policies)
    if found.urlconf != before.urlconf:
        # A middleware below ours set request.urlconf: preflights were selected without it.
        log_urlconf_moved(before.urlconf, found.urlconf)
    if found.view is not None:
        # A view's own policy turns CORS on (@cors_policy) or off (@cors_exempt)
        # whatever the path says, so request._cors_enabled follows it.
        request._cors_enabled = found.enabled  # type: ignore[attr-defined]
    return found


def switched_off(policy: Policy) -> Decision:
    """The decision for a response whose ``request._cors_enabled`` the view or a later middleware turned off."""
    return Decision(Reason.REQUEST_DISABLED, policy.name, False, False)


def decide_or_ask(  # positional: called on every request, keywords cost more
    policies: PolicySet, request: HttpRequest, found: Selection, origin: str | None, preflight: bool
) -> Decision | Question:
    """The decision for the request under ``found`` when the policy knows it, else the question for ``decide()``.

    Known without ``decide()``: an exempt view; a path no one enabled while no receiver
    could enable it; a request without Origin on an enabled path; an answer the policy
    remembers (a refusal only while no receiver could overturn it). An OPTIONS request
    that reached the view always goes to ``decide()``.
    """
    if found.source == "exempt":
        return policies.exempt
    policy = found.policy
    meta = request.META
    if not found.enabled:
        if not check_request_enabled.receivers:
            return policy.disabled
    elif origin is None:
        return policy.no_origin
    elif preflight:
        known = policy.remembered_preflight(
            origin,
            meta[META_REQUEST_METHOD],
            meta.get(META_REQUEST_HEADERS),
            meta.get(META_REQUEST_PRIVATE_NETWORK) == "true",
        )
        if known is not None:
            return known
    elif request.method != "OPTIONS" and not (
        policy.private_network and meta.get(META_REQUEST_PRIVATE_NETWORK) == "true"
    ):
        known = policy.remembered(origin)
        if known is not None and (known is not policy.denied or not check_request_enabled.receivers):
            return known
    return question(policies, request, found, origin, preflight=preflight)


# CorsPostCsrfMiddleware lives with the replacement it undoes (crossorigin._http.csrf).
__all__ = ["CorsMiddleware", "CorsPostCsrfMiddleware"]


# -- the middleware ----------------------------------------------------------------------


class CorsMiddleware:
    """Adds the Access-Control-* headers and answers preflights. Place it high in MIDDLEWARE."""

    sync_capable = True
    async_capable = True

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response
        self.async_mode = iscoroutinefunction(get_response)
        if self.async_mode:
            markcoroutinefunction(self)
        # Django builds the middleware when the server starts: compile every policy now
        # (each decorated view's included), so what fail-closed finds is logged at start-up.
        registry.current()

    # The two drivers below are the same steps; they differ only where they must: the
    # async one awaits the view and asks an async origin checker from the event loop.

    def __call__(self, request: HttpRequest) -> Any:
        if self.async_mode:
            return self.__acall__(request)
        policies = registry.compiled or registry.current()
        found, enabled, early = before_view(policies, request)
        if early is not None:
            if isinstance(early, Question):
                early = resolve_decision(early, checker_answer, signal_answer_for)
            answer = answer_early(policies, request, early)
            if answer is not None:
                return answer
        response: HttpResponseBase = self.get_response(request)  # type: ignore[assignment]
        pending = after_view(policies, request, found, enabled, early, response, None)
        if pending is not None:
            decision = resolve_decision(pending, checker_answer, signal_answer_for)
            after_view(policies, request, found, enabled, None, response, decision)
        return response

    async def __acall__(self, request: HttpRequest) -> HttpResponseBase:
        policies = registry.compiled or registry.current()
        found, enabled, early = before_view(policies, request)
        if early is not None:
            if isinstance(early, Question):
                early = await aresolve_decision(early, checker_answer_async, signal_answer_for)
            answer = answer_early(policies, request, early)
            if answer is not None:
                return answer
        response: HttpResponseBase = await self.get_response(request)  # type: ignore[misc]
        pending = after_view(policies, request, found, enabled, early, response, None)
        if pending is not None:
            decision = await aresolve_decision(pending, checker_answer_async, signal_answer_for)
            after_view(policies, request, found, enabled, None, response, decision)
        return response
