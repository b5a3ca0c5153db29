"""``CORS_ORIGIN_CHECKER``: a user callable ``(origin, request) -> bool``, sync or async.

It is consulted only when the static settings do not allow an origin, at most once per
request. Under ASGI an async checker is awaited on the event loop; under WSGI it is run
to completion with asgiref. Positive answers may be cached (bounded in size and age).
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from threading import Lock
from typing import Any

from asgiref.sync import async_to_sync, iscoroutinefunction, sync_to_async

CheckerFunc = Callable[[str, Any], bool | Awaitable[bool]]


class OriginChecker:
    """Calls the configured checker and remembers positive answers for a while."""

    def __init__(self, func: CheckerFunc, cache_size: int = 0, cache_ttl: float = 60.0, path: str = "") -> None:
        self.func = func
        self.path = path or getattr(func, "__qualname__", repr(func))
        self.is_async = iscoroutinefunction(func)
        self.cache_size = cache_size
        self.cache_ttl = cache_ttl
        self._cache: OrderedDict[str, float] = OrderedDict()
        self._lock = Lock()

    def _cached(self, origin: str) -> bool:
        if not self.cache_size:
            return False
        with self._lock:
            expires = self._cache.get(origin)
            if expires is None:
                return False
            if expires < time.monotonic():
                del self._cache[origin]
                return False
            self._cache.move_to_end(origin)
            return True

    def _remember(self, origin: str, allowed: bool) -> bool:
        if allowed and self.cache_size:
            with self._lock:
                self._cache[origin] = time.monotonic() + self.cache_ttl
                self._cache.move_to_end(origin)
                while len(self._cache) > self.cache_size:
                    self._cache.popitem(last=False)
        return allowed

    def clear(self) -> None:
        """Forget every cached answer."""
        with self._lock:
            self._cache.clear()

    def check(self, origin: str, request: Any) -> bool:
        """Ask synchronously (the WSGI path); an async checker is run to completion."""
        if self._cached(origin):
            return True
        result: object = async_to_sync(self.func)(origin, request) if self.is_async else self.func(origin, request)  # type: ignore[arg-type]
        return self._remember(origin, bool(result))

    async def acheck(self, origin: str, request: Any) -> bool:
        """Ask from the event loop: an async checker is awaited, a sync one runs in a thread."""
        if self._cached(origin):
            return True
        if self.is_async:
            result = await self.func(origin, request)  # type: ignore[misc]
        else:
            result = await sync_to_async(self.func)(origin, request)
        return self._remember(origin, bool(result))
