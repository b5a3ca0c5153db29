"""The scenarios: settings, the request to send, and the headers each variant must return.

Every scenario is run with every variant; the response of every timed batch is checked
against ``expected`` (CORS middlewares and the floor) or against no CORS headers at all
(no middleware, pass-through), so a fast wrong answer cannot win.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.handlers.wsgi import WSGIRequest

from bench.variants import INCUMBENT

ALLOW_HEADERS = "accept, authorization, content-type, user-agent, x-csrftoken, x-requested-with"
ALLOW_METHODS = "DELETE, GET, OPTIONS, PATCH, POST, PUT"
PATH = "/api/items/"
BASE_ORIGINS = ["https://admin.example.com", "https://docs.example.com", "https://app.example.com"]
ALLOWED = BASE_ORIGINS[-1]
DISALLOWED = "https://evil.example.net"


@dataclass(frozen=True)
class Scenario:
    """One benchmark case."""

    name: str
    settings: Mapping[str, Any]
    method: str = "GET"
    path: str = PATH
    meta: Mapping[str, str] = field(default_factory=dict)
    # The headers a correct CORS middleware returns (lower-case names), Content-Type aside.
    expected: Mapping[str, str] = field(default_factory=dict)
    preflight: bool = False
    # Variants left out, with the reason shown in the table.
    skip: Mapping[str, str] = field(default_factory=dict)
    # Family and size for the flatness targets, e.g. ("exact", 1000).
    family: tuple[str, int] | None = None
    # @cors_policy overrides for the view; such a scenario runs last, as decorating a
    # view makes the middleware look for view policies from then on.
    view_policy: Mapping[str, Any] | None = None

    def view(self, is_async: bool) -> Callable[[Any], Any] | None:
        """The view to serve: None for the plain trivial view, else one with @cors_policy."""
        if self.view_policy is None:
            return None
        from bench.variants import async_view, view
        from crossorigin.decorators import cors_policy

        def decorated(request: Any) -> Any:
            return view(request)

        async def decorated_async(request: Any) -> Any:
            return await async_view(request)

        return cors_policy(**self.view_policy)(decorated_async if is_async else decorated)  # type: ignore[no-any-return]

    @property
    def floor_headers(self) -> tuple[tuple[str, str], ...]:
        """What the floor middleware sets: the expected headers it does not get for free."""
        return tuple((k, v) for k, v in self.expected.items() if k != "content-length")

    def request_factory(self) -> Callable[[], WSGIRequest]:
        """A cheap maker of fresh requests, as a WSGI server hands them to Django."""
        environ = {
            "REQUEST_METHOD": self.method,
            "PATH_INFO": self.path,
            "SCRIPT_NAME": "",
            "QUERY_STRING": "",
            "SERVER_NAME": "testserver",
            "SERVER_PORT": "80",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "HTTP_HOST": "api.example.com",
            "REMOTE_ADDR": "127.0.0.1",
            "wsgi.input": io.BytesIO(b""),
            "wsgi.url_scheme": "http",
            **self.meta,
        }
        return lambda: WSGIRequest(dict(environ))


def allowed(origin: str) -> dict[str, str]:
    return {"vary": "origin", "access-control-allow-origin": origin}


def _actual(
    name: str, settings: Mapping[str, Any], origin: str | None, expected: Mapping[str, str], **kw: Any
) -> Scenario:
    meta = {"HTTP_ORIGIN": origin} if origin is not None else {}
    return Scenario(name, settings, meta=meta, expected=expected, **kw)


def scenarios() -> list[Scenario]:
    """Every scenario of the issue, in table order."""
    base = {"CORS_ALLOWED_ORIGINS": BASE_ORIGINS}
    found = [
        _actual("no Origin", base, None, {"vary": "origin"}),
        _actual("allowed origin", base, ALLOWED, allowed(ALLOWED)),
        _actual("disallowed origin", base, DISALLOWED, {"vary": "origin"}),
        Scenario(
            "preflight",
            base,
            method="OPTIONS",
            meta={
                "HTTP_ORIGIN": ALLOWED,
                "HTTP_ACCESS_CONTROL_REQUEST_METHOD": "PUT",
                "HTTP_ACCESS_CONTROL_REQUEST_HEADERS": "content-type,x-csrftoken",
            },
            expected={
                **allowed(ALLOWED),
                "access-control-allow-headers": ALLOW_HEADERS,
                "access-control-allow-methods": ALLOW_METHODS,
                "access-control-max-age": "86400",
                "content-length": "0",
            },
            preflight=True,
        ),
        Scenario(
            # The common JSON-API preflight: a JSON body with a bearer token.
            "preflight, JSON API",
            base,
            method="OPTIONS",
            meta={
                "HTTP_ORIGIN": ALLOWED,
                "HTTP_ACCESS_CONTROL_REQUEST_METHOD": "POST",
                "HTTP_ACCESS_CONTROL_REQUEST_HEADERS": "content-type, authorization",
            },
            expected={
                **allowed(ALLOWED),
                "access-control-allow-headers": ALLOW_HEADERS,
                "access-control-allow-methods": ALLOW_METHODS,
                "access-control-max-age": "86400",
                "content-length": "0",
            },
            preflight=True,
        ),
    ]
    for n in (1, 10, 100, 1000, 10000):
        origins = [f"https://site{i}.example.org" for i in range(n)]
        found.append(
            _actual(
                f"{n:,} exact origins",
                {"CORS_ALLOWED_ORIGINS": origins},
                origins[-1],
                allowed(origins[-1]),
                family=("exact", n),
            )
        )
    for r in (1, 10, 100):
        regexes = [rf"^https://app{i}\.example\.com$" for i in range(r)]
        origin = f"https://app{r - 1}.example.com"
        found.append(
            _actual(
                f"{r} origin regexes",
                {"CORS_ALLOWED_ORIGIN_REGEXES": regexes},
                origin,
                allowed(origin),
                family=("regex", r),
            )
        )
    for w in (1, 1000, 10000):
        patterns = [f"https://*.tenant{i}.example.com" for i in range(w)]
        origin = f"https://eu.api.tenant{w - 1}.example.com"
        found.append(
            _actual(
                f"{w:,} wildcard patterns",
                {"CORS_ALLOWED_ORIGINS": patterns},
                origin,
                allowed(origin),
                skip={INCUMBENT: "no wildcard origins"},
                family=("wildcard", w),
            )
        )
    # What the common case does not need: per-URL and per-view policies, the origin checker.
    partner = "https://partner.example.org"
    no_such_thing = {INCUMBENT: "no per-URL policies"}
    found.append(
        _actual(
            "URL policy",
            {**base, "CORS_URL_POLICIES": [(r"^/api/", {"allowed_origins": [partner]})]},
            partner,
            allowed(partner),
            skip=no_such_thing,
        )
    )
    found.append(
        _actual(
            "origin checker, cached",
            {**base, "CORS_ORIGIN_CHECKER": "bench.scenarios.tenant_origin", "CORS_ORIGIN_CHECKER_CACHE_SIZE": 100},
            "https://acme.tenants.example",
            allowed("https://acme.tenants.example"),
            skip={INCUMBENT: "no origin checker"},
        )
    )
    # CORS_REPORT_ONLY: a second decision per request. "agrees" is the steady state of a
    # list that covers every caller; "differs" a caller the list would cut off, counted by
    # the report window after its first log record.
    no_report_only = {INCUMBENT: "no report-only policy"}
    found.append(
        _actual(
            "report-only, agrees",
            {**base, "CORS_REPORT_ONLY": {"CORS_ALLOWED_ORIGINS": BASE_ORIGINS}},
            ALLOWED,
            allowed(ALLOWED),
            skip=no_report_only,
        )
    )
    found.append(
        _actual(
            "report-only, differs",
            {"CORS_ALLOW_ALL_ORIGINS": True, "CORS_REPORT_ONLY": {"CORS_ALLOWED_ORIGINS": BASE_ORIGINS}},
            partner,
            allowed("*"),
            skip=no_report_only,
        )
    )
    found.append(
        Scenario(
            "outside CORS_URLS_REGEX",
            {**base, "CORS_URLS_REGEX": r"^/api/"},
            path="/static/app.js",
            meta={"HTTP_ORIGIN": ALLOWED},
            expected={},
        )
    )
    found.append(
        _actual(
            "view policy",
            base,
            partner,
            allowed(partner),
            skip={INCUMBENT: "no per-view policies"},
            view_policy={"allowed_origins": [partner]},
        )
    )
    return found


def tenant_origin(origin: str, request: object) -> bool:
    """The benchmark's CORS_ORIGIN_CHECKER: any subdomain of tenants.example."""
    return origin.endswith(".tenants.example")
