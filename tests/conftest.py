"""Shared fixtures: one way to send a request through the sync or the async stack."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any, Protocol

import pytest
from asgiref.sync import async_to_sync
from django.http.response import HttpResponseBase
from django.test import AsyncClient, Client

from crossorigin import testing
from crossorigin._config import registry

if TYPE_CHECKING:
    from pytest_django.fixtures import Settings as SettingsWrapper
else:
    SettingsWrapper = Any  # the type of pytest-django's ``settings`` fixture


class Send(Protocol):
    """Send one request and return Django's test response."""

    kind: str

    def __call__(self, method: str, path: str, headers: dict[str, str] | None = None, **extra: Any) -> Any: ...

    def preflight(self, path: str, origin: str, method: str, headers: Iterable[str] | str = (), **extra: Any) -> Any:
        """``crossorigin.testing.preflight`` through this client."""
        ...


class _Sender:
    """Sends requests through Django's test Client (WSGI-like) or AsyncClient (ASGI)."""

    def __init__(self, kind: str, **client_kwargs: Any) -> None:
        self.kind = kind
        self.client: Client | AsyncClient = Client(**client_kwargs) if kind == "sync" else AsyncClient(**client_kwargs)

    def __call__(self, method: str, path: str, headers: dict[str, str] | None = None, **extra: Any) -> Any:
        call: Callable[..., Any] = getattr(self.client, method.lower(), None) or self.client.generic
        args: tuple[Any, ...] = (path,) if hasattr(self.client, method.lower()) else (method, path)
        if self.kind == "sync":
            return call(*args, headers=headers or {}, **extra)
        return run_async(call, *args, headers=headers or {}, **extra)

    def preflight(self, path: str, origin: str, method: str, headers: Iterable[str] | str = (), **extra: Any) -> Any:
        if self.kind == "sync":
            return testing.preflight(self.client, path, origin, method, headers, **extra)
        return run_async(testing.preflight, self.client, path, origin, method, headers, **extra)


def run_async(call: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Run an AsyncClient call to completion from a sync test (a fresh event loop)."""

    async def run() -> Any:
        # Awaited from a coroutine of our own: crossorigin.testing.preflight returns the
        # AsyncClient's awaitable without being a coroutine function itself.
        return await call(*args, **kwargs)

    return async_to_sync(run)()


@pytest.fixture(params=["sync", "async"])
def send(request: pytest.FixtureRequest) -> Send:
    """Every behaviour test runs through both the test Client and the AsyncClient."""
    return _Sender(request.param)  # type: ignore[return-value]


@pytest.fixture
def sync_send() -> Send:
    return _Sender("sync")  # type: ignore[return-value]


@pytest.fixture
def send_no_raise(send: Send) -> Send:
    """Like ``send``, but a view's exception becomes Django's 500 response."""
    return _Sender(send.kind, raise_request_exception=False)  # type: ignore[return-value]


@pytest.fixture(autouse=True)
def _registered_views(request: pytest.FixtureRequest) -> Iterator[None]:
    """Each test sees only the decorated views its URLconf routes to.

    The decorators register every view policy of the process, and the checks and the
    compiled policies check each one however it is routed: right for a project, but
    this suite's modules decorate deliberately broken views for their own tests. A
    test marked ``registered_views`` sees every registered view, as a project would.
    """
    if request.node.get_closest_marker("registered_views") is not None:
        yield
        return
    saved = dict(registry._decorated)
    registry._decorated.clear()
    try:
        yield
    finally:
        registry._decorated.clear()
        registry._decorated.update(saved)


@pytest.fixture(autouse=True)
def _fresh_policies() -> Iterator[None]:
    """Each test compiles the policies from its own settings (memos included)."""
    registry.reset()
    yield
    registry.reset()


def cors_headers(response: HttpResponseBase) -> dict[str, str]:
    """The Access-Control-* headers of a response, names lower-cased."""
    return {name.lower(): value for name, value in response.items() if name.lower().startswith("access-control-")}


def preflight_headers(
    origin: str | None = "https://example.com", method: str = "GET", request_headers: str | None = None
) -> dict[str, str]:
    """The headers a browser sends on a preflight."""
    headers = {"access-control-request-method": method}
    if origin is not None:
        headers["origin"] = origin
    if request_headers is not None:
        headers["access-control-request-headers"] = request_headers
    return headers
