"""``cors_explain --websocket``: a handshake explained by the rules CorsOriginValidator applies."""

from __future__ import annotations

from typing import Any

import pytest

from crossorigin._explain.websocket import explain_websocket
from tests.conftest import SettingsWrapper
from tests.test_explain import as_json, run


@pytest.fixture(autouse=True)
def _site(settings: SettingsWrapper) -> None:
    settings.ALLOWED_HOSTS = ["localhost"]
    settings.CORS_ALLOWED_ORIGINS = ["https://app.example.com"]
    settings.CORS_ALLOW_CREDENTIALS = True


def test_the_documented_explanation_of_an_accepted_handshake() -> None:
    status, out, _ = run("https://app.example.com", "/ws/echo/", "--websocket", "--credentials")

    assert status == 0
    assert out.strip() == "\n".join(
        [
            "WebSocket handshake from https://app.example.com to ws://localhost/ws/echo/",
            "  socket authenticates by cookie: yes",
            "  policy:  global",
            "  reason:  allowed-exact - The origin is listed in the allowed origins.",
            "",
            "ACCEPTED: a page on the origin can open this socket.",
        ]
    )


def test_a_refused_handshake_exits_1_with_its_reason(settings: SettingsWrapper) -> None:
    settings.CORS_ALLOW_CREDENTIALS = False
    settings.CORS_ALLOW_ALL_ORIGINS = True

    status, out, _ = run("https://any.example", "/ws/echo/", "--websocket", "--credentials", "--secure")

    assert status == 1
    assert "reason:  websocket-credentials-not-allowed" in out
    assert "to wss://localhost/ws/echo/" in out


def test_json_names_the_reason_code() -> None:
    document = as_json("https://evil.example", "/ws/echo/", "--websocket", "--host", "app.example")

    assert document["reason"] == "origin-not-allowed"
    assert (document["websocket"], document["allowed"], document["host"]) == (True, False, "app.example")


def path_checker(origin: str, scope: Any) -> bool:
    return origin == "https://acme.example" and scope["path"] == "/ws/acme/"


def test_the_checker_gets_the_scope_the_arguments_describe(settings: SettingsWrapper) -> None:
    settings.CORS_ORIGIN_CHECKER = "tests.test_explain_websocket.path_checker"

    acme = explain_websocket("https://acme.example", "/ws/acme/")
    other = explain_websocket("https://acme.example", "/ws/other/")

    assert (acme.verdict.accepted, acme.verdict.reason.value) == (True, "allowed-checker")
    assert (other.verdict.accepted, other.verdict.reason.value) == (False, "origin-not-allowed")
