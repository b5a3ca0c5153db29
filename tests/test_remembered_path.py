"""The middleware's remembered answers are exactly what ``decide`` gives.

A request whose answer the policy remembers (``Policy.remembered`` and
``Policy.remembered_preflight``) is answered without calling ``decide``. Each test
sends a request once through freshly compiled policies, whose memos are empty, so
``decide`` computes that answer; then three more times, so the later ones take the
remembered path; every response must match the first.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.test import RequestFactory

from crossorigin._config import registry
from crossorigin.middleware import CorsMiddleware
from crossorigin.signals import check_request_enabled
from tests.conftest import SettingsWrapper

ALLOWED = "https://example.com"
OTHER = "https://other.example"
PREFLIGHT = {"HTTP_ACCESS_CONTROL_REQUEST_METHOD": "PUT", "HTTP_ACCESS_CONTROL_REQUEST_HEADERS": "content-type"}

# (method, path, META extras, Vary set by the view)
Case = tuple[str, str, dict[str, str], str | None]
REQUESTS: list[Case] = [
    ("GET", "/api/items/", {}, None),
    ("GET", "/api/items/", {"HTTP_ORIGIN": ALLOWED}, None),
    ("GET", "/api/items/", {"HTTP_ORIGIN": ALLOWED}, "Cookie"),
    ("GET", "/api/items/", {"HTTP_ORIGIN": ALLOWED}, "Accept-Encoding, Origin"),
    ("GET", "/api/items/", {"HTTP_ORIGIN": OTHER}, None),
    ("GET", "/api/items/", {"HTTP_ORIGIN": "https://example.com]"}, None),
    ("GET", "/api/items/", {"HTTP_ORIGIN": ALLOWED, "HTTP_ACCESS_CONTROL_REQUEST_PRIVATE_NETWORK": "true"}, None),
    ("POST", "/api/items/", {"HTTP_ORIGIN": ALLOWED}, None),
    ("OPTIONS", "/api/items/", {"HTTP_ORIGIN": ALLOWED, **PREFLIGHT}, None),
    ("OPTIONS", "/api/items/", {"HTTP_ORIGIN": OTHER, **PREFLIGHT}, None),
    ("OPTIONS", "/api/items/", {"HTTP_ORIGIN": ALLOWED, "HTTP_ACCESS_CONTROL_REQUEST_METHOD": "PUT x"}, None),
    ("OPTIONS", "/api/items/", {"HTTP_ORIGIN": ALLOWED}, None),
    ("GET", "/static/app.js", {"HTTP_ORIGIN": ALLOWED}, None),
    ("GET", "/static/app.js", {}, None),
    ("OPTIONS", "/static/app.js", {"HTTP_ORIGIN": ALLOWED, **PREFLIGHT}, None),
]
SETTINGS: dict[str, dict[str, Any]] = {
    "every path": {},
    "CORS_URLS_REGEX": {"CORS_URLS_REGEX": r"^/api/"},
    "credentials": {"CORS_ALLOW_CREDENTIALS": True, "CORS_EXPOSE_HEADERS": ["X-Total"]},
}


@pytest.fixture
def receivers() -> Iterator[list[Callable[..., Any]]]:
    connected: list[Callable[..., Any]] = []
    yield connected
    for receiver in connected:
        check_request_enabled.disconnect(receiver)


def build(method: str, path: str, meta: dict[str, str]) -> HttpRequest:
    return RequestFactory().generic(method, path, **meta)


def view_setting_vary(vary: str | None) -> Callable[[HttpRequest], HttpResponse]:
    def view(request: HttpRequest) -> HttpResponse:
        response = HttpResponse(b"ok")
        if vary is not None:
            response["Vary"] = vary
        return response

    return view


def headers_of(response: HttpResponseBase) -> tuple[int, list[tuple[str, str]]]:
    return response.status_code, sorted((name.lower(), value) for name, value in response.items())


@pytest.mark.parametrize("setting", list(SETTINGS))
@pytest.mark.parametrize("case", REQUESTS)
def test_sync_remembered_answers_match_decide(settings: SettingsWrapper, setting: str, case: Case) -> None:
    method, path, meta, vary = case
    for name, value in SETTINGS[setting].items():
        setattr(settings, name, value)
    middleware = CorsMiddleware(view_setting_vary(vary))
    registry.reset()  # empty memos: decide() answers the first request
    expected = headers_of(middleware(build(method, path, meta)))
    for _ in range(3):
        assert headers_of(middleware(build(method, path, meta))) == expected


@pytest.mark.parametrize("setting", list(SETTINGS))
@pytest.mark.parametrize("case", REQUESTS)
async def test_async_remembered_answers_match_decide(settings: SettingsWrapper, setting: str, case: Case) -> None:
    method, path, meta, vary = case
    for name, value in SETTINGS[setting].items():
        setattr(settings, name, value)
    sync_view = view_setting_vary(vary)

    async def view(request: HttpRequest) -> HttpResponse:
        return sync_view(request)

    middleware = CorsMiddleware(view)
    registry.reset()
    expected = headers_of(await middleware(build(method, path, meta)))
    for _ in range(3):
        assert headers_of(await middleware(build(method, path, meta))) == expected


def test_a_remembered_refusal_yields_to_a_receiver_connected_later(receivers: list[Callable[..., Any]]) -> None:
    middleware = CorsMiddleware(view_setting_vary(None))
    for _ in range(2):
        response = middleware(build("GET", "/api/items/", {"HTTP_ORIGIN": OTHER}))
        assert "access-control-allow-origin" not in response
    policy = registry.current().global_policy
    assert policy.remembered(OTHER) is policy.denied

    def allow(**kwargs: Any) -> bool:
        return True

    check_request_enabled.connect(allow)
    receivers.append(allow)
    response = middleware(build("GET", "/api/items/", {"HTTP_ORIGIN": OTHER}))
    assert response["access-control-allow-origin"] == OTHER


def test_a_path_outside_the_urls_regex_yields_to_a_receiver(
    settings: SettingsWrapper, receivers: list[Callable[..., Any]]
) -> None:
    settings.CORS_URLS_REGEX = r"^/api/"
    middleware = CorsMiddleware(view_setting_vary(None))
    assert "Vary" not in middleware(build("GET", "/static/app.js", {"HTTP_ORIGIN": ALLOWED}))

    def allow(**kwargs: Any) -> bool:
        return True

    check_request_enabled.connect(allow)
    receivers.append(allow)
    response = middleware(build("GET", "/static/app.js", {"HTTP_ORIGIN": ALLOWED}))
    assert response["access-control-allow-origin"] == ALLOWED
    assert response["Vary"] == "origin"


def test_refused_origins_are_remembered_only_up_to_the_bound() -> None:
    from crossorigin._core.policy import MEMO_MAX_ENTRIES

    middleware = CorsMiddleware(view_setting_vary(None))
    for index in range(MEMO_MAX_ENTRIES + 10):
        middleware(build("GET", "/api/items/", {"HTTP_ORIGIN": f"https://x{index}.example"}))
    assert 0 < registry.current().global_policy.memo_sizes().refused <= MEMO_MAX_ENTRIES


def test_refusals_are_not_remembered_when_an_origin_checker_may_answer(settings: SettingsWrapper) -> None:
    settings.CORS_ORIGIN_CHECKER = "tests.test_remembered_path.never"
    middleware = CorsMiddleware(view_setting_vary(None))
    middleware(build("GET", "/api/items/", {"HTTP_ORIGIN": OTHER}))
    policy = registry.current().global_policy
    assert policy.memo_sizes().refused == 0
    assert policy.remembered(OTHER) is None


def never(origin: str, request: object) -> bool:
    """An origin checker that allows nothing."""
    return False


@pytest.mark.parametrize("charset", ["utf-8", "iso-8859-1"])
def test_a_preflight_answer_has_the_content_type_django_gives(settings: SettingsWrapper, charset: str) -> None:
    settings.DEFAULT_CHARSET = charset
    response = CorsMiddleware(view_setting_vary(None))(
        build("OPTIONS", "/api/items/", {"HTTP_ORIGIN": ALLOWED, **PREFLIGHT})
    )
    assert response["Content-Type"] == HttpResponse()["Content-Type"] == f"text/html; charset={charset}"
    assert response["Content-Length"] == "0"
