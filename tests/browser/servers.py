"""Loopback servers for the browser suite: the API (Django) and the pages that call it.

- ``ThreadedServer`` serves a WSGI app from a daemon thread on ``127.0.0.1`` and an
  ephemeral port (ephemeral ports are never on Chromium's list of unsafe ports). The
  same server answers as ``localhost``, which to a browser is another origin and
  another site.
- ``ApiServer`` serves ``DjangoApp``: Django's WSGI handler, rebuilt whenever a
  setting changes (``setting_changed``), so a test may change any setting,
  ``MIDDLEWARE`` included, with the ``settings`` fixture; the server thread shares
  this process's settings.
- ``PageServer`` serves an empty HTML page on every path: the origin the scripts run in.
- ``UvicornServer`` runs the API under a real ASGI server in a subprocess.
- ``Site`` is what tests use of either kind of API server.
- ``self_signed_certificate`` makes a throw-away certificate with ``openssl``, for
  serving either kind over HTTPS.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, Final, Protocol
from wsgiref.simple_server import WSGIRequestHandler

from django.core.handlers.wsgi import WSGIHandler
from django.core.servers.basehttp import ThreadedWSGIServer
from django.core.signals import setting_changed

from tests.browser.recording import RECEIVED, RECEIVED_PATH, Received, from_json

LOOPBACK: Final = "127.0.0.1"
ROOT: Final = Path(__file__).resolve().parents[2]

StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]

PAGE_HTML: Final = (
    b"<!doctype html><html><head><meta charset='utf-8'>"
    # An empty icon, so the browser asks the page server for nothing else.
    b"<link rel='icon' href='data:,'><title>crossorigin browser test page</title>"
    b"</head><body></body></html>"
)


class Site(Protocol):
    """What a test needs of an API server, wherever it runs."""

    def origin(self, host: str = LOOPBACK) -> str: ...

    def url(self, path: str, host: str = LOOPBACK) -> str: ...

    def received(self) -> list[Received]: ...

    def clear(self) -> None: ...


class _QuietHandler(WSGIRequestHandler):
    """Request handler that does not log every request to stderr."""

    def log_message(self, format: str, *args: Any) -> None:
        pass


class _Server(ThreadedWSGIServer):
    # socketserver's default backlog of 5 is small for a browser that opens several
    # connections at once on a loaded machine.
    request_queue_size = 64


class ThreadedServer:
    """A WSGI app on 127.0.0.1 and an ephemeral port, served from a daemon thread."""

    def __init__(self, app: WSGIApp, *, certificate: tuple[Path, Path] | None = None) -> None:
        self.scheme = "https" if certificate else "http"
        self._server = _Server((LOOPBACK, 0), _QuietHandler)
        if certificate is not None:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(*certificate)
            # The handshake then happens in the request's own thread, not in accept().
            self._server.socket = context.wrap_socket(
                self._server.socket, server_side=True, do_handshake_on_connect=False
            )
            app = _as_https(app)
        self._server.set_app(app)
        self.port: int = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, name=f"server:{self.port}", daemon=True)
        self._thread.start()

    def origin(self, host: str = LOOPBACK) -> str:
        """This server's origin under a host name (``127.0.0.1`` or ``localhost``)."""
        return f"{self.scheme}://{host}:{self.port}"

    def url(self, path: str, host: str = LOOPBACK) -> str:
        """An absolute URL on this server."""
        return self.origin(host) + path

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


def _as_https(app: WSGIApp) -> WSGIApp:
    def https_app(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        environ["wsgi.url_scheme"] = "https"  # so request.is_secure() is True
        return app(environ, start_response)

    return https_app


class DjangoApp:
    """Django's WSGI handler, built anew after any setting changes.

    Middleware instances live as long as their handler and some cache settings on
    first use (CsrfViewMiddleware caches CSRF_TRUSTED_ORIGINS), so a test's
    ``settings`` changes reach the server only through a new handler, as they would
    through a restarted site.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._handler: WSGIHandler | None = None
        setting_changed.connect(self._settings_changed)

    def _settings_changed(self, **kwargs: Any) -> None:
        with self._lock:
            self._handler = None

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        with self._lock:
            if self._handler is None:
                self._handler = WSGIHandler()
            handler = self._handler
        return handler(environ, start_response)


def page_app(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
    """Every path is an empty HTML page: the origin a test's script runs in."""
    start_response("200 OK", [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(PAGE_HTML)))])
    return [PAGE_HTML]


