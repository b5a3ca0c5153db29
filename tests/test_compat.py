"""The same scenarios against django-cors-headers and against us: same headers, same status.

Each scenario is a settings block users really write, and each is sent the same set of
requests through ``corsheaders.middleware.CorsMiddleware`` and through ours, with every
other middleware equal. Status, every ``Access-Control-*`` header and ``Vary`` must be
identical. Where we differ on purpose, a test below says so and why.
"""

from __future__ import annotations

import re
from typing import Any, NamedTuple

import pytest
from django.conf import settings as django_settings
from django.test import Client, override_settings

from crossorigin._config import registry
from tests.conftest import cors_headers, preflight_headers

THEIRS = "corsheaders.middleware.CorsMiddleware"
OURS = "crossorigin.middleware.CorsMiddleware"
REST = [
    "django.middleware.common.CommonMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
]


class Seen(NamedTuple):
    status: int
    cors: dict[str, str]
    vary: str | None


def observe(middleware: str, overrides: dict[str, Any], method: str, path: str, headers: dict[str, str]) -> Seen:
    deleted = [name for name, value in overrides.items() if value is DELETE]
    kept = {name: value for name, value in overrides.items() if value is not DELETE}
    with override_settings(MIDDLEWARE=[middleware, *REST], **kept):
        for name in deleted:
            delattr(django_settings, name)
        registry.reset()  # delattr sends no setting_changed
        response = Client().generic(method, path, headers=headers)
        registry.reset()
    return Seen(response.status_code, cors_headers(response), response.get("Vary"))


def both(overrides: dict[str, Any], method: str, path: str, headers: dict[str, str]) -> tuple[Seen, Seen]:
    return observe(THEIRS, overrides, method, path, headers), observe(OURS, overrides, method, path, headers)


DELETE = object()  # a setting removed from tests/settings.py for the scenario

A = "https://app.example.com"
B = "http://localhost:3000"
STRANGER = "https://stranger.example"

SCENARIOS: dict[str, dict[str, Any]] = {
    "allowed list": {"CORS_ALLOWED_ORIGINS": [A, B]},
    "regexes": {
        "CORS_ALLOWED_ORIGINS": [],
        "CORS_ALLOWED_ORIGIN_REGEXES": [r"^https://\w+\.example\.com$", re.compile(r"^http://localhost:\d+$")],
    },
    "allow all": {"CORS_ALLOW_ALL_ORIGINS": True},
    "allow all with credentials": {"CORS_ALLOW_ALL_ORIGINS": True, "CORS_ALLOW_CREDENTIALS": True},
    "credentials": {"CORS_ALLOWED_ORIGINS": [A], "CORS_ALLOW_CREDENTIALS": True},
    "expose": {"CORS_ALLOWED_ORIGINS": [A], "CORS_EXPOSE_HEADERS": ["X-Total-Count", "Content-Disposition"]},
    "max age 0": {"CORS_ALLOWED_ORIGINS": [A], "CORS_PREFLIGHT_MAX_AGE": 0},
    "max age 600": {"CORS_ALLOWED_ORIGINS": [A], "CORS_PREFLIGHT_MAX_AGE": 600},
    "methods and headers": {
        "CORS_ALLOWED_ORIGINS": [A],
        "CORS_ALLOW_METHODS": ["GET", "POST"],
        "CORS_ALLOW_HEADERS": ["accept", "authorization", "content-type", "x-api-key"],
    },
    "urls regex": {"CORS_ALLOWED_ORIGINS": [A], "CORS_URLS_REGEX": r"^/api/.*$"},
    "private network": {"CORS_ALLOWED_ORIGINS": [A], "CORS_ALLOW_PRIVATE_NETWORK": True},
    "old names": {
        "CORS_ALLOWED_ORIGINS": DELETE,
        "CORS_ORIGIN_WHITELIST": [A],
        "CORS_ORIGIN_REGEX_WHITELIST": [r"^http://localhost:\d+$"],
    },
    "old allow all": {"CORS_ALLOWED_ORIGINS": DELETE, "CORS_ORIGIN_ALLOW_ALL": True},
    "new name wins": {"CORS_ORIGIN_WHITELIST": [STRANGER], "CORS_ALLOWED_ORIGINS": [A]},
    "null and file": {"CORS_ALLOWED_ORIGINS": [A, "null", "file://"]},
    "nothing configured": {"CORS_ALLOWED_ORIGINS": DELETE},
}

