"""The ``crossorigin`` logger: one escaped DEBUG line per decided request, never more."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from django.http import HttpRequest
from django.test import AsyncClient, Client

from crossorigin._core.policy import Decision, Reason
from crossorigin._http.logs import LOGGED_VALUE_MAX_LENGTH, escape, log_decision
from crossorigin.signals import check_request_enabled
from crossorigin.testing import assert_cors_allowed, assert_cors_denied, preflight

CHECKER = "tests.test_logging.allow_checked_origin"


def allow_checked_origin(origin: str, request: HttpRequest) -> bool:
    """The origin checker used below: it allows one origin."""
    return origin == "https://checked.example"


@pytest.fixture(params=["sync", "async"])
def get(request: pytest.FixtureRequest) -> Any:
    """GET through the test Client or the AsyncClient, returning the response."""
    if request.param == "sync":
        client = Client()

        def sget(path: str, **headers: str) -> Any:
            return client.get(path, headers=headers)

        return sget
    aclient = AsyncClient()

    def aget(path: str, **headers: str) -> Any:
        return async_to_sync(aclient.get)(path, headers=headers)

    return aget


@pytest.fixture
def debug_log(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.DEBUG, logger="crossorigin")
    return caplog


def debug_lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "crossorigin" and r.levelno == logging.DEBUG]


def test_allowed_request_logs_one_line(get: Any, debug_log: pytest.LogCaptureFixture) -> None:
    response = get("/api/items/", Origin="https://example.com")
    assert_cors_allowed(response, "https://example.com")
    assert debug_lines(debug_log) == ["cors allowed-exact policy=global origin=https://example.com path=/api/items/"]


def test_denied_request_logs_one_line(get: Any, debug_log: pytest.LogCaptureFixture) -> None:
    response = get("/api/items/", Origin="https://evil.example")
    assert_cors_denied(response)
    assert debug_lines(debug_log) == [
        "cors origin-not-allowed policy=global origin=https://evil.example path=/api/items/"
    ]


def test_request_without_origin_logs_one_line(get: Any, debug_log: pytest.LogCaptureFixture) -> None:
    get("/api/items/")
    assert debug_lines(debug_log) == ["cors no-origin policy=global origin=- path=/api/items/"]


def test_preflight_logs_one_line_with_refused_names(debug_log: pytest.LogCaptureFixture) -> None:
    response = preflight(Client(), "/api/items/", "https://example.com", "PUT", headers=["x-secret", "content-type"])
    assert_cors_denied(response)
    assert debug_lines(debug_log) == [
        "cors preflight-headers-not-allowed policy=global origin=https://example.com path=/api/items/ refused=x-secret"
    ]


async def test_async_preflight_logs_one_line(debug_log: pytest.LogCaptureFixture) -> None:
    response = await preflight(AsyncClient(), "/api/items/", "https://example.com", "PUT")
    assert_cors_allowed(response, "https://example.com", methods=["PUT"])
    assert debug_lines(debug_log) == ["cors allowed-exact policy=global origin=https://example.com path=/api/items/"]


def test_view_policy_is_named(get: Any, debug_log: pytest.LogCaptureFixture) -> None:
    get("/open/", Origin="https://anyone.example")
    assert debug_lines(debug_log) == [
        "cors allowed-all-origins policy=view:tests.views.open_view origin=https://anyone.example path=/open/"
    ]


def test_checker_decision_logs_one_line(get: Any, debug_log: pytest.LogCaptureFixture, settings: Any) -> None:
    settings.CORS_ORIGIN_CHECKER = CHECKER
    get("/api/items/", Origin="https://checked.example")
    get("/api/items/", Origin="https://unchecked.example")
    assert debug_lines(debug_log) == [
        "cors allowed-checker policy=global origin=https://checked.example path=/api/items/",
        "cors origin-not-allowed policy=global origin=https://unchecked.example path=/api/items/",
    ]


def test_signal_decision_logs_one_line(get: Any, debug_log: pytest.LogCaptureFixture) -> None:
    calls: list[str] = []

    def enable_for_public(sender: object, request: HttpRequest, **kwargs: object) -> bool:
        calls.append(request.path)
        return request.path.startswith("/public/")

    check_request_enabled.connect(enable_for_public)
    try:
        get("/public/items/", Origin="https://signal.example")
    finally:
        check_request_enabled.disconnect(enable_for_public)
    assert calls == ["/public/items/"]
    assert debug_lines(debug_log) == [
        "cors allowed-signal policy=global origin=https://signal.example path=/public/items/"
    ]


async def test_referer_replacement_adds_no_line(debug_log: pytest.LogCaptureFixture, settings: Any) -> None:
    # With CORS_REPLACE_HTTPS_REFERER the view hook decides too; that must not log twice.
    settings.CORS_REPLACE_HTTPS_REFERER = True
    headers = {"Origin": "https://example.com", "Referer": "https://example.com/page"}
    await AsyncClient().post("/api/items/", secure=True, headers=headers)
    assert len(debug_lines(debug_log)) == 1
    await sync_to_async(Client().post)("/api/items/", secure=True, headers=headers)
    assert len(debug_lines(debug_log)) == 2


def test_nothing_is_logged_above_debug(get: Any, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="crossorigin")
    get("/api/items/", Origin="https://example.com")
    assert [r for r in caplog.records if r.name == "crossorigin"] == []


def test_hostile_origin_cannot_forge_lines_or_fields(debug_log: pytest.LogCaptureFixture) -> None:
    hostile = "https://a.example\r\nINFO forged line\x1b[31m red path=/admin \\x0a"
    Client().get("/api/items/", headers={"Origin": hostile})
    (line,) = debug_lines(debug_log)
    assert line == (
        "cors origin-invalid policy=global "
        "origin=https://a.example\\x0d\\x0aINFO\\x20forged\\x20line\\x1b[31m\\x20red\\x20path=/admin\\x20\\x5cx0a "
        "path=/api/items/"
    )
    assert "\n" not in line
    assert "\r" not in line
    assert "\x1b" not in line


def test_huge_origin_is_truncated(debug_log: pytest.LogCaptureFixture) -> None:
    huge = "https://" + "a" * 100_000 + ".example"
    Client().get("/api/items/", headers={"Origin": huge})
    (line,) = debug_lines(debug_log)
    assert len(line) < 400
    assert "origin=https://" + "a" * (LOGGED_VALUE_MAX_LENGTH - len("https://")) + "... " in line


def test_record_carries_structured_fields(debug_log: pytest.LogCaptureFixture) -> None:
    Client().get("/api/items/", headers={"Origin": "https://example.com"})
    (record,) = [r for r in debug_log.records if r.name == "crossorigin"]
    assert (record.cors_reason, record.cors_policy, record.cors_origin, record.cors_path, record.cors_allowed) == (  # type: ignore[attr-defined]
        "allowed-exact",
        "global",
        "https://example.com",
        "/api/items/",
        True,
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, "-"),
        ("", '""'),
        ("https://example.com", "https://example.com"),
        ("a b", "a\\x20b"),
        ("tab\there", "tab\\x09here"),
        ("back\\slash", "back\\x5cslash"),
        ("\x7f\x80", "\\x7f\\x80"),
        ("h\u00e9llo", "h\\xe9llo"),
        ("\u2028", "\\u2028"),
        ("\U0001f600", "\\U0001f600"),
    ],
)
def test_escape(value: str | None, expected: str) -> None:
    assert escape(value) == expected


def test_escape_bounds_the_length() -> None:
    assert escape("x" * (LOGGED_VALUE_MAX_LENGTH + 1)) == "x" * LOGGED_VALUE_MAX_LENGTH + "..."
    assert escape("x" * LOGGED_VALUE_MAX_LENGTH) == "x" * LOGGED_VALUE_MAX_LENGTH


def test_log_decision_escapes_refused_names(debug_log: pytest.LogCaptureFixture) -> None:
    decision = Decision(Reason.PREFLIGHT_HEADERS_NOT_ALLOWED, "global", True, False, refused=("a b", "c"))
    log_decision(decision, "https://example.com", "/p")
    assert debug_lines(debug_log) == [
        "cors preflight-headers-not-allowed policy=global origin=https://example.com path=/p refused=a\\x20b,c"
    ]