class ApiServer(ThreadedServer):
    """The test project's API in this process; ``received()`` is what it was sent."""

    def __init__(self, *, certificate: tuple[Path, Path] | None = None) -> None:
        super().__init__(DjangoApp(), certificate=certificate)

    def received(self) -> list[Received]:
        """Every request recorded since the last ``clear()``, in arrival order."""
        return RECEIVED.all()

    def clear(self) -> None:
        RECEIVED.clear()


class PageServer(ThreadedServer):
    """Serves the pages; reachable as ``127.0.0.1`` and as ``localhost``."""

    def __init__(self, *, certificate: tuple[Path, Path] | None = None) -> None:
        super().__init__(page_app, certificate=certificate)


class UvicornServer:
    """The test project under uvicorn (ASGI) in a subprocess, with its own settings.

    The subprocess cannot see the ``settings`` fixture, so its CORS settings are fixed
    at start: ``tests.browser.settings`` plus ``overrides`` (passed as JSON in the
    environment). The listening socket is bound here and handed over (``--fd``), so
    the port is known before the process starts and no other process can take it.
    With ``certificate`` it serves HTTPS (uvicorn's ``--ssl-certfile/--ssl-keyfile``).
    ``app`` is the ASGI application uvicorn serves (``tests.browser.ws_asgi:application``
    for the Channels project of ``test_websockets``).
    """

    def __init__(
        self,
        overrides: dict[str, Any],
        *,
        certificate: tuple[Path, Path] | None = None,
        timeout: float = 30.0,
        app: str = "tests.browser.asgi:application",
    ) -> None:
        self.scheme = "https" if certificate else "http"
        # Our own requests (the record) accept the self-signed certificate.
        self._tls: ssl.SSLContext | None = None
        if certificate is not None:
            self._tls = ssl.create_default_context(cafile=str(certificate[0]))
            self._tls.check_hostname = False
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._socket.bind((LOOPBACK, 0))
        self._socket.listen(128)
        self.port: int = self._socket.getsockname()[1]
        fd = self._socket.fileno()
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.browser.settings",
            "CROSSORIGIN_BROWSER_SETTINGS": json.dumps(overrides),
            "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
        }
        env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # the server must run as in production
        command = [sys.executable, "-m", "uvicorn", app, "--fd", str(fd)]
        command += ["--lifespan", "off", "--no-access-log", "--log-level", "warning"]
        if certificate is not None:
            command += ["--ssl-certfile", str(certificate[0]), "--ssl-keyfile", str(certificate[1])]
        # stderr goes to a file: a pipe nobody reads would block the server once full.
        self._log = tempfile.TemporaryFile()  # noqa: SIM115  (closed in stop())
        self._process = subprocess.Popen(command, cwd=ROOT, env=env, pass_fds=(fd,), stderr=self._log)
        self._wait_ready(timeout)

    def log(self) -> str:
        """What the server wrote to stderr so far."""
        self._log.seek(0)
        return self._log.read().decode(errors="replace")

    def _wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while True:
            if self._process.poll() is not None:
                raise RuntimeError(f"uvicorn exited with {self._process.returncode}:\n{self.log()}")
            try:
                self.clear()
                return
            except OSError:
                if time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError(f"uvicorn did not answer on port {self.port} within {timeout} s") from None
                time.sleep(0.05)

    def origin(self, host: str = LOOPBACK) -> str:
        return f"{self.scheme}://{host}:{self.port}"

    def url(self, path: str, host: str = LOOPBACK) -> str:
        return self.origin(host) + path

    def received(self) -> list[Received]:
        with urllib.request.urlopen(self.url(RECEIVED_PATH), timeout=5, context=self._tls) as response:
            return from_json(json.load(response))

    def clear(self) -> None:
        request = urllib.request.Request(self.url(RECEIVED_PATH), method="DELETE")
        with urllib.request.urlopen(request, timeout=5, context=self._tls):
            pass

    def stop(self) -> None:
        self._process.terminate()
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait(timeout=10)
        self._log.close()
        self._socket.close()


def self_signed_certificate(directory: Path) -> tuple[Path, Path] | None:
    """A certificate and key for 127.0.0.1 and localhost, or None without ``openssl``."""
    openssl = shutil.which("openssl")
    if openssl is None:
        return None
    cert, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run(
        [
            openssl, "req", "-x509", "-nodes", "-days", "2",
            "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
            "-keyout", str(key), "-out", str(cert),
            "-subj", "/CN=localhost",
            "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
        ],
        check=True,
        capture_output=True,
        timeout=30,
    )  # fmt: skip
    return cert, key