REQUESTS: dict[str, tuple[str, str, dict[str, str]]] = {
    "get, no origin": ("GET", "/api/items/", {}),
    "get, A": ("GET", "/api/items/", {"origin": A}),
    "get, B": ("GET", "/api/items/", {"origin": B}),
    "get, stranger": ("GET", "/api/items/", {"origin": STRANGER}),
    "get, http A": ("GET", "/api/items/", {"origin": "http://app.example.com"}),
    "get, null": ("GET", "/api/items/", {"origin": "null"}),
    "get, file": ("GET", "/api/items/", {"origin": "file://"}),
    "get, A, view sets Vary": ("GET", "/api/vary/", {"origin": A}),
    "get, A, outside /api/": ("GET", "/public/items/", {"origin": A}),
    "get, A, private network": ("GET", "/api/items/", {"origin": A, "access-control-request-private-network": "true"}),
    "post, A": ("POST", "/api/items/", {"origin": A}),
    "post, stranger": ("POST", "/api/items/", {"origin": STRANGER}),
    "get, A, 404": ("GET", "/api/nowhere/", {"origin": A}),
    "get, A, APPEND_SLASH redirect": ("GET", "/api/items", {"origin": A}),
    "preflight, A": ("OPTIONS", "/api/items/", preflight_headers(A, "PUT", "content-type,x-api-key")),
    "preflight, B": ("OPTIONS", "/api/items/", preflight_headers(B, "DELETE")),
    "preflight, stranger": ("OPTIONS", "/api/items/", preflight_headers(STRANGER, "PUT")),
    "preflight, A, outside /api/": ("OPTIONS", "/public/items/", preflight_headers(A, "PUT")),
    "preflight, A, view would redirect": ("OPTIONS", "/api/items", preflight_headers(A, "PUT")),
    "preflight, A, auth view": ("OPTIONS", "/api/private/", preflight_headers(A, "GET", "authorization")),
    "preflight, A, private network": (
        "OPTIONS",
        "/api/items/",
        {**preflight_headers(A, "GET"), "access-control-request-private-network": "true"},
    ),
    "options, no origin": ("OPTIONS", "/api/options/", {}),
    "options, stranger, not a preflight": ("OPTIONS", "/api/options/", {"origin": STRANGER}),
}


@pytest.mark.parametrize("request_name", list(REQUESTS))
@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_same_headers_as_django_cors_headers(scenario: str, request_name: str) -> None:
    method, path, headers = REQUESTS[request_name]
    theirs, ours = both(SCENARIOS[scenario], method, path, headers)
    assert ours == theirs


def test_the_harness_sees_a_difference_when_there_is_one() -> None:
    # Guards the test above: one scenario where the two must differ (regex anchoring).
    overrides = {"CORS_ALLOWED_ORIGINS": [], "CORS_ALLOWED_ORIGIN_REGEXES": [r"^https://\w+\.example\.com"]}
    theirs, ours = both(overrides, "GET", "/api/items/", {"origin": "https://a.example.com.evil.net"})
    assert theirs != ours


def test_allowed_origin_on_a_plain_options_request(settings: Any) -> None:
    # An OPTIONS request that is not a preflight reaches the view; both add the
    # preflight headers (allow-headers, allow-methods, max-age) for an allowed origin.
    theirs, ours = both({"CORS_ALLOWED_ORIGINS": [A]}, "OPTIONS", "/api/options/", {"origin": A})
    assert ours == theirs
    assert ours.status == 204


# -- where we differ on purpose -----------------------------------------------------------------


def test_regexes_must_match_the_whole_origin() -> None:
    # The incumbent uses re.match, so an unanchored end lets in any longer origin (B3:
    # https://a.example.com.evil.net). We use fullmatch; anchored regexes behave the same.
    overrides = {"CORS_ALLOWED_ORIGINS": [], "CORS_ALLOWED_ORIGIN_REGEXES": [r"^https://\w+\.example\.com"]}
    evil = "https://a.example.com.evil.net"
    theirs, ours = both(overrides, "GET", "/api/items/", {"origin": evil})
    assert theirs.cors == {"access-control-allow-origin": evil}
    assert ours.cors == {}
    theirs, ours = both(overrides, "GET", "/api/items/", {"origin": "https://a.example.com"})
    assert theirs == ours


