"""A middleware that records every request the site receives and what it answered.

Placed above ``CorsMiddleware`` it sees what a browser really sent, preflights
included, and the response as it leaves the site. Tests assert on it because CORS
does not stop simple requests: a blocked GET still reaches the server.

Records live in this process (``RECEIVED``). A server in another process (uvicorn)
serves them at ``/__received__``: GET returns them as JSON, DELETE clears them.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import asdict, dataclass, field
from typing import Any, Final

from asgiref.sync import iscoroutinefunction, markcoroutinefunction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase

RECEIVED_PATH: Final = "/__received__"


@dataclass(frozen=True)
class Received:
    """One request as the site received it, and the response it sent."""

    method: str
    path: str
    headers: dict[str, str]  # request headers, names lower-case
    status: int
    response_headers: dict[str, str] = field(default_factory=dict)  # names lower-case
    mode: str = "sync"  # "async" when the middleware stack ran on the event loop

    @property
    def origin(self) -> str | None:
        """The request's Origin header."""
        return self.headers.get("origin")

    @property
    def preflight(self) -> bool:
        """True for a CORS preflight request."""
        return self.method == "OPTIONS" and "access-control-request-method" in self.headers

    @property
    def cors_headers(self) -> dict[str, str]:
        """The response's Access-Control-* headers."""
        return {k: v for k, v in self.response_headers.items() if k.startswith("access-control-")}


class Recorder:
    """A thread-safe list of ``Received`` (server threads append, the test reads)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._items: list[Received] = []

    def append(self, item: Received) -> None:
        with self._lock:
            self._items.append(item)

    def all(self) -> list[Received]:
        with self._lock:
            return list(self._items)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


RECEIVED: Final = Recorder()


def request_headers(meta: dict[str, Any]) -> dict[str, str]:
    """The request's headers from WSGI/ASGI ``META``, with lower-case names."""
    headers = {key[5:].replace("_", "-").lower(): str(value) for key, value in meta.items() if key.startswith("HTTP_")}
    if meta.get("CONTENT_TYPE"):
        headers["content-type"] = str(meta["CONTENT_TYPE"])
    return headers


def record(request: HttpRequest, response: HttpResponseBase, mode: str) -> None:
    RECEIVED.append(
        Received(
            method=request.method or "",
            path=request.path,
            headers=request_headers(request.META),
            status=response.status_code,
            response_headers={name.lower(): value for name, value in response.items()},
            mode=mode,
        )
    )


def records_response(request: HttpRequest) -> HttpResponse:
    """The records endpoint: GET lists them, DELETE clears them."""
    if request.method == "DELETE":
        RECEIVED.clear()
        return HttpResponse(status=204)
    return JsonResponse([asdict(item) for item in RECEIVED.all()], safe=False)


def from_json(items: Iterable[dict[str, Any]]) -> list[Received]:
    """Records as served by ``/__received__``."""
    return [Received(**item) for item in items]


def dumps(items: Iterable[Received]) -> str:
    """Records as JSON (used in assertion messages)."""
    return json.dumps([asdict(item) for item in items], indent=1)


class RecordingMiddleware:
    """Records each request and its final response; sync and async, no thread hop."""

    sync_capable = True
    async_capable = True

    def __init__(self, get_response: Callable[[HttpRequest], Any]) -> None:
        self.get_response = get_response
        self.async_mode = iscoroutinefunction(get_response)
        if self.async_mode:
            markcoroutinefunction(self)

    def __call__(self, request: HttpRequest) -> Any:
        if self.async_mode:
            return self.__acall__(request)
        if request.path == RECEIVED_PATH:
            return records_response(request)
        response: HttpResponseBase = self.get_response(request)
        record(request, response, "sync")
        return response

    async def __acall__(self, request: HttpRequest) -> HttpResponseBase:
        if request.path == RECEIVED_PATH:
            return records_response(request)
        get_response: Callable[[HttpRequest], Awaitable[HttpResponseBase]] = self.get_response
        response = await get_response(request)
        record(request, response, "async")
        return response
