"""``request._cors_enabled``: set on every request, before the view, as django-cors-headers sets it.

The incumbent sets it in ``__call__`` from ``is_enabled(request)`` (CORS_URLS_REGEX
matches the path, or a check_request_enabled receiver says yes) before calling the
view, and projects read it in views and later middleware. Ours is set at the same
point with the same meaning, and follows a view's own policy (``@cors_policy`` turns
CORS on, ``@cors_exempt`` off) once the view is known.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import corsheaders.signals
import pytest
from django.http import HttpRequest, JsonResponse
from django.test import Client, override_settings
from django.urls import path

from crossorigin.decorators import cors_exempt, cors_policy
from crossorigin.signals import check_request_enabled
from tests.conftest import Send, SettingsWrapper

LISTED = "https://example.com"  # tests.settings.CORS_ALLOWED_ORIGINS


def seen_by_the_view(request: HttpRequest) -> JsonResponse:
    """What the view sees of the flag (None: not set before the view)."""
    return JsonResponse({"cors_enabled": getattr(request, "_cors_enabled", None)})


@cors_policy(allow_all_origins=True)
def open_view(request: HttpRequest) -> JsonResponse:
    return seen_by_the_view(request)


@cors_exempt
def exempt_view(request: HttpRequest) -> JsonResponse:
    return seen_by_the_view(request)


urlpatterns = [
    path("api/seen/", seen_by_the_view),
    path("public/seen/", seen_by_the_view),
    path("public/open/", open_view),
    path("api/exempt/", exempt_view),
]


@pytest.fixture(autouse=True)
def urls(settings: SettingsWrapper) -> None:
    settings.ROOT_URLCONF = __name__


@pytest.fixture
def receiver() -> Iterator[Callable[[bool], None]]:
    connected: list[Callable[..., Any]] = []

    def connect(answer: bool) -> None:
        def receive(sender: object, request: HttpRequest, **kwargs: Any) -> bool:
            return answer

        check_request_enabled.connect(receive, weak=False)
        connected.append(receive)

    yield connect
    for receive in connected:
        check_request_enabled.disconnect(receive)


def flag(response: Any) -> object:
    """The flag on the request the test client built, after the response."""
    request = getattr(response, "wsgi_request", None) or response.asgi_request
    return request._cors_enabled


@pytest.mark.parametrize("origin", [LISTED, "https://other.example", None])
def test_set_to_true_on_an_enabled_path_whatever_the_origin(send: Send, origin: str | None) -> None:
    response = send("GET", "/api/seen/", {"origin": origin} if origin else {})
    assert response.json() == {"cors_enabled": True}
    assert flag(response) is True


def test_set_to_false_outside_cors_urls_regex(send: Send, settings: SettingsWrapper) -> None:
    settings.CORS_URLS_REGEX = r"^/api/"
    response = send("GET", "/public/seen/", {"origin": LISTED})
    assert response.json() == {"cors_enabled": False}
    assert flag(response) is False
    assert send("GET", "/api/seen/", {"origin": LISTED}).json() == {"cors_enabled": True}


@pytest.mark.parametrize("answer", [True, False])
def test_a_receiver_decides_outside_the_regex_before_the_view(
    send: Send, settings: SettingsWrapper, receiver: Callable[[bool], None], answer: bool
) -> None:
    settings.CORS_URLS_REGEX = r"^/api/"
    receiver(answer)
    response = send("GET", "/public/seen/", {"origin": LISTED})
    assert response.json() == {"cors_enabled": answer}


def test_set_on_a_preflight_that_never_reaches_a_view(send: Send) -> None:
    response = send.preflight("/api/seen/", LISTED, "PUT")
    assert response.status_code == 200
    assert flag(response) is True


def test_follows_the_views_own_policy(send: Send, settings: SettingsWrapper) -> None:
    settings.CORS_URLS_REGEX = r"^/api/"
    # @cors_policy on a path outside the regex: CORS is on for that view.
    opened = send("GET", "/public/open/", {"origin": "https://any.example"})
    assert opened["access-control-allow-origin"] == "*"
    assert flag(opened) is True
    # @cors_exempt on a path inside it: off, and no CORS headers.
    exempt = send("GET", "/api/exempt/", {"origin": LISTED})
    assert "access-control-allow-origin" not in exempt
    assert flag(exempt) is False


CASES = [
    # (CORS_URLS_REGEX, path, receiver answer or None for no receiver)
    (r"^.*$", "/api/seen/", None),
    (r"^/api/", "/public/seen/", None),
    (r"^/api/", "/public/seen/", True),
    (r"^/api/", "/public/seen/", False),
    (r"^/api/", "/api/seen/", False),
]


@pytest.mark.parametrize(("regex", "url", "answer"), CASES)
def test_same_value_as_django_cors_headers(regex: str, url: str, answer: bool | None) -> None:
    def ours(sender: object, request: HttpRequest, **kwargs: Any) -> bool | None:
        return answer

    if answer is not None:
        check_request_enabled.connect(ours, weak=False)
        corsheaders.signals.check_request_enabled.connect(ours, weak=False)
    try:
        with override_settings(CORS_URLS_REGEX=regex):
            our_response = Client().get(url, headers={"origin": LISTED})
            with override_settings(MIDDLEWARE=["corsheaders.middleware.CorsMiddleware"]):
                their_response = Client().get(url, headers={"origin": LISTED})
    finally:
        check_request_enabled.disconnect(ours)
        corsheaders.signals.check_request_enabled.disconnect(ours)
    assert our_response.json() == their_response.json()
    assert flag(our_response) is flag(their_response)
