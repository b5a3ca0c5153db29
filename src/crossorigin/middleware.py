"""The middleware: read the request's CORS headers, ask ``decide``, apply the result.

It holds no matching logic. Per request it reads a few ``META`` keys, picks the
compiled policy for the path (and view), calls ``decide`` and sets the headers the
decision lists. A preflight is answered here, before any view, authentication or
redirect can run. Under ASGI it stays on the event loop (no thread hop).

On the common site (``PolicySet.simple``: one global policy, no origin checker) a
request whose answer ``decide`` has already given is served from that policy's
remembered answers without calling ``decide`` again: a few dict lookups, then the
headers. Everything else takes the general path, which calls ``decide``.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from logging import DEBUG
from typing import Any, Final

from asgiref.sync import iscoroutinefunction, markcoroutinefunction
from django.core.exceptions import DisallowedHost
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.urls import Resolver404, resolve

from crossorigin import registry
from crossorigin.constants import (  # noqa: F401  (re-exported, as the incumbent did)
    ACCESS_CONTROL_ALLOW_CREDENTIALS,
    ACCESS_CONTROL_ALLOW_HEADERS,
    ACCESS_CONTROL_ALLOW_METHODS,
    ACCESS_CONTROL_ALLOW_ORIGIN,
    ACCESS_CONTROL_ALLOW_PRIVATE_NETWORK,
    ACCESS_CONTROL_EXPOSE_HEADERS,
    ACCESS_CONTROL_MAX_AGE,
    ACCESS_CONTROL_REQUEST_PRIVATE_NETWORK,
    META_ORIGIN,
    META_REFERER,
    META_REQUEST_HEADERS,
    META_REQUEST_METHOD,
    META_REQUEST_PRIVATE_NETWORK,
)
from crossorigin.decorators import view_overrides, views_are_decorated
from crossorigin.logs import log_decision
from crossorigin.policy import Decision, Policy, Reason, decide
from crossorigin.registry import PolicySet, ViewOverrides
from crossorigin.signals import check_request_enabled

logger: Final = logging.getLogger("crossorigin")
# Logger.isEnabledFor caches its answer per level until the logging config changes.
_logs: Final = logger.isEnabledFor

GetResponse = Callable[[HttpRequest], HttpResponseBase | Awaitable[HttpResponseBase]]

# Per-request state kept on the request object; set only on the paths that need it.
_VIEW: Final = "_crossorigin_view"
_SIGNAL: Final = "_crossorigin_signal"
_CHECKER: Final = "_crossorigin_checker"
_REPLACED: Final = "_crossorigin_replaced"


def vary_with_origin(vary: str) -> str:
    """A Vary value with ``origin`` added, or the same value if it already covers it."""
    fields = [field.strip().lower() for field in vary.split(",")]
    if "origin" in fields or "*" in fields:
        return vary
    return f"{vary}, origin"


def add_vary_origin(response: HttpResponseBase) -> None:
    """Add ``origin`` to the response's Vary header, keeping what is there."""
    apply_decision(_VARY_ONLY, response)


def apply_decision(decision: Decision, response: HttpResponseBase) -> None:
    """Set the headers a decision lists, through Django's public response API."""
    if decision.enabled:
        headers = response.headers
        vary = headers.get("Vary")
        if not vary:
            headers["Vary"] = "origin"
        else:
            merged = vary_with_origin(vary)
            if merged is not vary:
                headers["Vary"] = merged
        for name, value in decision.headers:
            headers[name] = value


# An enabled decision that sets no header besides Vary.
_VARY_ONLY: Final = Decision(Reason.NO_ORIGIN, "vary", True, False)


def preflight_response() -> HttpResponse:
    """The empty 200 a preflight gets."""
    return HttpResponse(headers={"Content-Length": "0"})


def answer_preflight(decision: Decision) -> HttpResponse:
    """The preflight response for an enabled decision (a new response: Vary is set, not merged)."""
    response = preflight_response()
    headers = response.headers
    headers["Vary"] = "origin"
    for name, value in decision.headers:
        headers[name] = value
    return response


def remembered_answer(policies: PolicySet, request: HttpRequest, origin: str | None) -> Decision | None:
    """What ``decide`` answers for this actual request under ``policies.simple``, if known without it.

    None sends the request to ``decide``: a decorated view has its own policy, and a
    check_request_enabled receiver (connected at any time) may still let a refused
    origin in, or enable a path outside CORS_URLS_REGEX.
    """
    policy: Policy = policies.simple  # type: ignore[assignment]
    gate = policies.urls_regex
    if gate is not None and gate.match(request.path_info) is None:
        if check_request_enabled.receivers or getattr(request, _VIEW, None) is not None:
            return None
        return policy.disabled
    if origin is None:  # (process_view records a view's policy only for requests with an Origin)
        return policy.no_origin
    if getattr(request, _VIEW, None) is not None:
        return None
    decision = policy._actual_memo.get(origin)
    if decision is None and origin in policy._refused_memo and not check_request_enabled.receivers:
        return policy.denied
    return decision


