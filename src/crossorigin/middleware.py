"""The middleware: one request flow, the same under WSGI and ASGI.

Per request, in this order, each step a function of this module:

1. **Route** (``before_view``). The policy for the path (``PolicySet.url_policy``) and
   whether CORS applies to it; on a path outside every enabled one, a
   ``check_request_enabled`` receiver may still turn it on. The answer goes on
   ``request._cors_enabled``, as django-cors-headers sets it.
2. **Before the view** (``before_view``, ``answer_early``), for requests with an Origin:
   a preflight is answered here, before any view, authentication or redirect runs;
   with ``CORS_REPLACE_HTTPS_REFERER`` an allowed secure request has its Origin and
   Referer replaced for Django's CSRF check.
3. **The view** (``get_response``).
4. **After the view** (``after_view``): the decision for the response, under
   the view's own policy if Django resolved a decorated view (``request.resolver_match``),
   unless the view or a later middleware turned ``request._cors_enabled`` off; then its
   headers are set.

The middleware holds no matching logic. A decision ``decide()`` gave before comes from
``Policy.remembered``; any other is ``decide()``'s. A step that needs the origin checker
or the signal returns the pending ``Question`` instead of a decision, and the driver
finishes it through ``crossorigin.resolution``: that, and awaiting the view, is all that
differs between ``__call__`` and ``__acall__`` (the async one asks an async checker on
the event loop, with no thread hop). ``crossorigin.headers`` sets a decision's headers;
``crossorigin.csrf`` replaces and restores the headers of CORS_REPLACE_HTTPS_REFERER.
There is no ``process_view`` hook, so Django calls nothing of ours between the
middleware and the view.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from logging import DEBUG
from typing import Any, Final

from asgiref.sync import iscoroutinefunction, markcoroutinefunction
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.urls import Resolver404, resolve

from crossorigin import registry
from crossorigin.constants import (  # re-exported, as the incumbent did
    ACCESS_CONTROL_ALLOW_CREDENTIALS,
    ACCESS_CONTROL_ALLOW_HEADERS,
    ACCESS_CONTROL_ALLOW_METHODS,
    ACCESS_CONTROL_ALLOW_ORIGIN,
    ACCESS_CONTROL_ALLOW_PRIVATE_NETWORK,
    ACCESS_CONTROL_EXPOSE_HEADERS,
    ACCESS_CONTROL_MAX_AGE,
    ACCESS_CONTROL_REQUEST_PRIVATE_NETWORK,
    META_ORIGIN,
    META_REQUEST_HEADERS,
    META_REQUEST_METHOD,
    META_REQUEST_PRIVATE_NETWORK,
)
from crossorigin.csrf import replace_for_csrf, restore_replaced_headers  # public here too
from crossorigin.decorators import view_overrides, views_are_decorated
from crossorigin.headers import (  # public here too
    add_vary_origin,
    answer_preflight,
    apply_decision,
    preflight_response,
    vary_with_origin,
)
from crossorigin.logs import log_decision
from crossorigin.policy import Decision, Policy, Reason
from crossorigin.registry import PolicySet, ViewOverrides
from crossorigin.resolution import (
    Question,
    achecker_answer,
    aresolve_decision,
    checker_answer,
    resolve_decision,
    signal_results,
)
from crossorigin.signals import check_request_enabled

__all__ = [
    "ACCESS_CONTROL_ALLOW_CREDENTIALS",
    "ACCESS_CONTROL_ALLOW_HEADERS",
    "ACCESS_CONTROL_ALLOW_METHODS",
    "ACCESS_CONTROL_ALLOW_ORIGIN",
    "ACCESS_CONTROL_ALLOW_PRIVATE_NETWORK",
    "ACCESS_CONTROL_EXPOSE_HEADERS",
    "ACCESS_CONTROL_MAX_AGE",
    "ACCESS_CONTROL_REQUEST_PRIVATE_NETWORK",
    "CorsMiddleware",
    "CorsPostCsrfMiddleware",
    "add_vary_origin",
    "answer_preflight",
    "apply_decision",
    "decision_for",
    "preflight_response",
    "replace_for_csrf",
    "restore_replaced_headers",
    "vary_with_origin",
]

logger: Final = logging.getLogger("crossorigin")
# Logger.isEnabledFor caches its answer per level until the logging config changes.
_logs: Final = logger.isEnabledFor

GetResponse = Callable[[HttpRequest], HttpResponseBase | Awaitable[HttpResponseBase]]
# (URL policy index or -1, policy, CORS enabled by the path): PolicySet.url_policy's answer.
Route = tuple[int, Policy, bool]

# Per-request answers kept on the request, so each is asked at most once per request.
_SIGNAL: Final = "_crossorigin_signal"
_CHECKER: Final = "_crossorigin_checker"


# -- the steps of the flow ----------------------------------------------------------------

# What ``before_view`` hands on: the route, the value it gave request._cors_enabled, and
# the decision made before the view (or the question it waits on; None when nothing was
# decided early, as for most requests).
Before = tuple[Route, bool, Decision | Question | None]


def before_view(policies: PolicySet, request: HttpRequest) -> Before:
    """Steps 1 and 2: route the request, set ``request._cors_enabled``, and decide early when needed.

    A decision is needed before the view for a preflight (answered here, before any
    view, authentication or redirect runs) and, with ``CORS_REPLACE_HTTPS_REFERER``, for
    a secure request whose headers may be replaced for Django's CSRF check.
    """
    found = policies.every_path or policies.url_policy(request.path_info)
    # As django-cors-headers: outside the enabled paths a receiver may turn CORS on.
    enabled = found[2] or (bool(check_request_enabled.receivers) and _signal_answer(request))
    request._cors_enabled = enabled  # type: ignore[attr-defined]
    method = request.method
    if method != "OPTIONS" and not policies.replaces_referer:
        return found, enabled, None
    meta = request.META
    origin = meta.get(META_ORIGIN)
    preflight = method == "OPTIONS" and META_REQUEST_METHOD in meta
    if origin is None or not (preflight or (policies.replaces_referer and request.is_secure())):
        return found, enabled, None
    view = view_of_path(request) if views_are_decorated() else None
    if view is not None:
        # A view's own policy turns CORS on (@cors_policy) or off (@cors_exempt)
        # whatever the path says, so request._cors_enabled follows it.
        enabled = request._cors_enabled = not view.exempt  # type: ignore[attr-defined]
    if preflight and view is None and found[2]:  # the common preflight, written out
        early = found[1].remembered_preflight(
            origin,
            meta[META_REQUEST_METHOD],
            meta.get(META_REQUEST_HEADERS),
            meta.get(META_REQUEST_PRIVATE_NETWORK) == "true",
        )
    else:
        early = (remembered_preflight if preflight else remembered)(policies, request, origin, found, view)
    if early is None:
        return found, enabled, question(policies, request, origin, found, view, preflight=preflight)
    return found, enabled, early


def answer_early(request: HttpRequest, early: Decision) -> HttpResponseBase | None:
    """Step 2's end: a preflight's answer, or an allowed request's headers replaced for CSRF."""
    meta = request.META
    if request.method == "OPTIONS" and META_REQUEST_METHOD in meta:
        if not early.enabled:
            return None  # CORS is off for it: the view answers
        if _logs(DEBUG):
            log_decision(early, meta[META_ORIGIN], request.path_info)
        return answer_preflight(early)
    if early.allowed:
        replace_for_csrf(request, meta[META_ORIGIN])
    return None


