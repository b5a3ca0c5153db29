"""What is being asked: the command's arguments, checked, and the request they describe.

``explain()`` takes an origin, a path, a method and headers as a person types them;
this module turns them into what a browser would actually send (the path_info, the
method as fetch() normalises it, the header names listed in a preflight) and refuses,
with ``ExplainArgumentError``, what no browser could send. ``Query`` carries the result
to the other modules and builds the minimal request the origin checker and signal
receivers are called with.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest
from django.test import RequestFactory

from crossorigin._config.registry import PolicySet
from crossorigin._core import fetch
from crossorigin._core.options import TOKEN_RE


class ExplainArgumentError(ValueError):
    """An argument the explanation cannot be built from (the command exits with status 2)."""


def parse_path(value: str) -> tuple[str, list[str]]:
    """The path_info to explain, from a path or a full URL; notes on what was dropped."""
    notes = []
    if not value:
        raise ExplainArgumentError("PATH is empty; give the path the request goes to, e.g. /api/items/.")
    parts = urlsplit(value)
    if parts.scheme or parts.netloc:
        if parts.scheme not in ("http", "https"):
            raise ExplainArgumentError(f"PATH {value!r} is not a path; give it as /some/path/.")
        notes.append(f"Explaining the path {parts.path or '/'!r} of the URL {value!r}.")
    path = parts.path or "/"
    if not path.startswith("/"):
        raise ExplainArgumentError(f"PATH {value!r} should start with '/', e.g. /{value}.")
    if parts.query:
        notes.append("The query string does not take part in CORS decisions; it was ignored.")
    return path, notes


def parse_method(value: str) -> str:
    """The method as a browser would send it (fetch() upper-cases only the standard ones)."""
    if not TOKEN_RE.fullmatch(value):
        raise ExplainArgumentError(f"--method {value!r} is not a valid HTTP method name.")
    return value.upper() if value.upper() in fetch.NORMALISED_METHODS else value


def parse_headers(values: Iterable[str]) -> list[tuple[str, str | None]]:
    """``--header`` values: 'Name', 'Name: value', or comma-separated names."""
    found: dict[str, str | None] = {}
    for raw in values:
        name, sep, value = raw.partition(":")
        items = [(name.strip(), value.strip())] if sep else [(n.strip(), None) for n in raw.split(",")]
        for item_name, item_value in items:
            if not item_name:
                continue
            if not TOKEN_RE.fullmatch(item_name):
                raise ExplainArgumentError(f"--header {raw!r}: {item_name!r} is not a valid header name.")
            found[item_name.lower()] = item_value
    return list(found.items())


@dataclass(frozen=True)
class Query:
    """The request being explained, as a browser would send it."""

    policies: PolicySet
    origin: str
    path: str
    method: str
    # The header names a browser lists in Access-Control-Request-Headers.
    unsafe: tuple[str, ...]
    credentials: bool
    host: str

    @property
    def request_headers(self) -> str | None:
        """Access-Control-Request-Headers as browsers send it: lower-case, sorted, no spaces."""
        return ",".join(self.unsafe) or None

    def sent(self, preflight: bool, headers: Sequence[tuple[str, str | None]] = ()) -> list[tuple[str, str]]:
        """The CORS-relevant headers of the preflight or of the request itself."""
        sent = [("Origin", self.origin)]
        if preflight:
            sent.append(("Access-Control-Request-Method", self.method))
            if self.request_headers:
                sent.append(("Access-Control-Request-Headers", self.request_headers))
        else:
            sent.extend((name, "..." if value is None else value) for name, value in headers)
        return sent

    def build_request(self, preflight: bool) -> HttpRequest:
        """A minimal real request, for the origin checker and signal receivers."""
        meta: dict[str, Any] = {"HTTP_" + name.upper().replace("-", "_"): value for name, value in self.sent(preflight)}
        meta["HTTP_HOST"] = self.host
        return RequestFactory().generic("OPTIONS" if preflight else self.method, self.path, **meta)


def default_host() -> str:
    """A Host for the simulated request that ALLOWED_HOSTS accepts, if one is obvious."""
    for host in getattr(settings, "ALLOWED_HOSTS", None) or []:
        if isinstance(host, str) and host and not host.startswith(".") and "*" not in host:
            return host
    return "localhost"
