"""WebSocket handshakes in real browsers: the docs' Channels application under uvicorn.

A page on the trusted origin opens ``/ws/echo/`` (a socket behind
``AuthMiddlewareStack``, so it authenticates by cookie) and exchanges a message; a page
on an untrusted origin is refused (the browser sees the handshake fail: HTTP 403, close
code 1006), and the server's log says why. In all three engines.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser.engines import BrowserPage
from tests.browser.helpers import open_page
from tests.browser.servers import PageServer, UvicornServer

pytestmark = pytest.mark.browser

# Opens a WebSocket, sends "hello" once open, and settles with what happened.
OPEN_SOCKET_JS = """
(url) => new Promise((resolve) => {
  const socket = new WebSocket(url);
  const timer = setTimeout(() => resolve({opened: false, message: null, code: -1}), 10000);
  let opened = false;
  socket.onopen = () => { opened = true; socket.send("hello"); };
  socket.onmessage = (event) => {
    clearTimeout(timer);
    resolve({opened, message: event.data, code: null});
    socket.close();
  };
  socket.onclose = (event) => { clearTimeout(timer); resolve({opened, message: null, code: event.code}); };
})
"""


def ws_settings(pages: PageServer) -> dict[str, Any]:
    return {
        "CORS_ALLOWED_ORIGINS": [pages.origin()],
        "CORS_ALLOW_CREDENTIALS": True,
        # The server's log: crossorigin's handshake records on stderr.
        "LOGGING": {
            "version": 1,
            "disable_existing_loggers": False,
            "handlers": {"stderr": {"class": "logging.StreamHandler"}},
            "loggers": {"crossorigin": {"handlers": ["stderr"], "level": "DEBUG"}},
        },
    }


@pytest.fixture(scope="module")
def channels_server(pages: PageServer) -> Iterator[UvicornServer]:
    server = UvicornServer(ws_settings(pages), app="tests.browser.ws_asgi:application")
    yield server
    server.stop()


def socket_url(server: UvicornServer) -> str:
    return server.url("/ws/echo/").replace("http://", "ws://", 1)


def test_a_page_on_the_trusted_origin_opens_the_socket_and_exchanges_a_message(
    *, page: BrowserPage, channels_server: UvicornServer, pages: PageServer
) -> None:
    open_page(page, pages.origin())

    result = page.evaluate(OPEN_SOCKET_JS, socket_url(channels_server))

    assert result == {"opened": True, "message": "anonymous: hello", "code": None}
    accepted = f"websocket allowed-exact accepted policy=global origin={pages.origin()} path=/ws/echo/"
    assert accepted in channels_server.log()


def test_a_page_on_an_untrusted_origin_is_refused_and_the_log_says_why(
    *, page: BrowserPage, channels_server: UvicornServer, pages: PageServer
) -> None:
    untrusted = pages.origin("localhost")
    open_page(page, untrusted)

    result = page.evaluate(OPEN_SOCKET_JS, socket_url(channels_server))

    assert result == {"opened": False, "message": None, "code": 1006}
    refused = f"websocket origin-not-allowed refused policy=global origin={untrusted} path=/ws/echo/"
    assert refused in channels_server.log()
