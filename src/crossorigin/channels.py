"""``CorsOriginValidator``: Channels' ``OriginValidator`` with the site's CORS policy as its list.

Use it where Channels' ``OriginValidator`` or ``AllowedHostsOriginValidator`` goes::

    application = ProtocolTypeRouter({
        "http": get_asgi_application(),
        "websocket": CorsOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns))),
    })

It is plain ASGI: nothing of Channels is imported to run it (install
``django-crossorigin[channels]`` for Channels itself). Only ``authenticates_by_cookie``
looks Channels' cookie, session and auth middleware up, and only when Channels is
installed. The rules are ``crossorigin.websocket``'s.
"""

from __future__ import annotations

import importlib
from collections.abc import Awaitable, Callable, Iterator, MutableMapping
from typing import Any, Final

from crossorigin._http.logs import log_handshake
from crossorigin._http.websocket import acheck_handshake, handshake_from_scope

# The public names (docs/api.md); everything else here is internal.
__all__ = ["CorsOriginValidator"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

# Channels' middleware that put the cookie-authenticated user or session in the scope.
COOKIE_MIDDLEWARE: Final = (
    ("channels.sessions", "CookieMiddleware"),
    ("channels.sessions", "SessionMiddleware"),
    ("channels.auth", "AuthMiddleware"),
)


def _cookie_middleware_classes() -> tuple[type, ...]:
    classes: list[type] = []
    for module_name, name in COOKIE_MIDDLEWARE:
        try:
            module = importlib.import_module(module_name)
        except ImportError:  # Channels not installed: none of its middleware can be in the chain
            return ()
        classes.append(getattr(module, name))
    return tuple(classes)


def inner_apps(app: object) -> Iterator[object]:
    """The ASGI apps ``app`` hands a connection to: middleware's inner app, routers' routes."""
    for attribute in ("inner", "application", "app"):
        inner = getattr(app, attribute, None)
        if inner is not None and inner is not app:
            yield inner
    mapping = getattr(app, "application_mapping", None)  # ProtocolTypeRouter
    if isinstance(mapping, dict):
        yield from mapping.values()
    for route in getattr(app, "routes", None) or ():  # URLRouter: path() and re_path() entries
        callback = getattr(route, "callback", None)
        if callback is not None:
            yield callback


def walk(app: object) -> Iterator[tuple[object, tuple[object, ...]]]:
    """Every app reachable from ``app``, with the apps above it (outermost first)."""
    seen: set[int] = set()
    stack: list[tuple[object, tuple[object, ...]]] = [(app, ())]
    while stack:
        current, above = stack.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current, above
        stack.extend((inner, (*above, current)) for inner in inner_apps(current))


def is_cookie_middleware(app: object) -> bool:
    """True when ``app`` is Channels' cookie, session or auth middleware."""
    classes = _cookie_middleware_classes()
    return bool(classes) and isinstance(app, classes)


def authenticates_by_cookie(app: object) -> bool:
    """True when Channels' cookie, session or auth middleware is in ``app``'s chain."""
    return any(is_cookie_middleware(found) for found, _ in walk(app))


class CorsOriginValidator:
    """Refuse WebSocket handshakes whose Origin the site's CORS policy does not allow.

    ``credentials``: whether the socket authenticates by cookie; by default, whether
    Channels' ``CookieMiddleware``, ``SessionMiddleware`` or ``AuthMiddleware`` sits
    inside it (pass True when a consumer reads the cookies itself). Such a socket opens
    only for origins whose policy allows credentials. ``allow_missing_origin``: whether
    a handshake without Origin (not a browser) is accepted.
    """

    def __init__(
        self, application: ASGIApp, *, credentials: bool | None = None, allow_missing_origin: bool = True
    ) -> None:
        self.application = application
        self.credentials = authenticates_by_cookie(application) if credentials is None else credentials
        self.allow_missing_origin = allow_missing_origin

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope.get("type") != "websocket":
            await self.application(scope, receive, send)
            return
        handshake = handshake_from_scope(scope, self.credentials)
        verdict = await acheck_handshake(handshake, scope, allow_missing_origin=self.allow_missing_origin)
        log_handshake(verdict.accepted, verdict.reason.value, verdict.policy, handshake.origin, handshake.path)
        if verdict.accepted:
            await self.application(scope, receive, send)
            return
        await _deny(receive, send)


async def _deny(receive: Receive, send: Send) -> None:
    """Refuse as Channels' ``WebsocketDenier`` does: close before accept (HTTP 403)."""
    message = await receive()
    if message.get("type") == "websocket.connect":
        await send({"type": "websocket.close", "code": 1008})