def after_view(  # noqa: PLR0917  (positional: called on every request, keywords cost more)
    policies: PolicySet,
    request: HttpRequest,
    found: Route,
    enabled: bool,
    early: Decision | None,
    response: HttpResponseBase,
    resolved: Decision | None,
) -> Question | None:
    """Step 4: pick the decision for the response, set its headers and log it.

    When the origin checker or the signal must be asked first, nothing is set and the
    pending question is returned; the driver resolves it and calls again with the
    decision as ``resolved``. ``enabled`` is the value ``before_view`` gave
    ``request._cors_enabled``. As with django-cors-headers, a view or a later
    middleware that sets it to a false value gets no CORS headers (not even Vary), one
    that sets it to a true value gets them as on an enabled path, and one that deletes
    it or sets it to None gets them as if it had not been touched. The common case is
    written out: an enabled path, no view policy, and an answer the policy remembers.
    """
    decision = resolved
    if decision is None:
        if early is not None:
            restore_replaced_headers(request)
        try:
            now = request._cors_enabled  # type: ignore[attr-defined]
        except AttributeError:
            now = None
        # Changed by the view or a later middleware; deleted or None is decided as if untouched.
        changed = now is not enabled and now is not None
        if changed and now:
            found = (found[0], found[1], True)
        origin = request.META.get(META_ORIGIN)
        policy = found[1]
        view = None
        if changed and not now:
            decision = switched_off(policy)
        elif origin is not None and views_are_decorated() and (view := view_served(request)) is not None:
            # A view's own policy turns CORS on (@cors_policy) or off (@cors_exempt)
            # whatever the path says, so request._cors_enabled follows it.
            request._cors_enabled = not view.exempt  # type: ignore[attr-defined]
            decision = remembered(policies, request, origin, found, view)
        elif not found[2]:
            decision = None if check_request_enabled.receivers else policy.disabled
        elif origin is None:
            decision = policy.no_origin
        elif policy.private_network or request.method == "OPTIONS":
            decision = remembered(policies, request, origin, found, view)
        else:
            decision = policy.remembered(origin)
            if decision is policy.denied and check_request_enabled.receivers:
                decision = None
        if decision is None:
            return question(policies, request, origin, found, view, preflight=False)
    apply_decision(decision, response)
    if _logs(DEBUG):
        log_decision(decision, request.META.get(META_ORIGIN), request.path_info)
    if policies.report_only is not None:  # CORS_REPORT_ONLY: unset costs this one test
        policies.report_only.compare(request, decision)
    return None


