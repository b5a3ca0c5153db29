"""``CORS_ORIGIN_CHECKER``: a user callable ``(origin, request) -> bool``, sync or async.

It is consulted only when the static settings do not allow an origin, at most once per
request, and never for a malformed Origin. Under ASGI an async checker is awaited on
the event loop (no thread hop) and a sync one runs in a thread; under WSGI an async
checker is run to completion with asgiref. Positive answers may be cached, bounded in
number and in age; negative answers never are, so a newly registered origin is let in
at once.
"""

from __future__ import annotations

import inspect
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from threading import Lock
from typing import Any

from asgiref.sync import async_to_sync, iscoroutinefunction, sync_to_async

CheckerFunc = Callable[[str, Any], bool | Awaitable[bool]]
Clock = Callable[[], float]


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
        # origin -> expiry time, least recently used first.
        self._cache: OrderedDict[str, float] = OrderedDict()
        self._lock = Lock()

    def __repr__(self) -> str:
        return f"<OriginChecker {self.path} {'async' if self.is_async else 'sync'} cache={self.cache_size}>"

    def _cached(self, origin: str) -> bool:
        if not self.cache_size:
            return False
        with self._lock:
            expires = self._cache.get(origin)
            if expires is None:
                return False
            if expires <= self._clock():
                del self._cache[origin]
                return False
            self._cache.move_to_end(origin)
            return True

    def _remember(self, origin: str, result: object) -> bool:
        # Truthy answers count, like a signal receiver's; an unawaited coroutine never
        # reaches here (it would be truthy and let every origin in).
        allowed = bool(result)
        if allowed and self.cache_size:
            with self._lock:
                self._cache[origin] = self._clock() + self.cache_ttl
                self._cache.move_to_end(origin)
                while len(self._cache) > self.cache_size:
                    self._cache.popitem(last=False)
        return allowed

    def cached_origins(self) -> list[str]:
        """The origins whose positive answer is cached now, least recently used first."""
        with self._lock:
            now = self._clock()
            return [origin for origin, expires in self._cache.items() if expires > now]

    def clear(self) -> None:
        """Forget every cached answer."""
        with self._lock:
            self._cache.clear()

    def check(self, origin: str, request: Any) -> bool:
        """Ask synchronously (the WSGI path); an async checker is run to completion."""
        if self._cached(origin):
            return True
        if self.is_async:
            result: object = async_to_sync(self.func)(origin, request)  # type: ignore[arg-type]
        else:
            result = self.func(origin, request)
            if inspect.isawaitable(result):
                # A sync-looking callable that returns an awaitable (e.g. a lambda
                # around a coroutine function): finish it rather than read it as True.
                result = async_to_sync(_await)(result)
        return self._remember(origin, result)

    async def acheck(self, origin: str, request: Any) -> bool:
        """Ask from the event loop: an async checker is awaited, a sync one runs in a thread."""
        if self._cached(origin):
            return True
        if self.is_async:
            result: object = await self.func(origin, request)  # type: ignore[misc]
        else:
            result = await sync_to_async(self.func)(origin, request)
            if inspect.isawaitable(result):
                result = await result
        return self._remember(origin, result)
