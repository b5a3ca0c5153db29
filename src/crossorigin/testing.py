"""Helpers for testing a site's CORS behaviour with Django's test client and pytest.

``preflight(client, path, origin, method, headers=...)`` sends a preflight the way a
browser does; ``assert_cors_allowed(response, origin)`` and ``assert_cors_denied(response)``
run the browser's CORS check on a response and fail with a message that says what was
expected and what the response had. They work with ``django.test.Client`` and
``AsyncClient`` (``preflight`` then returns an awaitable, as the client's own methods
do), in ``unittest``-style ``TestCase`` classes and in pytest.

Example::

    from crossorigin.testing import assert_cors_allowed, assert_cors_denied, preflight

    def test_app_may_read_items(client):
        response = client.get("/api/items/", headers={"Origin": "https://app.example.com"})
        assert_cors_allowed(response, "https://app.example.com")

    def test_app_may_put(client):
        response = preflight(client, "/api/items/1/", "https://app.example.com", "PUT", headers=["content-type"])
        assert_cors_allowed(response, "https://app.example.com", methods=["PUT"], headers=["content-type"])

    async def test_other_sites_may_not(async_client):
        response = await preflight(async_client, "/api/items/", "https://evil.example", "DELETE")
        assert_cors_denied(response)
"""

from __future__ import annotations

from collections.abc import Awaitable, Iterable
from typing import Any, Final, overload

from django.conf import settings
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.test import AsyncClient, Client
from django.utils.module_loading import import_string

from crossorigin._core import browser
from crossorigin._http.middleware import CorsMiddleware
from crossorigin._http.recording import decision_for, record_decisions

# The helpers explain a failure with the decision the middleware applied.
record_decisions()

__all__ = ["assert_cors_allowed", "assert_cors_denied", "cors_headers", "preflight", "request_headers_value"]

_ABSENT: Final = "(absent)"


def request_headers_value(headers: Iterable[str] | str) -> str:
    """Access-Control-Request-Headers as browsers send it: lower-case, sorted, unique, comma-joined."""
    names = browser.split_list(headers) if isinstance(headers, str) else [h.strip() for h in headers]
    return ",".join(sorted({name.lower() for name in names if name}))


@overload
def preflight(
    client: AsyncClient,
    path: str,
    origin: str,
    method: str,
    headers: Iterable[str] | str = (),
    *,
    private_network: bool = False,
    **extra: Any,
) -> Awaitable[HttpResponseBase]: ...


@overload
def preflight(
    client: Client,
    path: str,
    origin: str,
    method: str,
    headers: Iterable[str] | str = (),
    *,
    private_network: bool = False,
    **extra: Any,
) -> HttpResponseBase: ...


def preflight(
    client: Client | AsyncClient,
    path: str,
    origin: str,
    method: str,
    headers: Iterable[str] | str = (),
    *,
    private_network: bool = False,
    **extra: Any,
) -> HttpResponseBase | Awaitable[HttpResponseBase]:
    """Send the preflight a browser sends before ``method`` with ``headers`` from ``origin``.

    With an ``AsyncClient`` the result is awaitable, like the client's own methods. Extra
    keyword arguments go to ``client.options()`` (e.g. ``secure=True``).
    """
    sent = {"Origin": origin, "Access-Control-Request-Method": method}
    names = request_headers_value(headers)
    if names:
        sent["Access-Control-Request-Headers"] = names
    if private_network:
        sent["Access-Control-Request-Private-Network"] = "true"
    return client.options(path, headers=sent, **extra)


def cors_headers(response: HttpResponseBase) -> dict[str, str]:
    """The response's Access-Control-* and Vary headers, names lower-cased."""
    return {
        name.lower(): value
        for name, value in response.items()
        if name.lower().startswith("access-control-") or name.lower() == "vary"
    }


def _request_of(response: HttpResponseBase) -> HttpRequest | None:
    # The test clients attach the request they built: wsgi_request (Client) or
    # asgi_request (AsyncClient). A response made some other way has neither.
    request = getattr(response, "wsgi_request", None) or getattr(response, "asgi_request", None)
    return request if isinstance(request, HttpRequest) else None


def _is_preflight(request: HttpRequest | None) -> bool:
    return (
        request is not None
        and request.method == "OPTIONS"
        and "Origin" in request.headers
        and "Access-Control-Request-Method" in request.headers
    )


def _describe(response: HttpResponseBase) -> str:
    """What the request and the response had, for a failure message."""
    lines = []
    request = _request_of(response)
    if request is not None:
        sent = [
            f"{name}: {request.headers[name]}"
            for name in ("Origin", "Access-Control-Request-Method", "Access-Control-Request-Headers")
            if name in request.headers
        ]
        lines.append(
            f"  request:  {request.method} {request.get_full_path()}" + "".join(f"\n            {s}" for s in sent)
        )
    headers = cors_headers(response)
    shown = [f"{name}: {value}" for name, value in sorted(headers.items())] or ["no Access-Control-* or Vary headers"]
    lines.append(f"  response: {response.status_code}" + "".join(f"\n            {s}" for s in shown))
    why = _why(request)
    if why:
        lines.append(f"  decided:  {why}")
    return "\n".join(lines)


