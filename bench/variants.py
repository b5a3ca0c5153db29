"""The middlewares compared, and how each is wrapped around a trivial view.

The chain is built as ``django.core.handlers.base.BaseHandler.load_middleware`` builds
it: the innermost handler is wrapped in ``convert_exception_to_response``, each
middleware is instantiated around it and wrapped again, and every middleware's
``process_view`` hook is called before the view. URL resolving is left out: it costs
the same with every variant and would only add noise; its result is left on the
request (``request.resolver_match``), as Django leaves it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from asgiref.sync import iscoroutinefunction, markcoroutinefunction
from django.core.handlers.exception import convert_exception_to_response
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.urls import ResolverMatch

Handler = Callable[[HttpRequest], Any]
Headers = Sequence[tuple[str, str]]

# The names shown in tables and JSON, in the order rounds run them.
NONE = "none"
PASS_THROUGH = "pass-through"
FLOOR = "floor"
INCUMBENT = "django-cors-headers"
OURS = "crossorigin"
VARIANTS = (NONE, PASS_THROUGH, FLOOR, INCUMBENT, OURS)


def view(request: HttpRequest) -> HttpResponse:
    """The trivial view every variant serves."""
    return HttpResponse(b"ok")


async def async_view(request: HttpRequest) -> HttpResponse:
    """The same view for an async stack."""
    return HttpResponse(b"ok")


class PassThrough:
    """Calls the next handler and returns its response untouched."""

    sync_capable = True
    async_capable = True

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response
        self.async_mode = iscoroutinefunction(get_response)
        if self.async_mode:
            markcoroutinefunction(self)

    def __call__(self, request: HttpRequest) -> Any:
        if self.async_mode:
            return self.__acall__(request)
        return self.get_response(request)

    async def __acall__(self, request: HttpRequest) -> HttpResponseBase:
        return await self.get_response(request)  # type: ignore[no-any-return]


class Floor(PassThrough):
    """Sets, unconditionally, the headers the scenario expects: the cost of touching a response.

    It decides nothing. For a preflight it answers as a CORS middleware does, with an
    empty response that never reaches the view. Headers go through the public
    ``response.headers[name] = value`` API, as django-crossorigin's do.
    """

    def __init__(self, get_response: Handler, headers: Headers = (), preflight: bool = False) -> None:
        super().__init__(get_response)
        self.headers = tuple(headers)
        self.preflight = preflight

    def __call__(self, request: HttpRequest) -> Any:
        if self.async_mode:
            return self.__acall__(request)
        if self.preflight:
            response: HttpResponseBase = HttpResponse(headers={"Content-Length": "0"})
        else:
            response = self.get_response(request)
        headers = response.headers
        for name, value in self.headers:
            headers[name] = value
        return response

    async def __acall__(self, request: HttpRequest) -> HttpResponseBase:
        if self.preflight:
            response: HttpResponseBase = HttpResponse(headers={"Content-Length": "0"})
        else:
            response = await self.get_response(request)
        headers = response.headers
        for name, value in self.headers:
            headers[name] = value
        return response


def build_chain(
    factory: Callable[[Handler], Any] | None, is_async: bool, the_view: Callable[[HttpRequest], Any] | None = None
) -> Handler:
    """The handler Django would build for ``MIDDLEWARE = [factory]`` around the trivial view."""
    view_hooks: list[Callable[..., Any]] = []
    served: Callable[[HttpRequest], Any] = the_view or (async_view if is_async else view)
    # What Django's URL resolving leaves on the request before the view hooks run (the
    # resolving itself costs every variant the same and is left out).
    resolved = ResolverMatch(served, (), {})

    if is_async:

        async def get_response_async(request: HttpRequest) -> Any:
            request.resolver_match = resolved
            for hook in view_hooks:
                answer = await hook(request, served, (), {})
                if answer is not None:
                    return answer
            return await served(request)

        inner: Handler = get_response_async
    else:

        def get_response(request: HttpRequest) -> Any:
            request.resolver_match = resolved
            for hook in view_hooks:
                answer = hook(request, served, (), {})
                if answer is not None:
                    return answer
            return served(request)

        inner = get_response
    handler = convert_exception_to_response(inner)
    if factory is None:
        return handler
    instance = factory(handler)
    hook = getattr(instance, "process_view", None)
    if hook is not None:
        if is_async and not iscoroutinefunction(hook):
            raise TypeError(f"{instance!r} has a sync process_view on an async stack (a thread hop)")
        view_hooks.append(hook)
    return convert_exception_to_response(instance)


def factories(floor_headers: Headers, preflight: bool) -> dict[str, Callable[[Handler], Any] | None]:
    """Each variant's middleware class (None: no middleware), the floor set for the scenario."""
    from corsheaders.middleware import CorsMiddleware as IncumbentMiddleware

    from crossorigin.middleware import CorsMiddleware

    def floor(get_response: Handler) -> Floor:
        return Floor(get_response, floor_headers, preflight)

    return {
        NONE: None,
        PASS_THROUGH: PassThrough,
        FLOOR: floor,
        INCUMBENT: IncumbentMiddleware,
        OURS: CorsMiddleware,
    }


AsyncHandler = Callable[[HttpRequest], Awaitable[HttpResponseBase]]


class FloorReadingVary(Floor):
    """The floor plus the one read a correct middleware cannot skip: the view's Vary.

    Only for ``bench.instructions``: it shows how much of the gap between the floor and
    a correct middleware is Django's cost of ``response.headers.get("Vary")``.
    """

    def __call__(self, request: HttpRequest) -> Any:
        if self.async_mode:
            return self.__acall__(request)
        response = self.get_response(request)
        headers = response.headers
        headers.get("Vary")
        for name, value in self.headers:
            headers[name] = value
        return response

    async def __acall__(self, request: HttpRequest) -> HttpResponseBase:
        response: HttpResponseBase = await self.get_response(request)
        headers = response.headers
        headers.get("Vary")
        for name, value in self.headers:
            headers[name] = value
        return response


class FloorReadingVaryWithHook(FloorReadingVary):
    """The above plus a ``process_view`` hook that returns at once: what a view hook costs."""

    def __init__(self, get_response: Handler, headers: Headers = (), preflight: bool = False) -> None:
        super().__init__(get_response, headers, preflight)
        # Bound in the mode the instance runs in, as Django adapts a sync hook on an
        # async stack with a thread hop.
        self.process_view = self._process_view_async if self.async_mode else self._process_view_sync

    def _process_view_sync(self, request: HttpRequest, view_func: Any, view_args: Any, view_kwargs: Any) -> None:
        if request.META.get("HTTP_ORIGIN") is None:
            return
        return

    async def _process_view_async(self, request: HttpRequest, view_func: Any, view_args: Any, view_kwargs: Any) -> None:
        self._process_view_sync(request, view_func, view_args, view_kwargs)