@pytest.mark.parametrize(
    "overrides",
    [
        {"CORS_ALLOWED_ORIGINS": [A]},
        {"CORS_ALLOWED_ORIGINS": [A], "CORS_URLS_REGEX": r"^/nothing/"},  # CORS off: the view answers
    ],
)
def test_origin_less_preflight_is_answered_as_the_incumbent_answers_it(overrides: dict[str, Any]) -> None:
    # Browsers always send Origin; health checkers and scanners may not. The incumbent
    # answers such an OPTIONS itself (an empty 200) where CORS is enabled; views that
    # never expected it answered 500 or 403 in real projects (issue 22).
    theirs, ours = both(overrides, "OPTIONS", "/api/options/", preflight_headers(None, "PUT"))
    assert theirs == ours
    assert theirs.status == (200 if "CORS_URLS_REGEX" not in overrides else 204)


@pytest.mark.parametrize("origin", ["https://exa mple.com", "https://example.com/path", "not-an-origin"])
def test_malformed_origins_are_refused_even_when_all_are_allowed(origin: str) -> None:
    # The incumbent sends '*' (allow all) or echoes anything urlsplit() accepts; a
    # malformed Origin is never a browser's, so we send no CORS header for it.
    theirs, ours = both(
        {"CORS_ALLOW_ALL_ORIGINS": True, "CORS_ALLOW_CREDENTIALS": True}, "GET", "/api/items/", {"origin": origin}
    )
    assert theirs.cors["access-control-allow-origin"] == origin
    assert ours.cors == {}
    assert theirs.vary == ours.vary == "origin"


def test_invalid_origin_that_made_the_incumbent_raise() -> None:
    # https://example.com] made urlsplit raise in old versions; today both refuse it.
    theirs, ours = both({"CORS_ALLOWED_ORIGINS": [A]}, "GET", "/api/items/", {"origin": "https://example.com]"})
    assert theirs == ours
    assert ours.cors == {}


@pytest.mark.parametrize(
    ("written", "sent"),
    [
        ("https://app.example.com:443", "https://app.example.com"),
        ("http://localhost:80", "http://localhost"),
        ("https://App.Example.com", "https://app.example.com"),
    ],
)
def test_settings_are_read_in_normal_form(written: str, sent: str) -> None:
    # Browsers never send a default port or upper-case host; the incumbent compares the
    # setting as written, so such an entry silently never matched. We normalise it (and
    # a system check asks for the normal form).
    theirs, ours = both({"CORS_ALLOWED_ORIGINS": [written]}, "GET", "/api/items/", {"origin": sent})
    assert theirs.cors == {}
    assert ours.cors == {"access-control-allow-origin": sent}


def test_credentials_given_as_the_string_false() -> None:
    # django-dcors wrote CORS_ALLOW_CREDENTIALS = "false"; the incumbent reads any
    # non-empty string as True and sends credentials. We honour the dcors meaning.
    theirs, ours = both(
        {"CORS_ALLOWED_ORIGINS": [A], "CORS_ALLOW_CREDENTIALS": "false"}, "GET", "/api/items/", {"origin": A}
    )
    assert theirs.cors["access-control-allow-credentials"] == "true"
    assert "access-control-allow-credentials" not in ours.cors


# -- the import surface users had ---------------------------------------------------------------


def test_defaults_equal_the_incumbents() -> None:
    import corsheaders.defaults

    from crossorigin.defaults import default_headers, default_methods

    assert tuple(default_headers) == tuple(corsheaders.defaults.default_headers)
    assert tuple(default_methods) == tuple(corsheaders.defaults.default_methods)
    # Users extend them in settings.
    assert (*default_headers, "x-api-key")[-1] == "x-api-key"


def test_header_constants_equal_the_incumbents() -> None:
    import corsheaders.middleware

    import crossorigin._core.constants
    import crossorigin.middleware

    names = [n for n in dir(corsheaders.middleware) if n.startswith("ACCESS_CONTROL_")]
    assert len(names) >= 8
    for name in names:
        assert getattr(crossorigin._core.constants, name) == getattr(corsheaders.middleware, name)
        # Importable from the middleware module too, where the incumbent defines them.
        assert getattr(crossorigin.middleware, name) == getattr(corsheaders.middleware, name)


def test_signal_and_middleware_names() -> None:
    from django.dispatch import Signal

    from crossorigin.middleware import CorsMiddleware, CorsPostCsrfMiddleware
    from crossorigin.signals import check_request_enabled

    assert isinstance(check_request_enabled, Signal)
    assert CorsMiddleware.__module__ == CorsPostCsrfMiddleware.__module__ == "crossorigin.middleware"


def test_app_config() -> None:
    from django.apps import apps

    config = apps.get_app_config("crossorigin")
    assert config.name == "crossorigin"