def switched_off(policy: Policy) -> Decision:
    """The decision for a response whose ``request._cors_enabled`` the view or a later middleware turned off."""
    return Decision(Reason.REQUEST_DISABLED, policy.name, False, False)


def view_of_path(request: HttpRequest) -> ViewOverrides | None:
    """Before the view: the overrides of the view the path maps to (resolved here, as for a preflight)."""
    path = request.path_info
    urlconf = getattr(request, "urlconf", None)
    for candidate in (path, path + "/") if not path.endswith("/") else (path,):
        try:
            match = resolve(candidate, urlconf=urlconf)
        except Resolver404:
            continue
        except Exception:  # a broken URLconf must not break the preflight
            logger.exception("crossorigin: resolving %r for a preflight failed", path[:200])
            return None
        return view_overrides(match.func)
    return None


def view_served(request: HttpRequest) -> ViewOverrides | None:
    """After the view: the overrides of the view Django resolved and called, if any."""
    match = request.resolver_match
    return None if match is None else view_overrides(match.func)


def remembered(
    policies: PolicySet, request: HttpRequest, origin: str | None, found: Route, view: ViewOverrides | None
) -> Decision | None:
    """The decision for an actual request when known without ``decide()``; None sends it there.

    Known: an exempt view; a request without Origin on an enabled path; a path no one
    enabled; an answer the policy remembers (a refusal only while no receiver could
    overturn it). An OPTIONS request that reached the view always goes to ``decide()``.
    """
    index, policy, enabled = found
    if view is not None:
        if view.exempt:
            return policies.exempt
        policy, enabled = policies.view_policy(index, policy, view), True
    if not enabled:
        return None if check_request_enabled.receivers else policy.disabled
    if origin is None:
        return policy.no_origin
    if request.method == "OPTIONS" or (
        policy.private_network and request.META.get(META_REQUEST_PRIVATE_NETWORK) == "true"
    ):
        return None
    decision = policy.remembered(origin)
    if decision is policy.denied and check_request_enabled.receivers:
        return None
    return decision


