"""CORS_URL_POLICIES: ordered (path_regex, overrides) pairs; the first match wins.

An overridden key replaces the global value (it does not extend it); every other key
is inherited from the globals. Each policy is compiled once and checked with the same
system checks as the global settings.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from django.test import override_settings

from crossorigin._config import registry
from crossorigin._core.options import OVERRIDE_KEYS, PolicyOptions
from crossorigin.checks import check_settings
from crossorigin.defaults import default_headers, default_methods
from crossorigin.testing import assert_cors_allowed, assert_cors_denied, cors_headers
from tests.conftest import Send, preflight_headers

pytestmark = pytest.mark.urls("tests.policy_urls")

GLOBAL_ORIGIN = "https://example.com"  # tests.settings.CORS_ALLOWED_ORIGINS
URL_ORIGIN = "https://url.example"
INNER_ORIGIN = "https://inner.example"

ORDERED = [
    (r"^/u/inner/", {"allowed_origins": [INNER_ORIGIN]}),
    (r"^/u/", {"allowed_origins": [URL_ORIGIN], "allow_credentials": True, "allow_methods": ["GET", "PATCH"]}),
    (r"^/u/", {"allow_all_origins": True}),  # never used: the entry above matches first
]


def acao(response: Any) -> str | None:
    return cors_headers(response).get("access-control-allow-origin")


def allowed(send: Send, path: str, origin: str) -> str | None:
    """GET ``path`` from ``origin``, assert that a browser lets it read the answer; its ACAO."""
    response = send("GET", path, {"origin": origin})
    assert_cors_allowed(response, origin)
    return acao(response)


def refused(send: Send, path: str, origin: str) -> str | None:
    """GET ``path`` from ``origin``, assert that a browser refuses the answer; its ACAO."""
    response = send("GET", path, {"origin": origin})
    assert_cors_denied(response)
    return acao(response)


def test_the_override_keys_are_the_global_settings_names() -> None:
    assert sorted(OVERRIDE_KEYS) == sorted(
        [
            "allowed_origins",
            "allowed_origin_regexes",
            "allow_all_origins",
            "allow_credentials",
            "allow_methods",
            "allow_headers",
            "expose_headers",
            "preflight_max_age",
            "allow_private_network",
        ]
    )


# -- order and precedence ------------------------------------------------------------------


@override_settings(CORS_URL_POLICIES=ORDERED)
def test_the_first_matching_policy_wins(send: Send) -> None:
    assert allowed(send, "/u/inner/plain/", INNER_ORIGIN) == INNER_ORIGIN
    assert refused(send, "/u/inner/plain/", URL_ORIGIN) is None
    assert allowed(send, "/u/plain/", URL_ORIGIN) == URL_ORIGIN
    assert refused(send, "/u/plain/", INNER_ORIGIN) is None
    # The third entry (allow all) is shadowed by the second.
    assert refused(send, "/u/plain/", "https://anyone.example") is None


@override_settings(CORS_URL_POLICIES=list(reversed(ORDERED[:2])))
def test_order_is_the_order_written(send: Send) -> None:
    # ^/u/ now comes first and also covers /u/inner/.
    assert allowed(send, "/u/inner/plain/", URL_ORIGIN) == URL_ORIGIN
    assert refused(send, "/u/inner/plain/", INNER_ORIGIN) is None


@override_settings(CORS_URL_POLICIES=ORDERED)
def test_an_override_replaces_the_global_value(send: Send) -> None:
    assert allowed(send, "/plain/", GLOBAL_ORIGIN) == GLOBAL_ORIGIN
    # allowed_origins was overridden under /u/: the global origin is not added to it.
    response = send("GET", "/u/plain/", {"origin": GLOBAL_ORIGIN})
    assert_cors_denied(response)
    assert acao(response) is None
    assert "origin" in response["Vary"]


@override_settings(CORS_URL_POLICIES=ORDERED, CORS_EXPOSE_HEADERS=["X-Global"], CORS_PREFLIGHT_MAX_AGE=600)
def test_keys_not_overridden_are_inherited_from_the_globals(send: Send) -> None:
    response = send.preflight("/u/plain/", URL_ORIGIN, "PATCH")
    assert_cors_allowed(response, URL_ORIGIN, credentials=True)
    headers = cors_headers(response)
    assert headers["access-control-allow-methods"] == "GET, PATCH"  # overridden
    assert headers["access-control-allow-credentials"] == "true"  # overridden
    assert headers["access-control-max-age"] == "600"  # inherited
    assert headers["access-control-allow-headers"] == ", ".join(default_headers)  # inherited
    assert cors_headers(send("GET", "/u/plain/", {"origin": URL_ORIGIN}))["access-control-expose-headers"] == "X-Global"
    # URL policies inherit from the globals only, never from one another.
    inner = cors_headers(send.preflight("/u/inner/plain/", INNER_ORIGIN, "GET"))
    assert inner["access-control-allow-methods"] == ", ".join(default_methods)
    assert "access-control-allow-credentials" not in inner


@override_settings(CORS_URL_POLICIES=ORDERED)
def test_paths_outside_every_policy_get_the_global_policy(send: Send) -> None:
    assert allowed(send, "/other/x", GLOBAL_ORIGIN) == GLOBAL_ORIGIN
    assert refused(send, "/other/x", URL_ORIGIN) is None


@override_settings(CORS_URL_POLICIES=ORDERED, CORS_URLS_REGEX=r"^/plain/")
def test_a_url_policy_enables_cors_outside_cors_urls_regex(send: Send) -> None:
    assert allowed(send, "/u/plain/", URL_ORIGIN) == URL_ORIGIN
    outside = send("GET", "/other/x", {"origin": GLOBAL_ORIGIN})
    assert_cors_denied(outside)
    assert acao(outside) is None
    assert not outside.has_header("Vary")


@override_settings(CORS_URL_POLICIES=[(r"u/", {"allow_all_origins": True})])
def test_path_regexes_match_from_the_start_of_path_info(send: Send) -> None:
    # Like CORS_URLS_REGEX: re.match on path_info, which starts with '/'.
    assert refused(send, "/u/plain/", "https://anyone.example") is None


@override_settings(CORS_URL_POLICIES=[(r"^/u/plain/$", {"allow_all_origins": True})])
def test_a_url_policy_preflight_is_answered_before_the_view(send: Send) -> None:
    response = send.preflight("/u/plain/", "https://anyone.example", "DELETE")
    assert response.status_code == 200
    assert response.content == b""
    assert_cors_allowed(response, "https://anyone.example")
    assert acao(response) == "*"


# -- every override key ---------------------------------------------------------------------

# key, value, how to ask, extra request headers, header to read, value under /u/.
EVERY_KEY = [
    ("allowed_origins", [URL_ORIGIN], "GET", {"origin": URL_ORIGIN}, "access-control-allow-origin", URL_ORIGIN),
    (
        "allowed_origin_regexes",
        [r"https://re[0-9]\.example"],
        "GET",
        {"origin": "https://re7.example"},
        "access-control-allow-origin",
        "https://re7.example",
    ),
    ("allow_all_origins", True, "GET", {"origin": "https://any.example"}, "access-control-allow-origin", "*"),
    ("allow_credentials", True, "GET", {}, "access-control-allow-credentials", "true"),
    ("allow_methods", ["GET", "PATCH"], "PREFLIGHT", {}, "access-control-allow-methods", "GET, PATCH"),
    ("allow_headers", ["x-one", "x-two"], "PREFLIGHT", {}, "access-control-allow-headers", "x-one, x-two"),
    ("expose_headers", ["X-Total"], "GET", {}, "access-control-expose-headers", "X-Total"),
    ("preflight_max_age", 5, "PREFLIGHT", {}, "access-control-max-age", "5"),
    (
        "allow_private_network",
        True,
        "PREFLIGHT",
        {"access-control-request-private-network": "true"},
        "access-control-allow-private-network",
        "true",
    ),
]


def ask(send: Send, how: str, path: str, extra: dict[str, str]) -> dict[str, str]:
    headers = {"origin": GLOBAL_ORIGIN, **extra}
    if how == "PREFLIGHT":
        headers.update(preflight_headers(headers["origin"], "PATCH"))
        return cors_headers(send("OPTIONS", path, headers))
    return cors_headers(send("GET", path, headers))


def test_every_override_key_is_covered_here() -> None:
    assert {row[0] for row in EVERY_KEY} == OVERRIDE_KEYS


@pytest.mark.parametrize("row", EVERY_KEY, ids=[r[0] for r in EVERY_KEY])
def test_every_override_key_takes_effect_under_its_path_only(send: Send, row: tuple[Any, ...]) -> None:
    key, value, how, extra, header, expected = row
    with override_settings(CORS_URL_POLICIES=[(r"^/u/", {key: value})]):
        assert ask(send, how, "/u/plain/", extra).get(header) == expected
        assert ask(send, how, "/plain/", extra).get(header) != expected


@pytest.mark.parametrize(("key", "value"), [(row[0], row[1]) for row in EVERY_KEY], ids=[r[0] for r in EVERY_KEY])
def test_a_policy_differs_from_the_globals_only_in_its_overridden_key(key: str, value: object) -> None:
    with override_settings(CORS_URL_POLICIES=[(r"^/u/", {key: value})]):
        policies = registry.current()
    glob = policies.global_policy.options
    (_pattern, policy, _overrides) = policies.url_policies[0]
    changed = {
        field.name
        for field in dataclasses.fields(PolicyOptions)
        if field.compare and getattr(policy.options, field.name) != getattr(glob, field.name)
    }
    assert changed == {key}


# -- compiled once -------------------------------------------------------------------------


@override_settings(CORS_URL_POLICIES=ORDERED)
def test_policies_are_compiled_once_not_per_request(send: Send, monkeypatch: pytest.MonkeyPatch) -> None:
    send("GET", "/u/plain/", {"origin": URL_ORIGIN})
    compiled = registry.current()

    def no_compiling(*args: object, **kwargs: object) -> None:
        raise AssertionError("a policy was compiled during a request")

    monkeypatch.setattr(PolicyOptions, "merged", no_compiling)
    for path in ("/u/plain/", "/u/inner/plain/", "/plain/"):
        send.preflight(path, URL_ORIGIN, "PATCH")
        send("GET", path, {"origin": URL_ORIGIN})
    assert registry.current() is compiled


def test_changing_the_setting_recompiles() -> None:
    with override_settings(CORS_URL_POLICIES=ORDERED[:1]):
        first = registry.current()
        assert len(first.url_policies) == 1
        with override_settings(CORS_URL_POLICIES=ORDERED):
            assert len(registry.current().url_policies) == 3
    assert registry.current() is not first


# -- system checks ---------------------------------------------------------------------------


def ids(messages: list[Any]) -> list[str]:
    return [m.id for m in messages]


def test_an_unknown_key_is_e015_naming_the_known_keys() -> None:
    with override_settings(CORS_URL_POLICIES=[(r"^/u/", {"allowed_origin": [URL_ORIGIN]})]):
        messages = check_settings()
    (message,) = (m for m in messages if m.id == "crossorigin.E015")
    assert "CORS_URL_POLICIES[0]" in message.msg
    assert "'allowed_origin'" in message.msg
    for key in OVERRIDE_KEYS:
        assert key in (message.hint or "")


# (key, bad value, the global setting with the same mistake, expected id)
SAME_CHECKS = [
    ("allowed_origins", ["https://a.example/"], "CORS_ALLOWED_ORIGINS", "crossorigin.E003"),
    ("allowed_origins", "https://a.example", "CORS_ALLOWED_ORIGINS", "crossorigin.E001"),
    ("allowed_origins", ["a.example"], "CORS_ALLOWED_ORIGINS", "crossorigin.E002"),
    ("allowed_origins", ["https://*a.example"], "CORS_ALLOWED_ORIGINS", "crossorigin.E004"),
    ("allowed_origins", ["https://A.example"], "CORS_ALLOWED_ORIGINS", "crossorigin.I043"),
    ("allowed_origin_regexes", ["https://(a"], "CORS_ALLOWED_ORIGIN_REGEXES", "crossorigin.E007"),
    ("allowed_origin_regexes", r"https://a\.example", "CORS_ALLOWED_ORIGIN_REGEXES", "crossorigin.E006"),
    ("allow_all_origins", "yes", "CORS_ALLOW_ALL_ORIGINS", "crossorigin.E013"),
    ("allow_credentials", 1, "CORS_ALLOW_CREDENTIALS", "crossorigin.E013"),
    ("allow_methods", ["GE T"], "CORS_ALLOW_METHODS", "crossorigin.E009"),
    ("allow_headers", ["x one"], "CORS_ALLOW_HEADERS", "crossorigin.E010"),
    ("expose_headers", ["x,two"], "CORS_EXPOSE_HEADERS", "crossorigin.E011"),
    ("preflight_max_age", -1, "CORS_PREFLIGHT_MAX_AGE", "crossorigin.E012"),
    ("allow_private_network", "true", "CORS_ALLOW_PRIVATE_NETWORK", "crossorigin.E013"),
]


@pytest.mark.parametrize(("key", "bad", "setting", "expected"), SAME_CHECKS)
def test_each_policy_gets_the_same_checks_as_the_globals(key: str, bad: object, setting: str, expected: str) -> None:
    with override_settings(**{setting: bad}):
        as_global = [m for m in check_settings() if m.id == expected]
    with override_settings(CORS_URL_POLICIES=[(r"^/ok/", {}), (r"^/u/", {key: bad})]):
        as_policy = [m for m in check_settings() if m.id == expected]
    assert len(as_global) == 1
    assert len(as_policy) == 1
    assert f"CORS_URL_POLICIES[1][{key!r}]" in as_policy[0].msg


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ({"^/u/": {}}, "should be a list of (path_regex, overrides) pairs, not dict"),
        (r"^/u/", "should be a list of (path_regex, overrides) pairs, not str"),
        ([r"^/u/"], "CORS_URL_POLICIES[0] should be a (path_regex, overrides) pair"),
        ([(r"^/u/", {}, "extra")], "CORS_URL_POLICIES[0] should be a (path_regex, overrides) pair"),
        ([(r"^/u/", ["allow_all_origins"])], "CORS_URL_POLICIES[0] overrides should be a dict, not list"),
        ([(r"^/u/(", {})], "CORS_URL_POLICIES[0] path regex '^/u/(' is not a valid regular expression"),
        ([(b"^/u/", {})], "it is a bytes pattern"),
        ([(None, {})], "CORS_URL_POLICIES[0] path regex None is not a valid regular expression"),
    ],
)
def test_malformed_entries_are_e014_with_a_clear_message(value: object, fragment: str) -> None:
    with override_settings(CORS_URL_POLICIES=value):
        messages = [m for m in check_settings() if m.id == "crossorigin.E014"]
    assert len(messages) == 1
    assert fragment in messages[0].msg


@override_settings(CORS_URL_POLICIES=[(r"^/u/", "allow_all_origins"), (r"^/u/inner/", {"allow_all_origins": True})])
def test_an_entry_whose_overrides_cannot_be_read_closes_its_paths(send: Send) -> None:
    # Not a fallback to the global policy (which the entry was likely meant to narrow),
    # and not the next entry either: its paths allow no origin until it is fixed.
    assert refused(send, "/u/plain/", GLOBAL_ORIGIN) is None
    assert refused(send, "/u/inner/plain/", "https://any.example") is None
    assert allowed(send, "/plain/", GLOBAL_ORIGIN) == GLOBAL_ORIGIN


@override_settings(CORS_URL_POLICIES=[(r"^/u/", {"allowed_origins": ["https://ok.example", "https://bad.example/"]})])
def test_a_bad_origin_in_a_policy_is_dropped_and_the_rest_still_works(send: Send) -> None:
    assert allowed(send, "/u/plain/", "https://ok.example") == "https://ok.example"
    assert refused(send, "/u/plain/", "https://bad.example") is None


def test_a_valid_configuration_has_no_findings() -> None:
    with override_settings(CORS_URL_POLICIES=ORDERED[:2]):
        assert [m for m in check_settings() if m.level >= 40] == []


@pytest.mark.parametrize(
    "overrides",
    [
        {"allow_all_origins": True, "allow_credentials": True},
        {"allowed_origins": ["null"], "allow_credentials": True},
        # Anchored, yet it lets anything follow the host: E055 with credentials.
        {"allowed_origin_regexes": [r"^https://.*\.example\.com.*$"], "allow_credentials": True},
    ],
)
def test_each_policy_gets_the_security_checks_of_the_globals(overrides: dict[str, object]) -> None:
    # The same values as global settings, then as a URL policy: the same error ids,
    # the URL policy's naming the entry.
    as_settings = {f"CORS_{key.upper()}": value for key, value in overrides.items()}
    with override_settings(**as_settings):
        global_findings = {
            m.id for m in check_settings() if m.level >= 30 and any(name in m.msg for name in as_settings)
        }
    with override_settings(CORS_URL_POLICIES=[(r"^/u/", overrides)]):
        policy_findings = {m.id for m in check_settings() if m.level >= 30 and "CORS_URL_POLICIES[0]" in m.msg}
    assert global_findings
    assert global_findings == policy_findings
