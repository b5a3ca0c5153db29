"""``CORS_ORIGIN_CHECKER``: a user callable ``(origin, request) -> bool``, sync or async.

It is consulted only when the static settings do not allow an origin, at most once per
request, and never for a malformed Origin. Under ASGI an async checker is awaited on
the event loop (no thread hop) and a sync one runs in a thread; under WSGI an async
checker is run to completion with asgiref. Positive answers may be cached, bounded in
number and in age; negative answers never are, so a newly registered origin is let in
at once.

A cached answer is reused only for a request the checker would answer the same way, so
the cache is keyed by what the answer depends on (``cache_key``): by default the origin,
the request's host and the policy the request is under. A checker whose answer depends
on something else (a path, a header, a user) declares its own key: a ``cache_key``
attribute, ``cache_key(origin, request) -> Hashable | None``, where None means "do not
cache this answer".
"""

from __future__ import annotations

import inspect
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable, Mapping
from threading import Lock
from typing import Any, Final

from asgiref.sync import async_to_sync, iscoroutinefunction, sync_to_async

CheckerFunc = Callable[[str, Any], bool | Awaitable[bool]]
Clock = Callable[[], float]
CacheKey = Callable[[str, Any], Hashable | None]

# A Host header longer than a host name and port can be is not worth remembering: the
# key would only let a client fill the cache with big strings.
HOST_MAX_LENGTH: Final = 253 + len(":65535")


def request_host(request: Any) -> str | None:
    """The Host a request was sent to, lower-cased: from a Django request, an ASGI scope, or given as a str.

    None when there is none, or when it is too long to be a host.
    """
    if isinstance(request, str):
        host = request
    elif isinstance(meta := getattr(request, "META", None), Mapping):
        # Not request.get_host(): it raises on a host outside ALLOWED_HOSTS, and the
        # checker's cache must not decide that.
        host = meta.get("HTTP_HOST") or meta.get("SERVER_NAME") or ""
    elif isinstance(request, Mapping) and request.get("type") in {"http", "websocket"}:
        raw = next((value for name, value in request.get("headers", ()) if name == b"host"), b"")
        host = raw.decode("latin-1")
    else:
        return None
    if not host or len(host) > HOST_MAX_LENGTH:
        return None
    return host.lower()


def default_cache_key(origin: str, request: Any, policy: Hashable = None) -> Hashable | None:
    """(origin, host, policy): what a checker's answer may depend on unless it says otherwise."""
    host = request_host(request)
    return None if host is None else (origin, host, policy)


def is_async_callable(func: object) -> bool:
    """True for ``async def`` functions, partials of them and objects with ``async def __call__``."""
    if iscoroutinefunction(func):
        return True
    call = getattr(func, "__call__", None)  # noqa: B004  (the bound method, not callable())
    return call is not None and not inspect.isfunction(func) and iscoroutinefunction(call)


async def _await(awaitable: Awaitable[object]) -> object:
    return await awaitable


def signature_problem(func: Callable[..., object]) -> str | None:
    """Why ``func`` cannot be called as ``func(origin, request)``; None if it can."""
    if isinstance(func, type):
        # Calling a class makes an instance, which is truthy: every origin would pass.
        return "it is a class; point it at a function, or at an instance with a __call__ method"
    try:
        signature = inspect.signature(func)
    except (TypeError, ValueError):  # some builtins have no signature: trust them
        return None
    try:
        signature.bind("https://example.com", None)
    except TypeError as exc:
        return f"it cannot be called as checker(origin, request): {exc}"
    return None


class OriginChecker:
    """Calls the configured checker and remembers positive answers for a while."""

    def __init__(
        self,
        func: CheckerFunc,
        cache_size: int = 0,
        cache_ttl: float = 60.0,
        path: str = "",
        clock: Clock = time.monotonic,
    ) -> None:
        self.func = func
        self.path = path or getattr(func, "__qualname__", repr(func))
        self.is_async = is_async_callable(func)
        self.cache_size = cache_size
        self.cache_ttl = cache_ttl
        self._clock = clock
        declared = getattr(func, "cache_key", None)
        self._declared_key: CacheKey | None = declared if callable(declared) else None
        # cache key -> (origin, expiry time), least recently used first.
        self._cache: OrderedDict[Hashable, tuple[str, float]] = OrderedDict()
        self._lock = Lock()

    def __repr__(self) -> str:
        return f"<OriginChecker {self.path} {'async' if self.is_async else 'sync'} cache={self.cache_size}>"

    def cache_key(self, origin: str, request: Any, policy: Hashable = None) -> Hashable | None:
        """Under which key an answer for ``origin`` and ``request`` (a request, an ASGI scope or a host) is cached.

        The checker's own ``cache_key(origin, request)`` if it declares one, else
        (origin, host, policy); None: not cached.
        """
        if not self.cache_size:
            return None
        if self._declared_key is not None:
            return self._declared_key(origin, request)
        return default_cache_key(origin, request, policy)

    def _cached(self, key: Hashable | None) -> bool:
        if key is None:
            return False
        with self._lock:
            found = self._cache.get(key)
            if found is None:
                return False
            if found[1] <= self._clock():
                del self._cache[key]
                return False
            self._cache.move_to_end(key)
            return True

    def _remember(self, key: Hashable | None, origin: str, result: object) -> bool:
        # Truthy answers count, like a signal receiver's; an unawaited coroutine never
        # reaches here (it would be truthy and let every origin in).
        allowed = bool(result)
        if allowed and key is not None:
            with self._lock:
                self._cache[key] = (origin, self._clock() + self.cache_ttl)
                self._cache.move_to_end(key)
                while len(self._cache) > self.cache_size:
                    self._cache.popitem(last=False)
        return allowed

    def cached_origins(self) -> list[str]:
        """The origins whose positive answer is cached now (once per key), least recently used first."""
        with self._lock:
            now = self._clock()
            return [origin for origin, expires in self._cache.values() if expires > now]

    def clear(self) -> None:
        """Forget every cached answer."""
        with self._lock:
            self._cache.clear()

    def check(self, origin: str, request: Any, policy: Hashable = None) -> bool:
        """Ask synchronously (the WSGI path); an async checker is run to completion.

        ``policy`` is the policy the request is under (part of the default cache key).
        """
        key = self.cache_key(origin, request, policy)
        if self._cached(key):
            return True
        if self.is_async:
            result: object = async_to_sync(self.func)(origin, request)  # type: ignore[arg-type]
        else:
            result = self.func(origin, request)
            if inspect.isawaitable(result):
                # A sync-looking callable that returns an awaitable (e.g. a lambda
                # around a coroutine function): finish it rather than read it as True.
                result = async_to_sync(_await)(result)
        return self._remember(key, origin, result)

    async def acheck(self, origin: str, request: Any, policy: Hashable = None) -> bool:
        """Ask from the event loop: an async checker is awaited, a sync one runs in a thread."""
        key = self.cache_key(origin, request, policy)
        if self._cached(key):
            return True
        if self.is_async:
            result: object = await self.func(origin, request)  # type: ignore[misc]
        else:
            result = await sync_to_async(self.func)(origin, request)
            if inspect.isawaitable(result):
                result = await result
        return self._remember(key, origin, result)
