"""A tiny static server for the two pages (trusted and untrusted): same files, other origin.

Each server serves ``demo/pages`` plus ``/config.js``, which tells the page where the
API is and which role it plays, so one page works on any ports.
"""

from __future__ import annotations

import json
import mimetypes
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

PAGES = Path(__file__).resolve().parent / "pages"
FILES = {"/": "index.html", "/index.html": "index.html", "/demo.css": "demo.css", "/demo.js": "demo.js"}


class PageServer(ThreadingHTTPServer):
    """Serves the demo page in one role ("trusted" or "untrusted")."""

    daemon_threads = True

    def __init__(self, address: tuple[str, int], role: str, config: dict[str, Any]) -> None:
        super().__init__(address, PageHandler)
        self.role = role
        self.config = {**config, "role": role}


class PageHandler(BaseHTTPRequestHandler):
    server: PageServer
    server_version = "demo-pages"

    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0]
        if path == "/config.js":
            body = f"window.DEMO = {json.dumps(self.server.config)};\n".encode()
            self._send(body, "text/javascript; charset=utf-8")
        elif path in FILES:
            file = PAGES / FILES[path]
            kind = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
            if kind.startswith("text/") or kind.endswith("javascript"):
                kind += "; charset=utf-8"
            self._send(file.read_bytes(), kind)
        elif path == "/favicon.ico":
            self.send_response(HTTPStatus.NO_CONTENT)
            self.end_headers()
        else:
            self._send(b"not found", "text/plain", HTTPStatus.NOT_FOUND)

    def _send(self, body: bytes, kind: str, status: HTTPStatus = HTTPStatus.OK) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass  # the API's log is the interesting one