def remembered_preflight(policies: PolicySet, request: HttpRequest, origin: str) -> Decision | None:
    """What ``decide`` answered before for this preflight under ``policies.simple``, if anything."""
    meta = request.META
    method = meta.get(META_REQUEST_METHOD)
    if method is None or views_are_decorated():
        return None
    gate = policies.urls_regex
    if gate is not None and gate.match(request.path_info) is None:
        return None
    private_network = meta.get(META_REQUEST_PRIVATE_NETWORK) == "true"
    key = (origin, method, meta.get(META_REQUEST_HEADERS), private_network)
    return policies.simple._preflight_memo.get(key)  # type: ignore[union-attr]


def _signal_answer(request: HttpRequest) -> bool:
    """Send check_request_enabled once for this request; a failing receiver counts as no."""
    answer = getattr(request, _SIGNAL, None)
    if answer is None:
        answer = False
        try:
            results = check_request_enabled.send_robust(sender=None, request=request)
        except Exception:  # send_robust's own logging fails for receivers without __qualname__
            logger.exception("crossorigin: a check_request_enabled receiver raised; counted as no")
            results = []
        for receiver, result in results:
            if isinstance(result, Exception):
                logger.error("check_request_enabled receiver %r raised %r", receiver, result)
            elif result:
                answer = True
        setattr(request, _SIGNAL, answer)
    return bool(answer)


def _resolve_view(request: HttpRequest) -> ViewOverrides | None:
    """For a preflight, which never reaches a view: the overrides of the view its path maps to."""
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