def remembered_preflight(
    policies: PolicySet, request: HttpRequest, origin: str, found: Route, view: ViewOverrides | None
) -> Decision | None:
    """The decision for a preflight when the policy remembers it; None sends it to ``decide()``."""
    index, policy, enabled = found
    if view is not None:
        if view.exempt:
            return policies.exempt
        policy, enabled = policies.view_policy(index, policy, view), True
    meta = request.META
    if not enabled:
        return None
    return policy.remembered_preflight(
        origin,
        meta[META_REQUEST_METHOD],
        meta.get(META_REQUEST_HEADERS),
        meta.get(META_REQUEST_PRIVATE_NETWORK) == "true",
    )


def question(
    policies: PolicySet,
    request: HttpRequest,
    origin: str | None,
    found: Route,
    view: ViewOverrides | None,
    *,
    preflight: bool,
) -> Question:
    """What ``decide()`` is asked for this request, with the answers it already has."""
    index, policy, enabled = found
    if view is not None:  # an exempt view never gets here (remembered answers it)
        policy, enabled = policies.view_policy(index, policy, view), True
    meta = request.META
    signal = getattr(request, _SIGNAL, None)
    if signal is None and not check_request_enabled.receivers:
        signal = False
    checker = getattr(request, _CHECKER, None)
    if checker is None and policies.checker is None:
        checker = False
    request_method = meta.get(META_REQUEST_METHOD) if preflight else None
    request_headers = meta.get(META_REQUEST_HEADERS) if preflight else None
    if not preflight and request.method == "OPTIONS":
        # An OPTIONS answered by the view gets the preflight headers too, as with
        # django-cors-headers; asked as a plain GET preflight so nothing is refused.
        preflight, request_method = True, "GET"
    private_network = meta.get(META_REQUEST_PRIVATE_NETWORK) == "true"
    return Question(
        policy,
        origin,
        preflight,
        request_method,
        request_headers,
        private_network,
        enabled,
        checker,
        signal,
        (policies.checker, request),  # what the ask functions below need
    )


def _signal_answer(request: HttpRequest) -> bool:
    """Send check_request_enabled once for this request; any truthy answer is yes, a failure no."""
    answer = getattr(request, _SIGNAL, None)
    if answer is None:
        answer = False
        for receiver, result in signal_results(request):
            if isinstance(result, Exception):
                logger.error("check_request_enabled receiver %r raised %r", receiver, result)
            elif result:
                answer = True
        setattr(request, _SIGNAL, answer)
    return bool(answer)


def _checker_answer(q: Question) -> bool:
    """Ask the origin checker synchronously, once per request; a failing checker refuses."""
    checker, request = q.context
    answer = checker_answer(checker, q.origin, request, q.policy)
    setattr(request, _CHECKER, answer)
    return answer


async def _checker_answer_async(q: Question) -> bool:
    """Ask the origin checker from the event loop, once per request; a failing checker refuses."""
    checker, request = q.context
    answer = await achecker_answer(checker, q.origin, request, q.policy)
    setattr(request, _CHECKER, answer)
    return answer


def _signal_answer_for(q: Question) -> bool:
    """Send check_request_enabled for the question's request (once per request)."""
    return _signal_answer(q.context[1])


