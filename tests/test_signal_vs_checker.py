"""``check_request_enabled`` keeps django-cors-headers' meaning; CORS_ORIGIN_CHECKER is the new way.

A receiver returning a truthy value turns CORS on for the request's path *and* allows
its origin, whatever the settings say, exactly as with the incumbent. Unlike the
incumbent, the signal is sent at most once per request (it sent it twice when the path
was outside CORS_URLS_REGEX) and a failing receiver counts as "no" instead of a 500.
The checker is asked about the origin only, before the signal.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from typing import Any

import corsheaders.signals
import pytest
from django.http import HttpRequest
from django.test import Client, override_settings

from crossorigin.signals import check_request_enabled
from tests.conftest import Send
from tests.cors_asserts import acao, allowed, refused

LISTED = "https://example.com"  # tests.settings.CORS_ALLOWED_ORIGINS
UNLISTED = "https://partner.example"

CHECKER_CALLS: list[str] = []


def checker_yes(origin: str, request: HttpRequest) -> bool:
    CHECKER_CALLS.append(origin)
    return True


def checker_no(origin: str, request: HttpRequest) -> bool:
    CHECKER_CALLS.append(origin)
    return False


class Receiver:
    """A check_request_enabled receiver that counts how often it is asked."""

    def __init__(self, answer: Callable[[HttpRequest], object]) -> None:
        self.answer = answer
        self.requests: list[HttpRequest] = []

    def __call__(self, sender: object, request: HttpRequest, **kwargs: Any) -> object:
        self.requests.append(request)
        return self.answer(request)


@pytest.fixture
def connect() -> Iterator[Callable[[Receiver], Receiver]]:
    connected: list[Receiver] = []

    def do(receiver: Receiver) -> Receiver:
        check_request_enabled.connect(receiver, weak=False)
        connected.append(receiver)
        return receiver

    yield do
    for receiver in connected:
        check_request_enabled.disconnect(receiver)
    CHECKER_CALLS.clear()


# -- the incumbent's meaning -------------------------------------------------------------------


@override_settings(CORS_URLS_REGEX=r"^/api/")
def test_a_yes_enables_the_path_and_allows_the_origin(send: Send, connect: Any) -> None:
    connect(Receiver(lambda request: request.path_info.startswith("/public/")))
    response = send("GET", "/public/items/", {"origin": UNLISTED})
    assert allowed(response, UNLISTED) == UNLISTED
    assert "origin" in response["Vary"]
    preflight = send.preflight("/public/items/", UNLISTED, "PUT")
    assert preflight.status_code == 200
    assert allowed(preflight, UNLISTED) == UNLISTED
    # A "no" leaves things as the settings say.
    assert refused(send("GET", "/api/items/", {"origin": UNLISTED})) is None
    assert allowed(send("GET", "/api/items/", {"origin": LISTED}), LISTED) == LISTED


CASES = [
    # (path, origin, receiver answer)
    ("/api/items/", LISTED, False),
    ("/api/items/", UNLISTED, False),
    ("/api/items/", UNLISTED, True),
    ("/public/items/", LISTED, False),
    ("/public/items/", LISTED, True),
    ("/public/items/", UNLISTED, True),
    ("/public/items/", UNLISTED, False),
]


@pytest.mark.parametrize(("path", "origin", "answer"), CASES)
def test_same_outcome_as_django_cors_headers(path: str, origin: str, answer: bool, connect: Any) -> None:
    ours = connect(Receiver(lambda request: answer))
    theirs = Receiver(lambda request: answer)
    corsheaders.signals.check_request_enabled.connect(theirs, weak=False)
    try:
        with override_settings(CORS_URLS_REGEX=r"^/api/"):
            our_response = Client().get(path, headers={"origin": origin})
            with override_settings(MIDDLEWARE=["corsheaders.middleware.CorsMiddleware"]):
                their_response = Client().get(path, headers={"origin": origin})
    finally:
        corsheaders.signals.check_request_enabled.disconnect(theirs)
    assert acao(our_response) == acao(their_response)
    # Sent at most once by us; the incumbent may send it twice for one request.
    assert len(ours.requests) <= 1
    assert len(ours.requests) <= len(theirs.requests)


def test_the_incumbent_sends_it_twice_we_send_it_once(connect: Any) -> None:
    # The incumbent asks once to enable the path and once more for the unlisted origin.
    ours = connect(Receiver(lambda request: True))
    theirs = Receiver(lambda request: True)
    corsheaders.signals.check_request_enabled.connect(theirs, weak=False)
    try:
        with override_settings(CORS_URLS_REGEX=r"^/api/"):
            Client().get("/public/items/", headers={"origin": UNLISTED})
            with override_settings(MIDDLEWARE=["corsheaders.middleware.CorsMiddleware"]):
                Client().get("/public/items/", headers={"origin": UNLISTED})
    finally:
        corsheaders.signals.check_request_enabled.disconnect(theirs)
    assert len(theirs.requests) == 2
    assert len(ours.requests) == 1


# -- at most once per request --------------------------------------------------------------------


def test_sent_once_per_request(send: Send, connect: Any) -> None:
    receiver = connect(Receiver(lambda request: False))
    send("GET", "/api/items/", {"origin": UNLISTED})
    assert len(receiver.requests) == 1
    send.preflight("/api/items/", UNLISTED, "PUT")
    assert len(receiver.requests) == 2
    with override_settings(CORS_URLS_REGEX=r"^/nothing/"):
        send("POST", "/api/items/", {"origin": UNLISTED})
    assert len(receiver.requests) == 3


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_sent_once_with_replace_https_referer(send: Send, connect: Any, method: str) -> None:
    receiver = connect(Receiver(lambda request: True))
    with override_settings(CORS_REPLACE_HTTPS_REFERER=True):
        response = send(method, "/api/echo/", {"origin": UNLISTED}, secure=True)
    assert len(receiver.requests) == 1
    assert allowed(response, UNLISTED) == UNLISTED


def test_not_sent_when_the_settings_decide(send: Send, connect: Any) -> None:
    receiver = connect(Receiver(lambda request: True))
    send("GET", "/api/items/", {"origin": LISTED})
    send.preflight("/api/items/", LISTED, "GET")
    send("GET", "/api/items/")
    assert receiver.requests == []


def test_a_failing_receiver_counts_as_no_and_is_logged(
    send: Send, connect: Any, caplog: pytest.LogCaptureFixture
) -> None:
    def failing_function(sender: object, request: HttpRequest, **kwargs: Any) -> bool:
        raise RuntimeError("receiver bug")

    def fail(request: HttpRequest) -> bool:
        raise RuntimeError("receiver bug")

    # A plain function, and a callable object (for which Django's own failure logging
    # in send_robust raises AttributeError: that must not turn into a 500 either).
    check_request_enabled.connect(failing_function)
    try:
        for receivers in ([], [Receiver(fail)]):
            for receiver in receivers:
                connect(receiver)
            caplog.clear()
            with caplog.at_level(logging.ERROR, "crossorigin"):
                response = send("GET", "/api/items/", {"origin": UNLISTED})
            assert response.status_code == 200
            assert refused(response) is None
            assert any("check_request_enabled receiver" in r.getMessage() for r in caplog.records)
    finally:
        check_request_enabled.disconnect(failing_function)


# -- checker and signal together -------------------------------------------------------------------


@override_settings(CORS_ORIGIN_CHECKER=f"{__name__}.checker_yes")
def test_the_checker_is_asked_first_and_a_yes_skips_the_signal(send: Send, connect: Any) -> None:
    receiver = connect(Receiver(lambda request: True))
    assert allowed(send("GET", "/api/items/", {"origin": UNLISTED}), UNLISTED) == UNLISTED
    assert CHECKER_CALLS == [UNLISTED]
    assert receiver.requests == []


@override_settings(CORS_ORIGIN_CHECKER=f"{__name__}.checker_no")
def test_after_a_checker_no_the_signal_still_has_its_say(send: Send, connect: Any) -> None:
    receiver = connect(Receiver(lambda request: True))
    assert allowed(send("GET", "/api/items/", {"origin": UNLISTED}), UNLISTED) == UNLISTED
    assert CHECKER_CALLS == [UNLISTED]
    assert len(receiver.requests) == 1


@override_settings(CORS_ORIGIN_CHECKER=f"{__name__}.checker_yes", CORS_URLS_REGEX=r"^/api/")
def test_the_checker_allows_origins_but_never_enables_a_path(send: Send, connect: Any) -> None:
    # The difference in one test: the checker answers "may this origin read?" on the
    # paths where CORS is on; the signal can also turn CORS on for a path.
    outside = send("GET", "/public/items/", {"origin": UNLISTED})
    assert refused(outside) is None
    assert CHECKER_CALLS == []
    connect(Receiver(lambda request: True))
    assert allowed(send("GET", "/public/items/", {"origin": UNLISTED}), UNLISTED) == UNLISTED