def _why(request: HttpRequest | None) -> str | None:
    """Why CorsMiddleware answered as it did (its decision's reason), if it served the request."""
    if request is None or not _middleware_installed():
        return None
    try:
        decision = decision_for(request)
    except Exception:  # a failure message must never fail itself
        return None
    return f"{decision.reason.value} under the {decision.policy} policy: {decision.reason.sentence}"


def _middleware_installed() -> bool:
    for path in getattr(settings, "MIDDLEWARE", ()):
        try:
            found = import_string(path)
        except ImportError:
            continue
        if isinstance(found, type) and issubclass(found, CorsMiddleware):
            return True
    return False


def _fail(expected: str, found: Iterable[str], response: HttpResponseBase) -> AssertionError:
    because = "; ".join(found)
    return AssertionError(f"CORS: expected {expected}, but {because}.\n{_describe(response)}")


def _browser_failures(response: HttpResponseBase, origin: str, credentials: bool) -> list[str]:
    """Why a browser would refuse the response, running the check that fits the request."""
    headers = cors_headers(response)
    request = _request_of(response)
    if _is_preflight(request):
        assert request is not None
        return browser.preflight_check(
            response.status_code,
            headers,
            origin,
            credentials=credentials,
            method=request.headers["Access-Control-Request-Method"],
            request_headers=browser.split_list(request.headers.get("Access-Control-Request-Headers")),
        )
    return browser.cors_check(headers, origin, credentials)


def assert_cors_allowed(
    response: HttpResponseBase,
    origin: str,
    credentials: bool | None = None,
    *,
    methods: Iterable[str] = (),
    headers: Iterable[str] = (),
    expose_headers: Iterable[str] = (),
    vary: bool = True,
) -> None:
    """Assert that a browser lets a script on ``origin`` read ``response``.

    ``credentials``: True, a credentialed fetch() must be able to read it; False, the
    response must not allow credentials; None, either. For a preflight response, the
    method and headers its request asked for must be allowed, and so must ``methods``
    and ``headers``; ``expose_headers`` must be listed in Access-Control-Expose-Headers.
    ``vary``: a response that names the origin must also carry ``Vary: origin``.
    """
    __tracebackhide__ = True
    who = f"the response to let a script on {origin!r} read it" + (" with credentials" if credentials else "")
    failures = _browser_failures(response, origin, bool(credentials))
    if failures:
        raise _fail(who, failures, response)
    found = cors_headers(response)
    if credentials is False and "access-control-allow-credentials" in found:
        raise _fail(
            "the response not to allow credentials",
            [f"it has Access-Control-Allow-Credentials: {found['access-control-allow-credentials']}"],
            response,
        )
    wanted_methods = list(methods)
    wanted_headers = [h.lower() for h in headers]
    for method in wanted_methods:
        problems = browser.preflight_check(
            200, found, origin, credentials=bool(credentials), method=method, request_headers=()
        )
        if problems:
            raise _fail(f"the preflight response to allow the method {method!r}", problems, response)
    if wanted_headers:
        problems = browser.preflight_check(
            200, found, origin, credentials=bool(credentials), method="GET", request_headers=wanted_headers
        )
        if problems:
            raise _fail(
                f"the preflight response to allow the header(s) {', '.join(wanted_headers)}", problems, response
            )
    exposed = {name.lower() for name in browser.split_list(found.get("access-control-expose-headers"))}
    missing = [name for name in expose_headers if name.lower() not in exposed]
    if missing:
        raise _fail(
            f"Access-Control-Expose-Headers to list {', '.join(missing)}",
            [f"it is {found.get('access-control-expose-headers', _ABSENT)}"],
            response,
        )
    allow_origin = found.get("access-control-allow-origin")
    fields = {field.strip().lower() for field in found.get("vary", "").split(",")}
    if vary and allow_origin != "*" and not fields & {"origin", "*"}:
        raise _fail(
            "Vary to include Origin, as Access-Control-Allow-Origin depends on the Origin (else caches mix origins up)",
            [f"Vary is {found.get('vary', _ABSENT)}"],
            response,
        )


def assert_cors_denied(response: HttpResponseBase, origin: str | None = None, credentials: bool = False) -> None:
    """Assert that a browser does not let a script on ``origin`` read ``response``.

    ``origin`` defaults to the Origin the request sent; for a preflight response the
    method and headers its request asked for are taken into account, as a browser does.
    """
    __tracebackhide__ = True
    if origin is None:
        request = _request_of(response)
        origin = request.headers.get("Origin") if request is not None else None
    if origin is None:
        found = cors_headers(response).get("access-control-allow-origin")
        if found is not None:
            raise _fail(
                "no Access-Control-Allow-Origin (the request's origin is unknown)", [f"it is {found!r}"], response
            )
        return
    if not _browser_failures(response, origin, credentials):
        raise _fail(
            f"the response to refuse a script on {origin!r}" + (" with credentials" if credentials else ""),
            ["a browser would let it read the response"],
            response,
        )
