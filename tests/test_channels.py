"""CorsOriginValidator in a Channels application (the docs' example), driven over ASGI.

Channels' ``WebsocketCommunicator`` would need Daphne (``channels.testing`` imports it),
so ``Socket`` speaks the ASGI WebSocket messages itself through asgiref's
``ApplicationCommunicator``, as a server would.
"""

from __future__ import annotations

import logging
import subprocess
import sys
from typing import Any

import pytest
from asgiref.testing import ApplicationCommunicator
from channels.auth import AuthMiddlewareStack
from channels.routing import URLRouter
from channels.sessions import SessionMiddlewareStack

from crossorigin.channels import CorsOriginValidator, authenticates_by_cookie
from tests.conftest import SettingsWrapper
from tests.ws_routing import EchoConsumer, application, cookieless, websocket_urlpatterns

FRONT = "https://front.example"

# Channels' AuthMiddleware closes stale database connections around its (cookie-only)
# session read, which pytest-django counts as database access.
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _site(settings: SettingsWrapper) -> None:
    settings.ALLOWED_HOSTS = ["app.example"]
    settings.DEBUG = False
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.signed_cookies"
    settings.CORS_ALLOWED_ORIGINS = [FRONT]
    settings.CORS_ALLOW_CREDENTIALS = True


class Socket:
    """One WebSocket connection to an ASGI application, as a server drives it."""

    def __init__(self, app: Any, scope: dict[str, Any]) -> None:
        self.asgi = ApplicationCommunicator(app, scope)

    async def connect(self) -> tuple[bool, int | None]:
        """(accepted, the close code when refused)."""
        await self.asgi.send_input({"type": "websocket.connect"})
        answer = await self.asgi.receive_output(timeout=5)
        if answer["type"] == "websocket.accept":
            return True, None
        assert answer["type"] == "websocket.close", answer
        await self.asgi.wait(timeout=5)
        return False, answer.get("code")

    async def send_to(self, text_data: str) -> None:
        await self.asgi.send_input({"type": "websocket.receive", "text": text_data})

    async def receive_from(self) -> str:
        answer = await self.asgi.receive_output(timeout=5)
        assert answer["type"] == "websocket.send", answer
        return str(answer["text"])

    async def disconnect(self) -> None:
        await self.asgi.send_input({"type": "websocket.disconnect", "code": 1000})
        await self.asgi.wait(timeout=5)


async def open_socket(app: Any, origin: str | None, path: str = "/ws/echo/") -> tuple[bool, int | None, Socket]:
    headers = [(b"host", b"app.example")]
    if origin is not None:
        headers.append((b"origin", origin.encode()))
    scope = {
        "type": "websocket",
        "path": path,
        "scheme": "ws",
        "headers": headers,
        "query_string": b"",
        "subprotocols": [],
    }
    socket = Socket(app, scope)
    connected, code = await socket.connect()
    return connected, code, socket


async def test_an_allowed_origin_opens_the_socket_and_exchanges_a_message() -> None:
    connected, _, communicator = await open_socket(application, FRONT)
    assert connected
    await communicator.send_to(text_data="hello")
    assert await communicator.receive_from() == "anonymous: hello"
    await communicator.disconnect()


@pytest.mark.parametrize("origin", ["https://evil.example", "null", "https://front.example.evil.example"])
async def test_another_origin_is_closed_before_accept(origin: str) -> None:
    connected, code, _ = await open_socket(application, origin)

    assert (connected, code) == (False, 1008)


async def test_the_sites_own_origin_and_programs_without_origin_open_it() -> None:
    for origin in ("http://app.example", None):  # the communicator's scheme is ws
        connected, _, communicator = await open_socket(application, origin)
        assert connected, origin
        await communicator.disconnect()


async def test_a_cookie_socket_stays_shut_to_origins_allowed_without_credentials(settings: SettingsWrapper) -> None:
    settings.CORS_ALLOW_ALL_ORIGINS = True
    settings.CORS_ALLOW_CREDENTIALS = False

    cookie_socket, _, _ = await open_socket(application, "https://any.example")
    public_socket, _, communicator = await open_socket(cookieless, "https://any.example")

    assert (cookie_socket, public_socket) == (False, True)
    await communicator.disconnect()


async def test_a_refusal_is_logged_at_info_with_its_reason(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="crossorigin"):
        await open_socket(application, "https://evil.example/\n")
        await open_socket(application, "https://evil.example")

    assert [r.getMessage() for r in caplog.records] == [
        r"websocket origin-invalid refused policy=global origin=https://evil.example/\x0a path=/ws/echo/",
        "websocket origin-not-allowed refused policy=global origin=https://evil.example path=/ws/echo/",
    ]
    assert caplog.records[1].cors_reason == "origin-not-allowed"  # type: ignore[attr-defined]


async def test_an_acceptance_is_logged_at_debug(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG, logger="crossorigin"):
        _, _, communicator = await open_socket(application, FRONT)
        await communicator.disconnect()

    assert "websocket allowed-exact accepted policy=global origin=https://front.example path=/ws/echo/" in [
        r.getMessage() for r in caplog.records
    ]


async def test_other_connections_pass_through_untouched() -> None:
    seen: list[str] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        seen.append(scope["type"])

    await CorsOriginValidator(app)({"type": "http", "path": "/"}, None, None)  # type: ignore[arg-type]

    assert seen == ["http"]


def test_cookie_authentication_is_found_in_channels_stacks() -> None:
    router = URLRouter(websocket_urlpatterns)

    assert authenticates_by_cookie(AuthMiddlewareStack(router))
    assert authenticates_by_cookie(SessionMiddlewareStack(router))
    assert not authenticates_by_cookie(router)
    assert not authenticates_by_cookie(EchoConsumer.as_asgi())
    assert CorsOriginValidator(router).credentials is False
    assert CorsOriginValidator(router, credentials=True).credentials is True
    assert CorsOriginValidator(AuthMiddlewareStack(router)).credentials is True


def test_neither_the_package_nor_the_middleware_imports_channels() -> None:
    code = (
        "import sys, django; from django.conf import settings; settings.configure(); django.setup();"
        "import crossorigin, crossorigin.middleware, crossorigin.channels, crossorigin.websocket;"
        "print(sorted(m for m in sys.modules if m == 'channels' or m.startswith('channels.')))"
    )
    # crossorigin.channels imports Channels only to look for its cookie middleware.
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)

    assert result.stdout.strip() == "[]"