def decision_for(request: HttpRequest) -> Decision:
    """The decision the middleware made for a request it has served, by the same steps.

    For tests and tools: answers the origin checker and the signal gave for this
    request are reused, not asked again; a preflight's decision is the one its answer
    (or, if CORS is off for it, the view's response) got; ``request._cors_enabled`` as
    the view left it is honoured as ``after_view`` honours it. Changes nothing on the request.
    """
    policies = registry.current()
    meta = request.META
    origin = meta.get(META_ORIGIN)
    found = policies.every_path or policies.url_policy(request.path_info)
    if origin is not None and request.method == "OPTIONS" and META_REQUEST_METHOD in meta:
        view = view_of_path(request) if views_are_decorated() else None
        decision = remembered_preflight(policies, request, origin, found, view) or resolve_decision(
            question(policies, request, origin, found, view, preflight=True),
            _checker_answer,
            _signal_answer_for,
        )
        if decision.enabled:
            return decision
    view = view_served(request) if origin is not None and views_are_decorated() else None
    decision = remembered(policies, request, origin, found, view) or resolve_decision(
        question(policies, request, origin, found, view, preflight=False),
        _checker_answer,
        _signal_answer_for,
    )
    # The middleware leaves the flag as it set it unless the view or a later middleware
    # changed it, so a flag that disagrees with the decision is such a change.
    now = getattr(request, "_cors_enabled", None)
    if now is None or bool(now) is decision.enabled:
        return decision
    if not now:
        return switched_off(found[1])
    if decision.reason is Reason.URL_NOT_ENABLED:
        enabled_path = (found[0], found[1], True)
        return remembered(policies, request, origin, enabled_path, view) or resolve_decision(
            question(policies, request, origin, enabled_path, view, preflight=False),
            _checker_answer,
            _signal_answer_for,
        )
    return decision


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

    # The two drivers below are the same steps; they differ only where they must: the
    # async one awaits the view and asks an async origin checker from the event loop.

    def __call__(self, request: HttpRequest) -> Any:
        if self.async_mode:
            return self.__acall__(request)
        policies = registry.compiled or registry.current()
        found, enabled, early = before_view(policies, request)
        if early is not None:
            if isinstance(early, Question):
                early = resolve_decision(early, _checker_answer, _signal_answer_for)
            answer = answer_early(request, early)
            if answer is not None:
                return answer
        response: HttpResponseBase = self.get_response(request)  # type: ignore[assignment]
        pending = after_view(policies, request, found, enabled, early, response, None)
        if pending is not None:
            decision = resolve_decision(pending, _checker_answer, _signal_answer_for)
            after_view(policies, request, found, enabled, None, response, decision)
        return response

    async def __acall__(self, request: HttpRequest) -> HttpResponseBase:
        policies = registry.compiled or registry.current()
        found, enabled, early = before_view(policies, request)
        if early is not None:
            if isinstance(early, Question):
                early = await aresolve_decision(early, _checker_answer_async, _signal_answer_for)
            answer = answer_early(request, early)
            if answer is not None:
                return answer
        response: HttpResponseBase = await self.get_response(request)  # type: ignore[misc]
        pending = after_view(policies, request, found, enabled, early, response, None)
        if pending is not None:
            decision = await aresolve_decision(pending, _checker_answer_async, _signal_answer_for)
            after_view(policies, request, found, enabled, None, response, decision)
        return response


class CorsPostCsrfMiddleware:
    """Restores the headers CORS_REPLACE_HTTPS_REFERER replaced; place it after CsrfViewMiddleware."""

    sync_capable = True
    async_capable = True

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response
        self.async_mode = iscoroutinefunction(get_response)
        # Django adapts a sync process_view for an async stack with a thread hop, so the
        # hook is bound per instance in the mode this instance runs in.
        self.process_view: Callable[..., Any]
        if self.async_mode:
            markcoroutinefunction(self)
            self.process_view = self._process_view_async
        else:
            self.process_view = self._process_view_sync

    def __call__(self, request: HttpRequest) -> Any:
        return self.get_response(request)

    def _process_view_sync(self, request: HttpRequest, *args: Any) -> None:
        restore_replaced_headers(request)

    async def _process_view_async(self, request: HttpRequest, *args: Any) -> None:
        restore_replaced_headers(request)
