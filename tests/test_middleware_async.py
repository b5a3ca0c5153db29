"""The middleware under ASGI: async-native (no thread hop), and a real ASGI stack.

The behaviour tests in ``test_middleware.py`` already run through the AsyncClient; this
module proves what is particular to ASGI: Django does not adapt our middleware or its
``process_view`` with ``sync_to_async`` (a thread hop), receivers and views run on the
event loop's thread, and a raw ASGI application with ``SecurityMiddleware`` above ours
works (an incumbent regression).
"""

from __future__ import annotations

import asyncio
import logging
import threading
from typing import Any

import pytest
from asgiref.sync import iscoroutinefunction
from django.core.handlers.asgi import ASGIHandler
from django.http import HttpRequest, HttpResponse
from django.test import AsyncClient, AsyncRequestFactory

from crossorigin._core.constants import ACCESS_CONTROL_ALLOW_ORIGIN
from crossorigin.middleware import CorsMiddleware, CorsPostCsrfMiddleware
from crossorigin.signals import check_request_enabled
from tests.conftest import SettingsWrapper, cors_headers, preflight_headers

ALLOWED = "https://example.com"
OTHER = "https://other.example"


@pytest.mark.parametrize("middleware", [CorsMiddleware, CorsPostCsrfMiddleware])
def test_declares_both_modes(middleware: type) -> None:
    assert middleware.sync_capable is True
    assert middleware.async_capable is True


async def _async_view(request: HttpRequest) -> HttpResponse:
    return HttpResponse("async")


def _sync_view(request: HttpRequest) -> HttpResponse:
    return HttpResponse("sync")


@pytest.mark.parametrize("middleware", [CorsMiddleware, CorsPostCsrfMiddleware])
def test_async_mode_hooks_are_coroutine_functions(middleware: type) -> None:
    # Django wraps a hook that is not a coroutine function in sync_to_async: a thread hop.
    instance = middleware(_async_view)
    assert iscoroutinefunction(instance)
    sync_instance = middleware(_sync_view)
    assert not iscoroutinefunction(sync_instance)
    if middleware is CorsMiddleware:
        # No view hook at all: the view is read from request.resolver_match afterwards.
        assert not hasattr(instance, "process_view")
        assert not hasattr(sync_instance, "process_view")
    else:
        assert iscoroutinefunction(instance.process_view)
        assert not iscoroutinefunction(sync_instance.process_view)


@pytest.fixture
def async_stack(settings: SettingsWrapper) -> None:
    # Only async-capable middleware, so any adaptation Django logs is ours.
    settings.DEBUG = True
    settings.MIDDLEWARE = [
        "django.middleware.security.SecurityMiddleware",
        "crossorigin.middleware.CorsMiddleware",
        "django.middleware.common.CommonMiddleware",
        "django.middleware.csrf.CsrfViewMiddleware",
        "crossorigin.middleware.CorsPostCsrfMiddleware",
    ]


@pytest.mark.usefixtures("async_stack")
async def test_django_adapts_nothing_of_ours(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG, logger="django.request"):
        response = await AsyncClient().get("/api/async/", headers={"origin": ALLOWED})
    assert response[ACCESS_CONTROL_ALLOW_ORIGIN] == ALLOWED
    # Every middleware in this stack is async-capable, so Django must adapt nothing.
    assert [r.getMessage() for r in caplog.records if "adapted" in r.getMessage()] == []


