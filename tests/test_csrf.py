"""CORS_REPLACE_HTTPS_REFERER with Django's real CsrfViewMiddleware, on every Django of the matrix.

Django's CSRF check compares the ``Origin`` header with the host before it ever looks at
the ``Referer``, so CorsMiddleware replaces both for an allowed secure request and
CorsPostCsrfMiddleware puts them back before the view. Every test here sends a real CSRF
cookie and token, so the only thing under test is the origin/referer check.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import AsyncClient, Client

from crossorigin._core.constants import ACCESS_CONTROL_ALLOW_CREDENTIALS, ACCESS_CONTROL_ALLOW_ORIGIN
from tests.conftest import SettingsWrapper, run_async

FRONT = "https://front.example"
REFERER = "https://front.example/app/page"
EVIL = "https://evil.example"
TOKEN = "k" * 32  # a CSRF secret: the cookie and the header carry the same value


@pytest.fixture(autouse=True)
def csrf_project(settings: SettingsWrapper) -> None:
    settings.MIDDLEWARE = [
        "crossorigin.middleware.CorsMiddleware",
        "django.middleware.common.CommonMiddleware",
        "django.middleware.csrf.CsrfViewMiddleware",
        "crossorigin.middleware.CorsPostCsrfMiddleware",
    ]
    settings.CORS_ALLOWED_ORIGINS = [FRONT]
    settings.CORS_ALLOW_CREDENTIALS = True
    settings.CORS_REPLACE_HTTPS_REFERER = True


def post(
    kind: str, origin: str | None = FRONT, referer: str | None = REFERER, secure: bool = True, token: str | None = TOKEN
) -> Any:
    """A credentialed cross-origin POST as a browser sends it, through either client."""
    client: Client | AsyncClient = (
        Client(enforce_csrf_checks=True) if kind == "sync" else AsyncClient(enforce_csrf_checks=True)
    )
    client.cookies["csrftoken"] = TOKEN
    headers = {}
    if origin is not None:
        headers["origin"] = origin
    if referer is not None:
        headers["referer"] = referer
    if token is not None:
        headers["x-csrftoken"] = token
    if kind == "sync":
        return client.post("/api/csrf/", headers=headers, secure=secure)
    return run_async(client.post, "/api/csrf/", headers=headers, secure=secure)


def request_of(response: Any) -> Any:
    return getattr(response, "wsgi_request", None) or response.asgi_request


@pytest.fixture(params=["sync", "async"])
def kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def test_this_django_checks_origin_before_referer(
    kind: str, settings: SettingsWrapper, caplog: pytest.LogCaptureFixture
) -> None:
    # What the replacement relies on, proved on the Django that runs the suite instead of
    # pinned to a list of versions: a Referer from this very site does not save a POST
    # whose Origin is another, so replacing the Referer alone would not be enough.
    settings.CORS_REPLACE_HTTPS_REFERER = False
    response = post(kind, referer="https://testserver/page")
    assert response.status_code == 403
    reasons = [r.getMessage() for r in caplog.records if r.name == "django.security.csrf"]
    assert len(reasons) == 1
    assert "Origin checking failed" in reasons[0]
    assert FRONT in reasons[0]


def test_without_the_setting_django_refuses_the_cross_origin_post(kind: str, settings: SettingsWrapper) -> None:
    settings.CORS_REPLACE_HTTPS_REFERER = False
    response = post(kind)
    assert response.status_code == 403
    assert b"Origin checking failed" in response.content or b"CSRF" in response.content


def test_allowed_origin_passes_csrf_and_the_view_sees_the_original_headers(kind: str) -> None:
    response = post(kind)
    assert response.status_code == 200
    assert json.loads(response.content) == {"origin": FRONT, "referer": REFERER}
    assert response[ACCESS_CONTROL_ALLOW_ORIGIN] == FRONT
    assert response[ACCESS_CONTROL_ALLOW_CREDENTIALS] == "true"
    assert request_of(response).META["HTTP_ORIGIN"] == FRONT


def test_allowed_origin_without_a_referer(kind: str) -> None:
    # Referrer-Policy: no-referrer: only Origin is sent, and only Origin is replaced.
    response = post(kind, referer=None)
    assert response.status_code == 200
    assert json.loads(response.content) == {"origin": FRONT, "referer": None}
    assert "HTTP_REFERER" not in request_of(response).META


def test_disallowed_origin_is_refused_by_csrf(kind: str) -> None:
    response = post(kind, origin=EVIL, referer="https://evil.example/x")
    assert response.status_code == 403
    assert ACCESS_CONTROL_ALLOW_ORIGIN not in response
    assert request_of(response).META["HTTP_ORIGIN"] == EVIL


def test_headers_restored_when_csrf_rejects(kind: str) -> None:
    # Allowed origin, so headers are replaced, but the token is missing: CSRF says 403
    # before CorsPostCsrfMiddleware runs; CorsMiddleware restores them on the way out.
    response = post(kind, token=None)
    assert response.status_code == 403
    meta = request_of(response).META
    assert (meta["HTTP_ORIGIN"], meta["HTTP_REFERER"]) == (FRONT, REFERER)
    assert not hasattr(request_of(response), "_crossorigin_replaced")
    assert response[ACCESS_CONTROL_ALLOW_ORIGIN] == FRONT


def test_insecure_request_is_never_rewritten(kind: str) -> None:
    # Over plain HTTP Django's Origin check stays as it is (and fails for another origin).
    response = post(kind, secure=False)
    assert response.status_code == 403
    assert request_of(response).META["HTTP_ORIGIN"] == FRONT


def test_without_post_csrf_middleware_the_view_sees_the_replacement(kind: str, settings: SettingsWrapper) -> None:
    # Why CorsPostCsrfMiddleware exists; and CorsMiddleware still restores on the way out.
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if "CorsPostCsrf" not in m]
    response = post(kind)
    assert response.status_code == 200
    assert json.loads(response.content) == {"origin": "https://testserver", "referer": "https://testserver/"}
    assert request_of(response).META["HTTP_ORIGIN"] == FRONT
    assert request_of(response).META["HTTP_REFERER"] == REFERER


def test_csrf_trusted_origins_is_the_recommended_alternative(kind: str, settings: SettingsWrapper) -> None:
    settings.CORS_REPLACE_HTTPS_REFERER = False
    settings.CSRF_TRUSTED_ORIGINS = [FRONT]
    response = post(kind)
    assert response.status_code == 200
    assert json.loads(response.content)["origin"] == FRONT


def test_safe_methods_are_untouched(kind: str) -> None:
    client: Client | AsyncClient = Client() if kind == "sync" else AsyncClient()
    headers = {"origin": FRONT, "referer": REFERER}
    if kind == "sync":
        response = client.get("/api/echo/", headers=headers, secure=True)
    else:
        response = run_async(client.get, "/api/echo/", headers=headers, secure=True)
    assert response.status_code == 200
    # GET passes through process_view too; the view sees the request as sent.
    seen = json.loads(response.content)
    assert (seen["HTTP_ORIGIN"], seen["HTTP_REFERER"]) == (FRONT, REFERER)


def test_disallowed_host_is_left_to_django(kind: str, settings: SettingsWrapper) -> None:
    settings.ALLOWED_HOSTS = ["api.example"]
    # Without CommonMiddleware, CorsMiddleware is the first to ask for the host.
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if "common" not in m]
    client = Client(enforce_csrf_checks=True) if kind == "sync" else AsyncClient(enforce_csrf_checks=True)
    client.cookies["csrftoken"] = TOKEN
    headers = {"origin": FRONT, "referer": REFERER, "x-csrftoken": TOKEN}
    if kind == "sync":
        response = client.post("/api/csrf/", headers=headers, secure=True)
    else:
        response = run_async(client.post, "/api/csrf/", headers=headers, secure=True)
    # Django's own Origin check refuses a request whose host is not allowed; ours did not
    # raise and replaced nothing.
    assert response.status_code == 403
    assert request_of(response).META["HTTP_ORIGIN"] == FRONT


def test_signal_sent_once_when_process_view_already_decided(kind: str) -> None:
    from crossorigin.signals import check_request_enabled

    calls: list[str] = []

    def receiver(sender: object, request: Any, **kwargs: Any) -> bool:
        calls.append(request.path_info)
        return True

    check_request_enabled.connect(receiver, weak=False)
    try:
        response = post(kind, origin="https://signalled.example", referer=None)
    finally:
        check_request_enabled.disconnect(receiver)
    # Decided in process_view (to replace the headers) and reused for the response.
    assert response.status_code == 200
    assert response[ACCESS_CONTROL_ALLOW_ORIGIN] == "https://signalled.example"
    assert calls == ["/api/csrf/"]
