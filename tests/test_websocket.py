"""WebSocket handshakes decided by the CORS policy (crossorigin.websocket): every origin form and rule."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from crossorigin._core.policy import Reason
from crossorigin._http.websocket import handshake_from_scope, is_own_origin
from crossorigin.contrib.origins import store
from crossorigin.contrib.origins.models import AllowedOrigin
from crossorigin.websocket import Handshake, HandshakeReason, acheck_handshake, check_handshake
from tests.conftest import SettingsWrapper

SITE = "app.example"


def handshake(origin: str | None, path: str = "/ws/chat/", *, cookies: bool = False, scheme: str = "wss") -> Handshake:
    return Handshake(origin, path, scheme, SITE, cookies)


def scope_checker(origin: str, scope: Any) -> bool:
    """A checker that reads the ASGI scope it gets in place of a request: the tenant in the query string."""
    return origin == "https://acme.example" and scope["query_string"] == b"tenant=acme"


async def async_scope_checker(origin: str, scope: Any) -> bool:
    """``scope_checker``, as a coroutine function."""
    return scope_checker(origin, scope)


def failing_checker(origin: str, scope: Any) -> bool:
    raise RuntimeError("down")


@pytest.fixture(autouse=True)
def _hosts(settings: SettingsWrapper) -> None:
    settings.ALLOWED_HOSTS = [SITE]
    settings.DEBUG = False


@pytest.mark.parametrize(
    ("setting", "value", "origin", "reason"),
    [
        ("CORS_ALLOWED_ORIGINS", ["https://front.example"], "https://front.example", Reason.ALLOWED_EXACT),
        ("CORS_ALLOWED_ORIGINS", ["https://*.front.example"], "https://eu.front.example", Reason.ALLOWED_WILDCARD),
        (
            "CORS_ALLOWED_ORIGIN_REGEXES",
            [r"^https://pr-\d+\.preview\.example$"],
            "https://pr-12.preview.example",
            Reason.ALLOWED_REGEX,
        ),
    ],
    ids=["exact", "wildcard", "regex"],
)
def test_an_origin_the_policy_allows_opens_the_socket_and_others_do_not(
    settings: SettingsWrapper, setting: str, value: list[str], origin: str, reason: Reason
) -> None:
    setattr(settings, setting, value)

    accepted = check_handshake(handshake(origin))
    refused = check_handshake(handshake("https://evil.example"))

    assert (accepted.accepted, accepted.reason, accepted.policy) == (True, reason, "global")
    assert (refused.accepted, refused.reason) == (False, Reason.ORIGIN_NOT_ALLOWED)


def test_the_origin_checker_gets_the_scope_in_place_of_a_request(settings: SettingsWrapper) -> None:
    settings.CORS_ORIGIN_CHECKER = "tests.test_websocket.scope_checker"
    h = handshake("https://acme.example")

    tenant = check_handshake(h, {"type": "websocket", "query_string": b"tenant=acme"})
    other = check_handshake(h, {"type": "websocket", "query_string": b"tenant=other"})

    assert (tenant.accepted, tenant.reason) == (True, Reason.ALLOWED_CHECKER)
    assert (other.accepted, other.reason) == (False, Reason.ORIGIN_NOT_ALLOWED)


async def test_an_async_checker_is_awaited_from_the_event_loop(settings: SettingsWrapper) -> None:
    settings.CORS_ORIGIN_CHECKER = "tests.test_websocket.async_scope_checker"

    verdict = await acheck_handshake(handshake("https://acme.example"), {"query_string": b"tenant=acme"})

    assert (verdict.accepted, verdict.reason) == (True, Reason.ALLOWED_CHECKER)


def test_a_failing_checker_refuses_and_is_logged(settings: SettingsWrapper, caplog: pytest.LogCaptureFixture) -> None:
    settings.CORS_ORIGIN_CHECKER = "tests.test_websocket.failing_checker"

    with caplog.at_level(logging.ERROR, logger="crossorigin"):
        verdict = check_handshake(handshake("https://acme.example"), {})

    assert (verdict.accepted, verdict.reason) == (False, Reason.ORIGIN_NOT_ALLOWED)
    assert [r.getMessage() for r in caplog.records] == [
        "crossorigin: CORS_ORIGIN_CHECKER raised; the origin is refused"
    ]


@pytest.mark.django_db
async def test_origins_in_the_database_open_the_socket(settings: SettingsWrapper) -> None:
    settings.CORS_ORIGIN_CHECKER = "crossorigin.contrib.origins.checker.ais_allowed"
    store.reset()
    await AllowedOrigin.objects.acreate(origin="https://*.tenants.example")
    try:
        allowed = await acheck_handshake(handshake("https://one.tenants.example"), {})
        refused = await acheck_handshake(handshake("https://one.others.example"), {})
    finally:
        store.reset()

    assert (allowed.accepted, allowed.reason) == (True, Reason.ALLOWED_CHECKER)
    assert refused.accepted is False


def test_a_url_policy_covers_the_sockets_path(settings: SettingsWrapper) -> None:
    settings.CORS_ALLOWED_ORIGINS = ["https://front.example"]
    settings.CORS_URL_POLICIES = [[r"^/ws/partners/", {"allowed_origins": ["https://partner.example"]}]]

    partner = check_handshake(handshake("https://partner.example", "/ws/partners/feed/"))
    elsewhere = check_handshake(handshake("https://partner.example", "/ws/chat/"))

    assert (partner.accepted, partner.policy) == (True, "url:^/ws/partners/")
    assert (elsewhere.accepted, elsewhere.policy) == (False, "global")


def test_a_path_outside_cors_urls_regex_admits_no_other_origin(settings: SettingsWrapper) -> None:
    settings.CORS_ALLOWED_ORIGINS = ["https://front.example"]
    settings.CORS_URLS_REGEX = r"^/api/"

    verdict = check_handshake(handshake("https://front.example", "/ws/chat/"))

    assert (verdict.accepted, verdict.reason) == (False, Reason.URL_NOT_ENABLED)


def test_the_sites_own_origin_is_accepted_without_any_cors_setting() -> None:
    own = check_handshake(handshake(f"https://{SITE}"))
    other_scheme = check_handshake(handshake(f"http://{SITE}"))

    assert (own.accepted, own.reason) == (True, HandshakeReason.OWN_ORIGIN)
    assert (other_scheme.accepted, other_scheme.reason) == (False, Reason.ORIGIN_NOT_ALLOWED)


@pytest.mark.parametrize(
    ("origin", "scheme", "host", "hosts", "own"),
    [
        ("https://app.example", "wss", None, ["app.example"], True),
        ("http://app.example:8000", "ws", None, ["app.example"], True),
        ("https://eu.app.example", "wss", None, [".app.example"], True),
        ("https://app.example", "ws", None, ["app.example"], False),  # the scheme is the handshake's
        ("https://evil.example", "wss", None, ["app.example"], False),
        # "*" accepts any Host, but makes only the handshake's own Host the site's.
        ("https://evil.example", "wss", "app.example", ["*"], False),
        ("https://app.example", "wss", "app.example", ["*"], True),
        ("http://[::1]:8000", "ws", None, ["[::1]"], True),
        ("null", "wss", "app.example", ["*"], False),
    ],
)
def test_own_origins_follow_allowed_hosts_and_the_handshakes_scheme(
    origin: str, scheme: str, host: str | None, hosts: list[str], own: bool
) -> None:
    assert is_own_origin(origin, scheme, host, hosts) is own


def test_under_debug_with_no_allowed_hosts_localhost_is_the_site(settings: SettingsWrapper) -> None:
    settings.ALLOWED_HOSTS = []
    settings.DEBUG = True

    verdict = check_handshake(Handshake("http://localhost:5173", "/ws/", "ws", "localhost:8000"))

    assert (verdict.accepted, verdict.reason) == (True, HandshakeReason.OWN_ORIGIN)


def test_a_handshake_without_origin_is_accepted_unless_refused_by_choice() -> None:
    assert check_handshake(handshake(None)).reason is HandshakeReason.NO_ORIGIN
    refused = check_handshake(handshake(None), allow_missing_origin=False)
    assert (refused.accepted, refused.reason) == (False, HandshakeReason.NO_ORIGIN_REFUSED)


def test_a_cookie_socket_opens_only_for_origins_allowed_with_credentials(settings: SettingsWrapper) -> None:
    settings.CORS_ALLOW_ALL_ORIGINS = True
    settings.CORS_URL_POLICIES = [
        [
            r"^/ws/private/",
            {"allow_all_origins": False, "allowed_origins": ["https://front.example"], "allow_credentials": True},
        ]
    ]

    public = check_handshake(handshake("https://any.example", cookies=False))
    hijack = check_handshake(handshake("https://any.example", cookies=True))
    private = check_handshake(handshake("https://front.example", "/ws/private/", cookies=True))

    assert (public.accepted, public.reason) == (True, Reason.ALLOWED_ALL_ORIGINS)
    assert (hijack.accepted, hijack.reason) == (False, HandshakeReason.CREDENTIALS_NOT_ALLOWED)
    assert (private.accepted, private.reason) == (True, Reason.ALLOWED_EXACT)


def test_a_malformed_origin_is_refused(settings: SettingsWrapper) -> None:
    settings.CORS_ALLOW_ALL_ORIGINS = True

    verdict = check_handshake(handshake("https://a.example/path\r\n"))

    assert (verdict.accepted, verdict.reason) == (False, Reason.ORIGIN_INVALID)


def test_the_scope_gives_the_handshakes_values() -> None:
    scope = {
        "type": "websocket",
        "path": "/ws/chat/",
        "scheme": "wss",
        "headers": [(b"host", b"app.example"), (b"origin", b"https://front.example"), (b"origin", b"https://second")],
    }

    assert handshake_from_scope(scope, True) == Handshake(
        "https://front.example", "/ws/chat/", "wss", "app.example", True
    )
    assert handshake_from_scope({"type": "websocket"}, False) == Handshake(None, "/", "ws", None, False)


def test_the_documented_call_without_channels(settings: SettingsWrapper) -> None:
    settings.CORS_ALLOWED_ORIGINS = ["https://app.example.com"]
    settings.CORS_ALLOW_CREDENTIALS = True

    verdict = check_handshake(Handshake("https://app.example.com", "/ws/echo/", "wss", "api.example.com", cookies=True))

    assert verdict.accepted, verdict.sentence