class CorsMiddleware:
    """Adds the Access-Control-* headers and answers preflights. Place it high in MIDDLEWARE."""

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

    # -- the request/response cycle ------------------------------------------------

    def __call__(self, request: HttpRequest) -> Any:
        if self.async_mode:
            return self.__acall__(request)
        policies = registry.current()
        if policies.simple is None:
            return self._call_sync(request)
        # The common site: answers decide() already gave, else decide() itself.
        origin = request.META.get(META_ORIGIN)
        if origin is not None and request.method == "OPTIONS":
            decision = remembered_preflight(policies, request, origin)
            if decision is None:
                return self._call_sync(request)
            response: HttpResponseBase = answer_preflight(decision)
        else:
            response = self.get_response(request)  # type: ignore[assignment]
            if origin is None and policies.urls_regex is None:
                decision = policies.simple.no_origin
            else:
                decision = remembered_answer(policies, request, origin)
                if decision is None:
                    decision = self._decide_sync(policies, request, origin, False, getattr(request, _VIEW, None))
            apply_decision(decision, response)
        if _logs(DEBUG):
            log_decision(decision, origin, request.path_info)
        return response

    async def __acall__(self, request: HttpRequest) -> HttpResponseBase:
        policies = registry.current()
        if policies.simple is None:
            return await self._call_async(request)
        origin = request.META.get(META_ORIGIN)
        if origin is not None and request.method == "OPTIONS":
            decision = remembered_preflight(policies, request, origin)
            if decision is None:
                return await self._call_async(request)
            response: HttpResponseBase = answer_preflight(decision)
        else:
            response = await self.get_response(request)  # type: ignore[misc]
            if origin is None and policies.urls_regex is None:
                decision = policies.simple.no_origin
            else:
                decision = remembered_answer(policies, request, origin)
                if decision is None:
                    view = getattr(request, _VIEW, None)
                    decision = await self._decide_async(policies, request, origin, False, view)
            apply_decision(decision, response)
        if _logs(DEBUG):
            log_decision(decision, origin, request.path_info)
        return response

    def _call_sync(self, request: HttpRequest) -> HttpResponseBase:
        """The general path: any policy set, every request."""
        policies = registry.current()
        meta = request.META
        origin = meta.get(META_ORIGIN)
        if origin is not None and request.method == "OPTIONS" and META_REQUEST_METHOD in meta:
            decision = self._decide_sync(policies, request, origin, True, _preflight_view(request))
            if decision.enabled:
                log_decision(decision, origin, request.path_info)
                return answer_preflight(decision)
        response: HttpResponseBase = self.get_response(request)  # type: ignore[assignment]
        self._restore(request)
        decision = self._decide_sync(policies, request, origin, False, getattr(request, _VIEW, None))
        apply_decision(decision, response)
        log_decision(decision, origin, request.path_info)
        return response

    async def _call_async(self, request: HttpRequest) -> HttpResponseBase:
        """The general path under ASGI."""
        policies = registry.current()
        meta = request.META
        origin = meta.get(META_ORIGIN)
        if origin is not None and request.method == "OPTIONS" and META_REQUEST_METHOD in meta:
            decision = await self._decide_async(policies, request, origin, True, _preflight_view(request))
            if decision.enabled:
                log_decision(decision, origin, request.path_info)
                return answer_preflight(decision)
        response: HttpResponseBase = await self.get_response(request)  # type: ignore[misc]
        self._restore(request)
        decision = await self._decide_async(policies, request, origin, False, getattr(request, _VIEW, None))
        apply_decision(decision, response)
        log_decision(decision, origin, request.path_info)
        return response

    # -- deciding --------------------------------------------------------------------

    def _first_decision(
        self, policies: PolicySet, request: HttpRequest, origin: str | None, preflight: bool, view: ViewOverrides | None
    ) -> Decision:
        if view is not None and view.exempt:
            return policies.exempt
        policy, enabled = policies.select(request.path_info, view)
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
        return decide(
            policy,
            origin,
            preflight=preflight,
            request_method=request_method,
            request_headers=request_headers,
            private_network=meta.get(META_REQUEST_PRIVATE_NETWORK) == "true",
            url_enabled=enabled,
            checker=checker,
            signal=signal,
        )

    def _decide_sync(
        self, policies: PolicySet, request: HttpRequest, origin: str | None, preflight: bool, view: ViewOverrides | None
    ) -> Decision:
        decision = self._first_decision(policies, request, origin, preflight, view)
        while decision.pending:
            if decision.reason is Reason.PENDING_CHECKER and policies.checker is not None and origin:
                try:
                    answer = policies.checker.check(origin, request)
                except Exception:
                    logger.exception("crossorigin: CORS_ORIGIN_CHECKER raised; the origin is refused")
                    answer = False
                setattr(request, _CHECKER, answer)
            else:
                _signal_answer(request)
            decision = self._first_decision(policies, request, origin, preflight, view)
        return decision

    async def _decide_async(
        self, policies: PolicySet, request: HttpRequest, origin: str | None, preflight: bool, view: ViewOverrides | None
    ) -> Decision:
        decision = self._first_decision(policies, request, origin, preflight, view)
        while decision.pending:
            if decision.reason is Reason.PENDING_CHECKER and policies.checker is not None and origin:
                try:
                    answer = await policies.checker.acheck(origin, request)
                except Exception:
                    logger.exception("crossorigin: CORS_ORIGIN_CHECKER raised; the origin is refused")
                    answer = False
                setattr(request, _CHECKER, answer)
            else:
                # Receivers are sync code, as with django-cors-headers; sent once at most.
                _signal_answer(request)
            decision = self._first_decision(policies, request, origin, preflight, view)
        return decision

    # -- the view hook: per-view policies and CORS_REPLACE_HTTPS_REFERER --------------

    def _process_view_sync(self, request: HttpRequest, view_func: Any, *args: Any) -> None:
        origin = request.META.get(META_ORIGIN)
        if origin is None:
            return
        view = view_overrides(view_func) if views_are_decorated() else None
        if view is not None:
            setattr(request, _VIEW, view)
        policies = registry.current()
        if policies.settings.replace_https_referer and request.is_secure():
            decision = self._decide_sync(policies, request, origin, False, view)
            self._replace_for_csrf(request, origin, decision)
        return

    async def _process_view_async(self, request: HttpRequest, view_func: Any, *args: Any) -> None:
        origin = request.META.get(META_ORIGIN)
        if origin is None:
            return
        view = view_overrides(view_func) if views_are_decorated() else None
        if view is not None:
            setattr(request, _VIEW, view)
        policies = registry.current()
        if policies.settings.replace_https_referer and request.is_secure():
            decision = await self._decide_async(policies, request, origin, False, view)
            self._replace_for_csrf(request, origin, decision)
        return

    @staticmethod
    def _replace_for_csrf(request: HttpRequest, origin: str, decision: Decision) -> None:
        """Make Django's CSRF check see this site as the origin, for an allowed origin.

        Django 4+ checks the Origin header before the Referer, so both are replaced;
        CorsPostCsrfMiddleware (or this middleware, on the way out) puts them back.
        """
        if not decision.allowed or hasattr(request, _REPLACED):
            return
        try:
            host = request.get_host()
        except DisallowedHost:
            return
        meta = request.META
        replaced = {META_ORIGIN: origin}
        meta[META_ORIGIN] = f"https://{host}"
        if META_REFERER in meta:
            replaced[META_REFERER] = meta[META_REFERER]
            meta[META_REFERER] = f"https://{host}/"
        setattr(request, _REPLACED, replaced)

    @staticmethod
    def _restore(request: HttpRequest) -> None:
        restore_replaced_headers(request)


def _preflight_view(request: HttpRequest) -> ViewOverrides | None:
    # Resolving costs something, so it is done only for preflights and only once some
    # view has its own policy.
    return _resolve_view(request) if views_are_decorated() else None


def restore_replaced_headers(request: HttpRequest) -> None:
    """Put back the Origin and Referer that CORS_REPLACE_HTTPS_REFERER replaced."""
    replaced = getattr(request, _REPLACED, None)
    if replaced:
        request.META.update(replaced)
        delattr(request, _REPLACED)


class CorsPostCsrfMiddleware:
    """Restores the headers CORS_REPLACE_HTTPS_REFERER replaced; place it after CsrfViewMiddleware."""

    sync_capable = True
    async_capable = True

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response
        self.async_mode = iscoroutinefunction(get_response)
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
