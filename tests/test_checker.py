"""CORS_ORIGIN_CHECKER: a dotted path to ``(origin, request) -> bool``, sync or async.

Asked only when the static settings do not allow the origin, at most once per request,
never for a malformed Origin. Async checkers are awaited on the event loop under ASGI
and run to completion under WSGI. A checker that raises refuses the origin and is
logged. Positive answers can be cached (CORS_ORIGIN_CHECKER_CACHE_SIZE / _TTL).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from django.http import HttpRequest
from django.test import AsyncClient, override_settings

from crossorigin._config import registry
from crossorigin._config.checker import OriginChecker, is_async_callable, request_host
from crossorigin.checks import check_settings
from crossorigin.testing import preflight
from tests.conftest import Send
from tests.cors_asserts import allowed, refused

TRUSTED = "https://tenant.example"
UNTRUSTED = "https://stranger.example"
STATIC = "https://example.com"  # in tests.settings.CORS_ALLOWED_ORIGINS

CALLS: list[dict[str, Any]] = []


def record(origin: str, request: Any, kind: str) -> None:
    loop = None
    with contextlib.suppress(RuntimeError):  # no running loop: called from a thread
        loop = asyncio.get_running_loop()
    CALLS.append({"origin": origin, "request": request, "kind": kind, "thread": threading.get_ident(), "loop": loop})


def sync_checker(origin: str, request: HttpRequest) -> bool:
    record(origin, request, "sync")
    return origin == TRUSTED


async def async_checker(origin: str, request: HttpRequest) -> bool:
    record(origin, request, "async")
    await asyncio.sleep(0)
    return origin == TRUSTED


def raising_checker(origin: str, request: HttpRequest) -> bool:
    record(origin, request, "raises")
    raise RuntimeError("the tenant database is down")


async def async_raising_checker(origin: str, request: HttpRequest) -> bool:
    record(origin, request, "raises")
    raise RuntimeError("the tenant database is down")


def truthy_checker(origin: str, request: HttpRequest) -> object:
    record(origin, request, "truthy")
    return {"tenant": 1} if origin == TRUSTED else []


def returns_a_coroutine(origin: str, request: HttpRequest) -> Any:
    # Looks sync, returns an awaitable: it must be awaited, not read as True.
    return async_checker(origin, request)


class AsyncCallable:
    async def __call__(self, origin: str, request: HttpRequest) -> bool:
        record(origin, request, "async-object")
        return origin == TRUSTED


async_callable_object = AsyncCallable()


def one_argument(origin: str) -> bool:
    return True


NOT_CALLABLE = "https://tenant.example"

HERE = __name__


@pytest.fixture(autouse=True)
def _clear_calls() -> Iterator[None]:
    CALLS.clear()
    yield
    CALLS.clear()


# -- the answer is used ---------------------------------------------------------------------


@pytest.mark.parametrize("checker", ["sync_checker", "async_checker", "async_callable_object"])
def test_the_checker_allows_and_refuses(send: Send, checker: str) -> None:
    with override_settings(CORS_ORIGIN_CHECKER=f"{HERE}.{checker}"):
        trusted = send("GET", "/api/items/", {"origin": TRUSTED})
        untrusted = send("GET", "/api/items/", {"origin": UNTRUSTED})
        trusted_preflight = send.preflight("/api/items/", TRUSTED, "PUT")
        untrusted_preflight = send.preflight("/api/items/", UNTRUSTED, "PUT")
    assert allowed(trusted, TRUSTED) == TRUSTED
    assert refused(untrusted) is None
    assert "origin" in untrusted["Vary"]
    assert trusted_preflight.status_code == 200
    assert allowed(trusted_preflight, TRUSTED) == TRUSTED
    assert refused(untrusted_preflight) is None
    assert [c["origin"] for c in CALLS] == [TRUSTED, UNTRUSTED, TRUSTED, UNTRUSTED]


@override_settings(CORS_ORIGIN_CHECKER=f"{HERE}.sync_checker")
def test_the_checker_gets_the_request(sync_send: Send) -> None:
    sync_send("GET", "/api/items/?tenant=7", {"origin": TRUSTED})
    (call,) = CALLS
    request = call["request"]
    assert isinstance(request, HttpRequest)
    assert request.path_info == "/api/items/"
    assert request.GET["tenant"] == "7"


@override_settings(CORS_ORIGIN_CHECKER=f"{HERE}.truthy_checker")
def test_truthy_answers_count_like_a_signal_receivers(send: Send) -> None:
    assert allowed(send("GET", "/api/items/", {"origin": TRUSTED}), TRUSTED) == TRUSTED
    assert refused(send("GET", "/api/items/", {"origin": UNTRUSTED})) is None


@override_settings(CORS_ORIGIN_CHECKER=f"{HERE}.returns_a_coroutine")
def test_an_awaitable_answer_is_awaited_not_read_as_true(send: Send) -> None:
    assert refused(send("GET", "/api/items/", {"origin": UNTRUSTED})) is None
    assert allowed(send("GET", "/api/items/", {"origin": TRUSTED}), TRUSTED) == TRUSTED
    assert [c["origin"] for c in CALLS] == [UNTRUSTED, TRUSTED]


def test_async_callables_are_recognised() -> None:
    assert is_async_callable(async_checker)
    assert is_async_callable(async_callable_object)
    assert not is_async_callable(sync_checker)
    assert not is_async_callable(returns_a_coroutine)


# -- asked only when needed, at most once ------------------------------------------------------


@override_settings(
    CORS_ORIGIN_CHECKER=f"{HERE}.sync_checker",
    CORS_ALLOWED_ORIGINS=[STATIC, "https://*.wild.example"],
    CORS_ALLOWED_ORIGIN_REGEXES=[r"https://re[0-9]\.example"],
)
@pytest.mark.parametrize("origin", [STATIC, "https://a.wild.example", "https://re1.example"])
def test_not_asked_when_the_static_settings_allow(send: Send, origin: str) -> None:
    assert allowed(send("GET", "/api/items/", {"origin": origin}), origin) == origin
    assert allowed(send.preflight("/api/items/", origin, "GET"), origin) == origin
    assert CALLS == []


@override_settings(CORS_ORIGIN_CHECKER=f"{HERE}.sync_checker")
@pytest.mark.parametrize(
    "origin", ["https://tenant.example]", "https://a b.example", "x" * 600, "https://tenant.example/"]
)
def test_not_asked_for_a_malformed_origin(send: Send, origin: str) -> None:
    assert refused(send("GET", "/api/items/", {"origin": origin})) is None
    assert CALLS == []


@override_settings(CORS_ORIGIN_CHECKER=f"{HERE}.sync_checker")
def test_not_asked_without_an_origin_or_outside_cors_urls(send: Send) -> None:
    send("GET", "/api/items/")
    with override_settings(CORS_URLS_REGEX=r"^/api/"):
        send("GET", "/open-elsewhere/", {"origin": TRUSTED})
    assert CALLS == []


@pytest.mark.parametrize("checker", ["sync_checker", "async_checker"])
@pytest.mark.parametrize("origin", [TRUSTED, UNTRUSTED])
def test_asked_once_per_request(send: Send, checker: str, origin: str) -> None:
    with override_settings(CORS_ORIGIN_CHECKER=f"{HERE}.{checker}"):
        send("GET", "/api/items/", {"origin": origin})
        assert len(CALLS) == 1
        send.preflight("/api/items/", origin, "DELETE", "x-custom")
        assert len(CALLS) == 2
        send("POST", "/api/items/", {"origin": origin})
        assert len(CALLS) == 3


@pytest.mark.parametrize("checker", ["sync_checker", "async_checker"])
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_asked_once_with_replace_https_referer(send: Send, checker: str, method: str) -> None:
    # CORS_REPLACE_HTTPS_REFERER decides in process_view (before CSRF) and again when
    # the response comes back: the checker's answer is kept for the second decision.
    with override_settings(CORS_ORIGIN_CHECKER=f"{HERE}.{checker}", CORS_REPLACE_HTTPS_REFERER=True):
        response = send(method, "/api/echo/", {"origin": TRUSTED, "referer": f"{TRUSTED}/page"}, secure=True)
    assert len(CALLS) == 1
    assert allowed(response, TRUSTED) == TRUSTED
    if method == "GET":
        # The view saw the replaced headers, so the decision in process_view used the answer.
        assert response.json()["HTTP_ORIGIN"] == "https://testserver"


# -- sync and async, WSGI and ASGI -------------------------------------------------------------


@override_settings(CORS_ORIGIN_CHECKER=f"{HERE}.async_checker")
async def test_an_async_checker_is_awaited_on_the_event_loop_under_asgi() -> None:
    loop = asyncio.get_running_loop()
    response = await AsyncClient().get("/api/items/", headers={"origin": TRUSTED})
    assert allowed(response, TRUSTED) == TRUSTED
    (call,) = CALLS
    assert call["kind"] == "async"
    assert call["loop"] is loop  # no thread hop: the same loop, the same thread
    assert call["thread"] == threading.get_ident()


@override_settings(CORS_ORIGIN_CHECKER=f"{HERE}.async_callable_object")
async def test_an_async_callable_object_is_awaited_on_the_event_loop() -> None:
    loop = asyncio.get_running_loop()
    response = await preflight(AsyncClient(), "/api/items/", TRUSTED, "GET")
    assert allowed(response, TRUSTED) == TRUSTED
    (call,) = CALLS
    assert call["loop"] is loop


@override_settings(CORS_ORIGIN_CHECKER=f"{HERE}.sync_checker")
async def test_a_sync_checker_under_asgi_runs_off_the_event_loop() -> None:
    response = await AsyncClient().get("/api/items/", headers={"origin": TRUSTED})
    assert allowed(response, TRUSTED) == TRUSTED
    (call,) = CALLS
    assert call["kind"] == "sync"
    assert call["loop"] is None  # in a worker thread, so it may block without stalling the loop
    assert call["thread"] != threading.get_ident()


@override_settings(CORS_ORIGIN_CHECKER=f"{HERE}.async_checker")
def test_an_async_checker_under_wsgi(sync_send: Send) -> None:
    assert allowed(sync_send("GET", "/api/items/", {"origin": TRUSTED}), TRUSTED) == TRUSTED
    assert refused(sync_send("GET", "/api/items/", {"origin": UNTRUSTED})) is None
    assert [c["kind"] for c in CALLS] == ["async", "async"]


# -- a checker that fails ------------------------------------------------------------------------


@pytest.mark.parametrize("checker", ["raising_checker", "async_raising_checker"])
def test_a_checker_that_raises_refuses_and_is_logged(
    send: Send, checker: str, caplog: pytest.LogCaptureFixture
) -> None:
    with override_settings(CORS_ORIGIN_CHECKER=f"{HERE}.{checker}"), caplog.at_level(logging.ERROR, "crossorigin"):
        response = send("GET", "/api/items/", {"origin": TRUSTED})
        trusted_preflight = send.preflight("/api/items/", TRUSTED, "GET")
        static = send("GET", "/api/items/", {"origin": STATIC})
    assert response.status_code == 200
    assert refused(response) is None
    assert trusted_preflight.status_code == 200
    assert refused(trusted_preflight) is None
    assert allowed(static, STATIC) == STATIC  # the static settings still work
    errors = [r for r in caplog.records if r.name == "crossorigin" and r.levelno == logging.ERROR]
    assert len(errors) == 2
    assert "CORS_ORIGIN_CHECKER raised" in errors[0].getMessage()
    assert errors[0].exc_info is not None
    assert len(CALLS) == 2


# -- the cache ---------------------------------------------------------------------------------


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


HOST = "app.example"  # the Host header: part of the default cache key


def counting_checker(answers: dict[str, bool]) -> tuple[OriginChecker, list[str], Clock]:
    asked: list[str] = []
    clock = Clock()

    def func(origin: str, request: Any) -> bool:
        asked.append(origin)
        return answers.get(origin, False)

    return OriginChecker(func, cache_size=2, cache_ttl=30, clock=clock), asked, clock


def test_positive_answers_are_cached_until_they_expire() -> None:
    checker, asked, clock = counting_checker({"https://a.example": True})
    assert checker.check("https://a.example", HOST)
    assert checker.check("https://a.example", HOST)
    assert asked == ["https://a.example"]
    clock.now += 29.9
    assert checker.check("https://a.example", HOST)
    assert asked == ["https://a.example"]
    clock.now += 0.1  # 30 s after the answer: expired
    assert checker.cached_origins() == []
    assert checker.check("https://a.example", HOST)
    assert asked == ["https://a.example", "https://a.example"]


def test_negative_answers_are_never_cached() -> None:
    checker, asked, _clock = counting_checker({})
    assert not checker.check("https://b.example", HOST)
    assert not checker.check("https://b.example", HOST)
    assert asked == ["https://b.example", "https://b.example"]
    assert checker.cached_origins() == []


def test_the_cache_is_bounded_and_drops_the_least_recently_used() -> None:
    origins = [f"https://t{i}.example" for i in range(5)]
    checker, _asked, _clock = counting_checker(dict.fromkeys(origins, True))
    checker.check(origins[0], HOST)
    checker.check(origins[1], HOST)
    checker.check(origins[0], HOST)  # used again: now the most recent
    checker.check(origins[2], HOST)  # evicts origins[1]
    assert checker.cached_origins() == [origins[0], origins[2]]
    for origin in origins:
        checker.check(origin, HOST)
    assert len(checker.cached_origins()) == 2
    assert len(checker._cache) == 2


async def test_the_async_path_uses_the_same_cache() -> None:
    asked: list[str] = []

    async def func(origin: str, request: Any) -> bool:
        asked.append(origin)
        return True

    checker = OriginChecker(func, cache_size=4, cache_ttl=60, clock=Clock())
    assert await checker.acheck("https://a.example", HOST)
    assert await checker.acheck("https://a.example", HOST)
    assert asked == ["https://a.example"]


def test_no_cache_by_default() -> None:
    asked: list[str] = []

    def func(origin: str, request: Any) -> bool:
        asked.append(origin)
        return True

    checker = OriginChecker(func)
    checker.check("https://a.example", None)
    checker.check("https://a.example", None)
    assert len(asked) == 2


@override_settings(
    CORS_ORIGIN_CHECKER=f"{HERE}.sync_checker",
    CORS_ORIGIN_CHECKER_CACHE_SIZE=10,
    CORS_ORIGIN_CHECKER_CACHE_TTL=5,
)
def test_the_cache_settings_through_the_middleware(send: Send) -> None:
    checker = registry.current().checker
    assert checker is not None
    assert (checker.cache_size, checker.cache_ttl) == (10, 5.0)
    clock = Clock()
    checker._clock = clock
    for _ in range(3):
        assert allowed(send("GET", "/api/items/", {"origin": TRUSTED}), TRUSTED) == TRUSTED
        assert refused(send("GET", "/api/items/", {"origin": UNTRUSTED})) is None
    assert [c["origin"] for c in CALLS] == [TRUSTED, UNTRUSTED, UNTRUSTED, UNTRUSTED]
    clock.now += 5
    send("GET", "/api/items/", {"origin": TRUSTED})
    assert [c["origin"] for c in CALLS].count(TRUSTED) == 2


def tenant_checker(origin: str, request: HttpRequest) -> bool:
    """Allows each shop's front end on its own tenant's host only."""
    record(origin, request, "tenant")
    return (origin, request.get_host()) == ("https://shop-a.example", "a.tenants.example")


@override_settings(CORS_ORIGIN_CHECKER=f"{HERE}.tenant_checker", CORS_ORIGIN_CHECKER_CACHE_SIZE=100)
def test_a_cached_answer_is_not_reused_on_another_host(sync_send: Send) -> None:
    # The sync client only: Django's AsyncClient always sends its own Host header too.
    send = sync_send
    shop = "https://shop-a.example"
    on_a = {"origin": shop, "host": "a.tenants.example"}
    on_b = {"origin": shop, "host": "b.tenants.example"}
    assert allowed(send("GET", "/api/items/", on_a), shop) == shop
    assert allowed(send("GET", "/api/items/", on_a), shop) == shop  # from the cache
    # The checker refuses this origin on tenant B's host: asked there, never answered from A's entry.
    assert refused(send("GET", "/api/items/", on_b)) is None
    assert refused(send("GET", "/api/items/", on_b)) is None
    assert [c["request"].get_host() for c in CALLS] == ["a.tenants.example", "b.tenants.example", "b.tenants.example"]


def path_checker(origin: str, request: HttpRequest) -> bool:
    record(origin, request, "path")
    return request.path == "/api/items/"


# Declared: the answer depends on the path too, so the path is in the key.
path_checker.cache_key = lambda origin, request: (origin, request.path)  # type: ignore[attr-defined]


@override_settings(CORS_ORIGIN_CHECKER=f"{HERE}.path_checker", CORS_ORIGIN_CHECKER_CACHE_SIZE=100)
def test_a_checker_declares_its_own_cache_key(send: Send) -> None:
    assert allowed(send("GET", "/api/items/", {"origin": TRUSTED}), TRUSTED) == TRUSTED
    assert allowed(send("GET", "/api/items/", {"origin": TRUSTED}), TRUSTED) == TRUSTED
    # Same origin, host and policy, another path: the declared key tells them apart.
    assert refused(send("GET", "/api/vary/", {"origin": TRUSTED})) is None
    assert [c["request"].path for c in CALLS] == ["/api/items/", "/api/vary/"]


def test_the_default_key_includes_the_policy() -> None:
    checker, asked, _clock = counting_checker({"https://a.example": True})
    first, second = object(), object()
    assert checker.check("https://a.example", HOST, first)
    assert checker.check("https://a.example", HOST, first)
    assert checker.check("https://a.example", HOST, second)
    assert asked == ["https://a.example", "https://a.example"]


def test_a_declared_key_of_none_is_never_cached() -> None:
    asked: list[str] = []

    def func(origin: str, request: Any) -> bool:
        asked.append(origin)
        return True

    func.cache_key = lambda origin, request: None  # type: ignore[attr-defined]
    checker = OriginChecker(func, cache_size=4)
    checker.check("https://a.example", HOST)
    checker.check("https://a.example", HOST)
    assert len(asked) == 2


@pytest.mark.parametrize(
    ("request_like", "host"),
    [
        ("App.Example:8443", "app.example:8443"),  # a host given as is
        ({"type": "websocket", "headers": [(b"origin", b"x"), (b"host", b"WS.example")]}, "ws.example"),
        ({"type": "http", "headers": []}, None),
        (None, None),
        ("a" * 300, None),  # too long to be a host: not a key
    ],
)
def test_the_host_comes_from_a_request_an_asgi_scope_or_a_string(request_like: object, host: str | None) -> None:
    assert request_host(request_like) == host


# -- mistakes: system checks ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "fragment"),
    [
        ("tests.no_such_module.check", "No module named"),
        (f"{HERE}.no_such_function", "does not define"),
        (f"{HERE}.NOT_CALLABLE", "not callable"),
        (f"{HERE}.one_argument", "cannot be called as checker(origin, request)"),
        (f"{HERE}.AsyncCallable", "it is a class"),
        ("not a dotted path", "doesn't look like a module path"),
    ],
)
def test_an_unusable_checker_is_e016(send: Send, path: str, fragment: str) -> None:
    with override_settings(CORS_ORIGIN_CHECKER=path):
        (message,) = [m for m in check_settings() if m.id == "crossorigin.E016"]
        # Fail closed: no checker, so only the static settings allow; no 500.
        assert refused(send("GET", "/api/items/", {"origin": TRUSTED})) is None
        assert allowed(send("GET", "/api/items/", {"origin": STATIC}), STATIC) == STATIC
    assert fragment in message.msg
    assert path in message.msg
    assert message.hint


@pytest.mark.parametrize("value", [42, "", ["tests.test_checker.sync_checker"]])
def test_a_checker_setting_that_is_not_a_path_is_e016(value: object) -> None:
    with override_settings(CORS_ORIGIN_CHECKER=value):
        assert [m.id for m in check_settings() if m.id == "crossorigin.E016"] == ["crossorigin.E016"]


@pytest.mark.parametrize(
    ("setting", "value"),
    [
        ("CORS_ORIGIN_CHECKER_CACHE_SIZE", -1),
        ("CORS_ORIGIN_CHECKER_CACHE_SIZE", "100"),
        ("CORS_ORIGIN_CHECKER_CACHE_TTL", 0),
        ("CORS_ORIGIN_CHECKER_CACHE_TTL", "60"),
    ],
)
def test_bad_cache_settings_are_e017(setting: str, value: object) -> None:
    with override_settings(CORS_ORIGIN_CHECKER=f"{HERE}.sync_checker", **{setting: value}):
        assert [m.id for m in check_settings() if m.id == "crossorigin.E017"] == ["crossorigin.E017"]


def test_a_valid_checker_has_no_findings() -> None:
    with override_settings(CORS_ORIGIN_CHECKER=f"{HERE}.async_checker", CORS_ORIGIN_CHECKER_CACHE_SIZE=100):
        assert [m for m in check_settings() if m.id in ("crossorigin.E016", "crossorigin.E017")] == []


@override_settings(
    CORS_ORIGIN_CHECKER=f"{HERE}.sync_checker", CORS_URL_POLICIES=[(r"^/public/", {"allowed_origins": []})]
)
def test_the_checker_adds_to_url_and_view_policies_too(send: Send) -> None:
    # tests.views.PolicyClassView allows only https://class.example; the URL policy none.
    assert allowed(send("GET", "/class/", {"origin": TRUSTED}), TRUSTED) == TRUSTED
    class_origin = "https://class.example"
    assert allowed(send("GET", "/class/", {"origin": class_origin}), class_origin) == class_origin
    assert allowed(send("GET", "/public/items/", {"origin": TRUSTED}), TRUSTED) == TRUSTED
    assert refused(send("GET", "/public/items/", {"origin": STATIC})) is None
    # A view that allows every origin never needs to ask.
    assert allowed(send("GET", "/open/", {"origin": UNTRUSTED}), UNTRUSTED) == "*"
    assert [c["origin"] for c in CALLS] == [TRUSTED, TRUSTED, STATIC]