@pytest.mark.usefixtures("async_stack")
async def test_signal_and_view_run_on_the_event_loop_thread(settings: SettingsWrapper) -> None:
    # With CORS_REPLACE_HTTPS_REFERER on and an origin the settings do not list, the
    # signal is sent before the view; outside CORS_URLS_REGEX too, to set _cors_enabled.
    # Either way a thread hop would show as another thread id.
    settings.CORS_REPLACE_HTTPS_REFERER = True
    loop_thread = threading.get_ident()
    loop = asyncio.get_running_loop()
    seen: list[tuple[int, asyncio.AbstractEventLoop | None]] = []

    def on_loop() -> tuple[int, asyncio.AbstractEventLoop | None]:
        try:
            return threading.get_ident(), asyncio.get_running_loop()
        except RuntimeError:
            return threading.get_ident(), None

    def recorder(sender: object, request: Any, **kwargs: Any) -> bool:
        seen.append(on_loop())
        return True

    check_request_enabled.connect(recorder, weak=False)
    try:
        client = AsyncClient()
        response = await client.post("/api/echo/", headers={"origin": OTHER}, secure=True)
        settings.CORS_URLS_REGEX = r"^/nothing/"
        response2 = await client.get("/api/async/", headers={"origin": OTHER})
    finally:
        check_request_enabled.disconnect(recorder)
    assert response[ACCESS_CONTROL_ALLOW_ORIGIN] == OTHER
    assert response2[ACCESS_CONTROL_ALLOW_ORIGIN] == OTHER
    assert seen == [(loop_thread, loop), (loop_thread, loop)]


@pytest.mark.usefixtures("async_stack")
async def test_async_view_runs_on_the_middlewares_loop() -> None:
    from tests import views

    seen: list[int] = []
    original = views.async_plain

    async def recording(request: HttpRequest) -> HttpResponse:
        seen.append(threading.get_ident())
        return await original(request)

    mw = CorsMiddleware(recording)
    request = AsyncRequestFactory().get("/api/async/", headers={"origin": ALLOWED})
    response = await mw(request)
    assert seen == [threading.get_ident()]
    assert response[ACCESS_CONTROL_ALLOW_ORIGIN] == ALLOWED


async def test_middleware_called_directly_in_async_mode() -> None:
    mw = CorsMiddleware(_async_view)
    factory = AsyncRequestFactory()
    response = await mw(factory.options("/api/items/", headers=preflight_headers(ALLOWED)))
    assert response.status_code == 200
    assert response[ACCESS_CONTROL_ALLOW_ORIGIN] == ALLOWED
    response = await mw(factory.get("/api/items/", headers={"origin": OTHER}))
    assert response.content == b"async"
    assert cors_headers(response) == {}


# -- a real ASGI application with SecurityMiddleware above us ------------------------------


async def asgi_request(
    method: str, path: str, headers: dict[str, str], scheme: str = "http"
) -> tuple[int, dict[str, str], bytes]:
    """Call Django's ASGI application the way an ASGI server does."""
    app = ASGIHandler()
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": scheme,
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"testserver"), *((k.encode(), v.encode()) for k, v in headers.items())],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
    }
    sent: list[dict[str, Any]] = []
    requested = False

    async def receive() -> dict[str, Any]:
        nonlocal requested
        if not requested:
            requested = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await asyncio.sleep(3600)
        return {"type": "http.disconnect"}  # pragma: no cover

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await app(scope, receive, send)
    start = next(m for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    response_headers = {k.decode().lower(): v.decode() for k, v in start["headers"]}
    return start["status"], response_headers, body


@pytest.mark.usefixtures("async_stack")
async def test_asgi_with_security_middleware_above() -> None:
    status, headers, body = await asgi_request("GET", "/api/async/", {"origin": ALLOWED})
    assert (status, body) == (200, b"async")
    assert headers[ACCESS_CONTROL_ALLOW_ORIGIN] == ALLOWED
    assert headers["vary"] == "origin"
    assert "x-content-type-options" in headers  # SecurityMiddleware ran too

    status, headers, body = await asgi_request("OPTIONS", "/api/private/", preflight_headers(ALLOWED, "PUT"))
    assert (status, body) == (200, b"")
    assert headers["content-length"] == "0"
    assert headers[ACCESS_CONTROL_ALLOW_ORIGIN] == ALLOWED

    status, headers, _ = await asgi_request("GET", "/api/items/", {"origin": "https://example.com]"})
    assert status == 200
    assert ACCESS_CONTROL_ALLOW_ORIGIN not in headers


@pytest.mark.usefixtures("async_stack")
async def test_asgi_sync_view_behind_us(settings: SettingsWrapper) -> None:
    settings.CORS_ALLOW_CREDENTIALS = True
    status, headers, body = await asgi_request("GET", "/api/items/", {"origin": ALLOWED})
    assert (status, body) == (200, b"plain")
    assert headers["access-control-allow-credentials"] == "true"
