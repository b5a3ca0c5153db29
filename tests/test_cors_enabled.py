"""``request._cors_enabled``: set on every request, before the view, as django-cors-headers sets it.

The incumbent sets it in ``__call__`` from ``is_enabled(request)`` (CORS_URLS_REGEX
matches the path, or a check_request_enabled receiver says yes) before calling the
view, and projects read it in views and later middleware. Ours is set at the same
point with the same meaning, and follows a view's own policy (``@cors_policy`` turns
CORS on, ``@cors_exempt`` off) once the view is known.

After the view the incumbent reads it back (``add_response_headers``): a false value
means no CORS headers at all, not even Vary; a missing one is computed again. Ours
honours a change the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import corsheaders.signals
import pytest
from asgiref.sync import iscoroutinefunction, markcoroutinefunction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.test import AsyncClient, Client, override_settings
from django.urls import path

from crossorigin.decorators import cors_exempt, cors_policy
from crossorigin.signals import check_request_enabled
from crossorigin.testing import assert_cors_allowed
from tests.conftest import Send, SettingsWrapper, cors_headers, run_async

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


def switch_off(request: HttpRequest) -> HttpResponse:
    """A view that turns CORS off for its own response, and varies on Cookie itself."""
    request._cors_enabled = False  # type: ignore[attr-defined]
    return HttpResponse("off", headers={"Vary": "Cookie"})


def switch_on(request: HttpRequest) -> HttpResponse:
    request._cors_enabled = True  # type: ignore[attr-defined]
    return HttpResponse("on")


def forget(request: HttpRequest) -> HttpResponse:
    del request._cors_enabled  # type: ignore[attr-defined]
    return HttpResponse("forgot")


def set_none(request: HttpRequest) -> HttpResponse:
    """None reads as 'not set' to django-cors-headers (getattr's default), so it decides again."""
    request._cors_enabled = None  # type: ignore[attr-defined]
    return HttpResponse("none")


@cors_policy(allow_all_origins=True)
def open_but_switched_off(request: HttpRequest) -> HttpResponse:
    return switch_off(request)


@cors_exempt
def exempt_but_switched_on(request: HttpRequest) -> HttpResponse:
    return switch_on(request)


class TurnsCorsOff:
    """A middleware placed below CorsMiddleware that turns CORS off for every request."""

    sync_capable = True
    async_capable = True

    def __init__(self, get_response: Callable[[HttpRequest], Any]) -> None:
        self.get_response = get_response
        if iscoroutinefunction(get_response):
            markcoroutinefunction(self)

    def __call__(self, request: HttpRequest) -> Any:
        request._cors_enabled = False  # type: ignore[attr-defined]
        return self.get_response(request)


urlpatterns = [
    path("api/seen/", seen_by_the_view),
    path("public/seen/", seen_by_the_view),
    path("public/open/", open_view),
    path("api/exempt/", exempt_view),
    path("api/off/", switch_off),
    path("api/on/", switch_on),
    path("public/on/", switch_on),
    path("api/forget/", forget),
    path("public/forget/", forget),
    path("api/none/", set_none),
    path("public/none/", set_none),
    path("api/open-off/", open_but_switched_off),
    path("public/exempt-on/", exempt_but_switched_on),
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


# -- after the view: the flag as the view or a later middleware left it ------------------------

OURS = "crossorigin.middleware.CorsMiddleware"
THEIRS = "corsheaders.middleware.CorsMiddleware"
OTHER = "https://other.example"


def seen(response: Any) -> tuple[int, dict[str, str], str | None]:
    return response.status_code, cors_headers(response), response.get("Vary")


def through(middleware: list[str], kind: str, method: str, url: str, headers: dict[str, str]) -> Any:
    with override_settings(MIDDLEWARE=middleware):
        if kind == "sync":
            return Client().generic(method, url, headers=headers)
        return run_async(AsyncClient().generic, method, url, headers=headers)


AFTER_THE_VIEW = [
    # (CORS_URLS_REGEX, method, path, origin): every view answers whatever the method.
    (r"^.*$", "GET", "/api/off/", LISTED),  # off: no Access-Control-*, no Vary: origin
    (r"^.*$", "GET", "/api/off/", OTHER),
    (r"^.*$", "GET", "/api/off/", None),
    (r"^.*$", "OPTIONS", "/api/off/", LISTED),  # an OPTIONS the view answers
    (r"^.*$", "GET", "/api/forget/", LISTED),  # deleted: decided again, headers as usual
    (r"^/api/", "GET", "/public/forget/", LISTED),
    (r"^.*$", "GET", "/api/none/", LISTED),  # None: decided again too
    (r"^/api/", "GET", "/public/none/", LISTED),
    (r"^/api/", "GET", "/public/on/", LISTED),  # turned on outside the regex: headers
    (r"^/api/", "GET", "/public/on/", OTHER),
    (r"^/api/", "GET", "/public/on/", None),
    (r"^/api/", "GET", "/api/on/", LISTED),  # already on: nothing changes
]


@pytest.mark.parametrize("kind", ["sync", "async"])
@pytest.mark.parametrize(("regex", "method", "url", "origin"), AFTER_THE_VIEW)
def test_after_the_view_same_as_django_cors_headers(
    kind: str, regex: str, method: str, url: str, origin: str | None
) -> None:
    headers = {"origin": origin} if origin else {}
    with override_settings(CORS_URLS_REGEX=regex):
        ours = through([OURS], kind, method, url, headers)
        theirs = through([THEIRS], kind, method, url, headers)
    assert seen(ours) == seen(theirs)


def test_a_view_that_turns_it_off_gets_no_cors_headers(send: Send) -> None:
    response = send("GET", "/api/off/", {"origin": LISTED})
    assert cors_headers(response) == {}
    assert response["Vary"] == "Cookie"  # the view's own, without origin
    assert flag(response) is False  # left as the view set it
    assert send("GET", "/api/seen/", {"origin": LISTED})["access-control-allow-origin"] == LISTED


def test_a_later_middleware_that_turns_it_off(send: Send, settings: SettingsWrapper) -> None:
    settings.MIDDLEWARE = [OURS, f"{__name__}.TurnsCorsOff"]
    response = send("GET", "/api/seen/", {"origin": LISTED})
    assert response.json() == {"cors_enabled": False}
    assert cors_headers(response) == {}
    assert "Vary" not in response
    # A preflight is answered before any later middleware runs, so it still gets its answer.
    assert send.preflight("/api/seen/", LISTED, "PUT")["access-control-allow-origin"] == LISTED


def test_a_view_that_deletes_it_gets_headers(send: Send, settings: SettingsWrapper) -> None:
    response = send("GET", "/api/forget/", {"origin": LISTED})
    assert response["access-control-allow-origin"] == LISTED
    assert response["Vary"] == "origin"
    settings.CORS_URLS_REGEX = r"^/api/"
    assert cors_headers(send("GET", "/public/forget/", {"origin": LISTED})) == {}


def test_a_view_that_turns_it_on_outside_the_regex(send: Send, settings: SettingsWrapper) -> None:
    settings.CORS_URLS_REGEX = r"^/api/"
    assert send("GET", "/public/on/", {"origin": LISTED})["access-control-allow-origin"] == LISTED
    refused = send("GET", "/public/on/", {"origin": OTHER})
    assert cors_headers(refused) == {}
    assert refused["Vary"] == "origin"


def test_turned_off_beats_the_views_own_policy(send: Send) -> None:
    response = send("GET", "/api/open-off/", {"origin": "https://any.example"})
    assert cors_headers(response) == {}
    assert response["Vary"] == "Cookie"


def test_turned_on_does_not_beat_cors_exempt(send: Send, settings: SettingsWrapper) -> None:
    # Turning the flag on lifts only the path's own verdict; @cors_exempt still holds.
    settings.CORS_URLS_REGEX = r"^/api/"
    response = send("GET", "/public/exempt-on/", {"origin": LISTED})
    assert cors_headers(response) == {}
    assert "Vary" not in response


def test_the_test_helpers_say_why(send: Send) -> None:
    response = send("GET", "/api/off/", {"origin": LISTED})
    with pytest.raises(AssertionError, match="decided:  request-disabled under the global policy"):
        assert_cors_allowed(response, LISTED)
