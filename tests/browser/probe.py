"""A bare CORS server for measuring browsers: it sends exactly the headers the URL asks for.

``/probe?origin=echo&credentials=true&headers=*&methods=PATCH&max_age=0`` answers every
request (a preflight included) with::

    Access-Control-Allow-Origin: <the request's Origin>   (origin=echo; origin=* sends *)
    Access-Control-Allow-Credentials: true                 (credentials=true)
    Access-Control-Allow-Headers: *                        (headers=...)
    Access-Control-Allow-Methods: PATCH                    (methods=...)
    Access-Control-Max-Age: 0                              (max_age=...)

and ``preflight_status=301`` answers preflights with a redirect instead. No Django, no
django-crossorigin: the behaviour tests measure the browsers, not this project.
Requests are recorded (``ProbeServer.received()``).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from typing import Any, Final
from urllib.parse import parse_qs

from tests.browser.servers import StartResponse, ThreadedServer

PARAMETER_HEADERS: Final = {
    "credentials": "Access-Control-Allow-Credentials",
    "headers": "Access-Control-Allow-Headers",
    "methods": "Access-Control-Allow-Methods",
    "max_age": "Access-Control-Max-Age",
}
REDIRECT_STATUSES: Final = {"301": "301 Moved Permanently", "302": "302 Found"}


class ProbeApp:
    """The WSGI app; keeps ``(method, headers)`` of every request it answered."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._received: list[tuple[str, dict[str, str]]] = []

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        method = str(environ["REQUEST_METHOD"])
        headers = {k[5:].replace("_", "-").lower(): str(v) for k, v in environ.items() if k.startswith("HTTP_")}
        with self._lock:
            self._received.append((method, headers))
        query = {name: values[-1] for name, values in parse_qs(environ.get("QUERY_STRING", "")).items()}
        preflight = method == "OPTIONS" and "access-control-request-method" in headers
        response_headers = self._cors_headers(query, headers.get("origin", ""))
        if preflight and query.get("preflight_status") in REDIRECT_STATUSES:
            status = REDIRECT_STATUSES[query["preflight_status"]]
            start_response(status, [*response_headers, ("Location", "/elsewhere"), ("Content-Length", "0")])
            return [b""]
        body = b"" if preflight else b'{"probe": "read"}'
        kind = "text/plain" if preflight else "application/json"
        start_response("200 OK", [*response_headers, ("Content-Type", kind), ("Content-Length", str(len(body)))])
        return [body]

    @staticmethod
    def _cors_headers(query: dict[str, str], origin: str) -> list[tuple[str, str]]:
        found: list[tuple[str, str]] = []
        allowed = query.get("origin")
        if allowed:
            found.append(("Access-Control-Allow-Origin", origin if allowed == "echo" else allowed))
        for parameter, header in PARAMETER_HEADERS.items():
            if parameter in query:
                found.append((header, query[parameter]))
        return found

    def received(self) -> list[tuple[str, dict[str, str]]]:
        with self._lock:
            return list(self._received)

    def clear(self) -> None:
        with self._lock:
            self._received.clear()


class ProbeServer(ThreadedServer):
    """``ProbeApp`` on a loopback port of its own."""

    def __init__(self) -> None:
        self.app = ProbeApp()
        super().__init__(self.app)

    def received(self) -> list[tuple[str, dict[str, str]]]:
        """``(method, request headers)`` of every request since the last ``clear()``."""
        return self.app.received()

    def clear(self) -> None:
        self.app.clear()
