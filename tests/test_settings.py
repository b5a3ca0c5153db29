"""Reading the CORS_* settings: defaults, old aliases, django-dcors names; compiled once."""

from __future__ import annotations

import re
import sys
from types import SimpleNamespace
from typing import Any

import pytest
from django.conf import LazySettings
from django.test import Client, override_settings

from crossorigin._config import registry
from crossorigin._config.settings import SETTING_NAMES, read_settings
from crossorigin._core.options import PolicyOptions
from crossorigin._core.origins import parse_origin
from crossorigin.defaults import default_headers, default_methods
from tests.conftest import Send, SettingsWrapper, cors_headers, preflight_headers


def read(**values: Any) -> Any:
    return read_settings(SimpleNamespace(**values))


def ids(found: Any) -> list[str]:
    return [p.id for p in found.problems]


# -- defaults -------------------------------------------------------------------------


def test_defaults_are_the_incumbents() -> None:
    found = read()
    options = found.options
    assert options == PolicyOptions()
    assert options.allowed_origins == ()
    assert options.allowed_origin_regexes == ()
    assert options.allow_all_origins is False
    assert options.allow_credentials is False
    assert options.allow_methods == default_methods == ("DELETE", "GET", "OPTIONS", "PATCH", "POST", "PUT")
    assert options.allow_headers == default_headers
    assert set(default_headers) == {
        "accept",
        "authorization",
        "content-type",
        "user-agent",
        "x-csrftoken",
        "x-requested-with",
    }
    assert options.expose_headers == ()
    assert options.preflight_max_age == 86400
    assert options.allow_private_network is False
    assert options.allow_all_requested_headers is False
    assert found.urls_regex is None  # r'^.*$': every path
    assert found.url_policies == ()
    assert found.replace_https_referer is False
    assert found.origin_checker is None
    assert found.problems == ()


def test_default_urls_regex_written_out_is_the_default() -> None:
    assert read(CORS_URLS_REGEX=r"^.*$").urls_regex is None


def test_reads_djangos_settings_by_default(settings: SettingsWrapper) -> None:
    settings.CORS_ALLOWED_ORIGINS = ["https://a.example"]
    assert [o.serialize() for o in read_settings().options.allowed_origins] == ["https://a.example"]


def test_every_setting_is_read() -> None:
    found = read(
        CORS_ALLOWED_ORIGINS=["https://a.example"],
        CORS_ALLOWED_ORIGIN_REGEXES=[r"https://.*\.a\.example"],
        CORS_ALLOW_ALL_ORIGINS=False,
        CORS_URLS_REGEX=r"^/api/",
        CORS_ALLOW_METHODS=["GET"],
        CORS_ALLOW_HEADERS=["x-a"],
        CORS_EXPOSE_HEADERS=["x-b"],
        CORS_PREFLIGHT_MAX_AGE=60,
        CORS_ALLOW_CREDENTIALS=True,
        CORS_ALLOW_PRIVATE_NETWORK=True,
        CORS_REPLACE_HTTPS_REFERER=True,
    )
    options = found.options
    assert options.allowed_origins == (parse_origin("https://a.example"),)
    assert [p.pattern for p in options.allowed_origin_regexes] == [r"https://.*\.a\.example"]
    assert options.allow_methods == ("GET",)
    assert options.allow_headers == ("x-a",)
    assert options.expose_headers == ("x-b",)
    assert options.preflight_max_age == 60
    assert options.allow_credentials is True
    assert options.allow_private_network is True
    assert found.urls_regex is not None
    assert found.urls_regex.pattern == r"^/api/"
    assert found.replace_https_referer is True
    assert found.problems == ()


def test_setting_names_lists_every_name() -> None:
    for name in (
        "CORS_ALLOWED_ORIGINS",
        "CORS_ORIGIN_WHITELIST",
        "CORS_ALLOW_ORIGIN",
        "CORS_MAX_AGE",
        "CORS_URLS_REGEX",
    ):
        assert name in SETTING_NAMES


# -- old django-cors-headers names -----------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "value", "attribute"),
    [
        ("CORS_ORIGIN_WHITELIST", "CORS_ALLOWED_ORIGINS", ["https://a.example"], "allowed_origins"),
        (
            "CORS_ORIGIN_REGEX_WHITELIST",
            "CORS_ALLOWED_ORIGIN_REGEXES",
            [r"https://a\.example"],
            "allowed_origin_regexes",
        ),
        ("CORS_ORIGIN_ALLOW_ALL", "CORS_ALLOW_ALL_ORIGINS", True, "allow_all_origins"),
    ],
)
def test_old_names_keep_working_with_an_info(old: str, new: str, value: Any, attribute: str) -> None:
    found = read(**{old: value})
    assert getattr(found.options, attribute)
    assert ids(found) == ["crossorigin.I040"]
    problem = found.problems[0]
    assert old in problem.msg
    assert new in problem.msg
    assert problem.hint is not None
    assert new in problem.hint


@pytest.mark.parametrize(
    ("old", "new", "values", "attribute"),
    [
        ("CORS_ORIGIN_WHITELIST", "CORS_ALLOWED_ORIGINS", (["https://old.example"], []), "allowed_origins"),
        ("CORS_ORIGIN_REGEX_WHITELIST", "CORS_ALLOWED_ORIGIN_REGEXES", ([r".*"], []), "allowed_origin_regexes"),
        ("CORS_ORIGIN_ALLOW_ALL", "CORS_ALLOW_ALL_ORIGINS", (True, False), "allow_all_origins"),
    ],
)
def test_new_name_wins(old: str, new: str, values: tuple[Any, Any], attribute: str) -> None:
    old_value, new_value = values
    found = read(**{old: old_value, new: new_value})
    assert not getattr(found.options, attribute)  # the new name's empty/False value
    assert ids(found) == ["crossorigin.I042"]
    assert old in found.problems[0].msg
    assert "ignored" in found.problems[0].msg


def test_problems_name_the_old_setting_when_it_is_the_one_used() -> None:
    found = read(CORS_ORIGIN_WHITELIST=["example.com"])
    assert ids(found) == ["crossorigin.I040", "crossorigin.E002"]
    assert "CORS_ORIGIN_WHITELIST" in found.problems[1].msg


# -- django-dcors names ------------------------------------------------------------------


def test_dcors_allow_origin_is_one_origin() -> None:
    found = read(CORS_ALLOW_ORIGIN="https://a.example")
    assert [o.serialize() for o in found.options.allowed_origins] == ["https://a.example"]
    assert found.options.allow_all_origins is False
    assert ids(found) == ["crossorigin.I041"]
    assert "CORS_ALLOW_ORIGIN" in found.problems[0].msg
    assert found.problems[0].hint is not None
    assert "CORS_ALLOWED_ORIGINS" in found.problems[0].hint


def test_dcors_allow_origin_star_allows_all() -> None:
    found = read(CORS_ALLOW_ORIGIN="*")
    assert found.options.allow_all_origins is True
    assert found.options.allowed_origins == ()
    assert ids(found) == ["crossorigin.I041"]


def test_dcors_allow_origin_loses_to_the_modern_name() -> None:
    found = read(CORS_ALLOW_ORIGIN="https://a.example", CORS_ALLOWED_ORIGINS=["https://b.example"])
    assert [o.serialize() for o in found.options.allowed_origins] == ["https://b.example"]


def test_dcors_allow_origin_of_the_wrong_type() -> None:
    found = read(CORS_ALLOW_ORIGIN=["https://a.example"])
    assert found.options.allowed_origins == ()
    assert ids(found) == ["crossorigin.I041", "crossorigin.E001"]
    assert "one origin string" in found.problems[1].msg


def test_dcors_allow_origin_malformed_is_reported_under_its_name() -> None:
    found = read(CORS_ALLOW_ORIGIN="a.example")
    assert found.options.allowed_origins == ()
    assert "crossorigin.E002" in ids(found)
    assert any("CORS_ALLOW_ORIGIN" in p.msg for p in found.problems if p.id == "crossorigin.E002")


@pytest.mark.parametrize("value", [True, False, None, "", "no", 0])
def test_dcors_allow_all_origin_present_with_any_value_allows_all(value: Any) -> None:
    found = read(CORS_ALLOW_ALL_ORIGIN=value)
    assert found.options.allow_all_origins is True
    assert "crossorigin.I041" in ids(found)
    if not value:
        # The surprise is spelt out: False still allows all, as it did in django-dcors.
        assert "crossorigin.W009" in ids(found)


def test_dcors_allow_all_origin_loses_to_the_modern_name() -> None:
    assert read(CORS_ALLOW_ALL_ORIGIN=True, CORS_ALLOW_ALL_ORIGINS=False).options.allow_all_origins is False


@pytest.mark.parametrize("value", [True, False, "yes"])
def test_dcors_allow_all_headers_present_reflects_requested_headers(value: Any) -> None:
    found = read(CORS_ALLOW_ALL_HEADERS=value)
    assert found.options.allow_all_requested_headers is True
    assert ids(found) == ["crossorigin.I041"]
    assert found.problems[0].hint is not None
    assert "CORS_ALLOW_HEADERS" in found.problems[0].hint


@pytest.mark.parametrize(("value", "seconds"), [(600, 600), ("600", 600), (0, 0), (None, 0)])
def test_dcors_max_age(value: Any, seconds: int) -> None:
    found = read(CORS_MAX_AGE=value)
    assert found.options.preflight_max_age == seconds
    assert ids(found) == ["crossorigin.I041"]
    assert found.problems[0].hint is not None
    assert "CORS_PREFLIGHT_MAX_AGE" in found.problems[0].hint


def test_dcors_max_age_invalid() -> None:
    found = read(CORS_MAX_AGE="ten minutes")
    assert found.options.preflight_max_age == 0
    assert ids(found) == ["crossorigin.I041", "crossorigin.E012"]
    assert "CORS_MAX_AGE" in found.problems[1].msg


def test_dcors_max_age_loses_to_the_modern_name() -> None:
    assert read(CORS_MAX_AGE=5, CORS_PREFLIGHT_MAX_AGE=7).options.preflight_max_age == 7


@pytest.mark.parametrize(("value", "expected"), [("true", True), ("false", False), ("True", True), (" FALSE ", False)])
def test_dcors_credentials_as_strings(value: str, expected: bool) -> None:
    found = read(CORS_ALLOW_CREDENTIALS=value)
    assert found.options.allow_credentials is expected
    assert ids(found) == ["crossorigin.I041"]
    assert "CORS_ALLOW_CREDENTIALS" in found.problems[0].msg


def test_other_string_for_credentials_is_an_error() -> None:
    found = read(CORS_ALLOW_CREDENTIALS="yes")
    assert found.options.allow_credentials is True  # read for its truth, as the incumbent does
    assert ids(found) == ["crossorigin.E013"]


# -- other settings -------------------------------------------------------------------------


def test_bad_urls_regex_fails_closed() -> None:
    for value in ["^/api/(", 42]:
        found = read(CORS_URLS_REGEX=value)
        assert ids(found) == ["crossorigin.E008"]
        assert "CORS_URLS_REGEX" in found.problems[0].msg
        assert found.urls_regex is not None
        assert found.urls_regex.match("/api/") is None
        assert found.urls_regex.match("") is None


def test_compiled_urls_regex_kept() -> None:
    pattern = re.compile(r"^/api/")
    assert read(CORS_URLS_REGEX=pattern).urls_regex is pattern


def test_replace_https_referer_must_be_a_bool() -> None:
    found = read(CORS_REPLACE_HTTPS_REFERER="yes")
    assert found.replace_https_referer is True
    assert ids(found) == ["crossorigin.E013"]
    assert "CORS_REPLACE_HTTPS_REFERER" in found.problems[0].msg


# -- compiled once -------------------------------------------------------------------------


def test_policies_are_compiled_once_and_rebuilt_on_setting_changed(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []
    real = registry.read_settings

    def counting(*args: Any) -> Any:
        calls.append(1)
        return real(*args)

    monkeypatch.setattr(registry, "read_settings", counting)
    client = Client()
    for _ in range(20):
        client.get("/api/items/", headers={"origin": "https://example.com"})
    assert len(calls) == 1
    first = registry.current()
    assert registry.current() is first

    with override_settings(CORS_ALLOWED_ORIGINS=["https://other.example"]):
        response = client.get("/api/items/", headers={"origin": "https://other.example"})
        assert response["access-control-allow-origin"] == "https://other.example"
        assert len(calls) == 2
    # Leaving override_settings fires setting_changed again.
    assert cors_headers(client.get("/api/items/", headers={"origin": "https://other.example"})) == {}
    assert len(calls) == 3
    with override_settings(SESSION_COOKIE_NAME="x"):
        client.get("/api/items/", headers={"origin": "https://example.com"})
    assert len(calls) == 3  # unrelated settings do not recompile anything
    with override_settings(ROOT_URLCONF="tests.urls"):
        client.get("/api/items/", headers={"origin": "https://example.com"})
    assert len(calls) == 4


class SettingsSpy:
    """Records every CORS_* attribute read from django.conf.settings."""

    def __init__(self) -> None:
        self.names: list[str] = []

    def install(self, monkeypatch: pytest.MonkeyPatch) -> None:
        original = LazySettings.__getattribute__
        names = self.names

        def spy(obj: Any, name: str) -> Any:
            if name.startswith("CORS_"):
                names.append(name)
            return original(obj, name)

        # LazySettings caches values in its __dict__, so only __getattribute__ sees them all.
        monkeypatch.setattr(LazySettings, "__getattribute__", spy)


class RegexSpy:
    """Records the modules that call into ``re`` to compile or look up a pattern."""

    def __init__(self) -> None:
        self.callers: list[str] = []

    def install(self, monkeypatch: pytest.MonkeyPatch) -> None:
        original = re._compile  # type: ignore[attr-defined]
        callers = self.callers

        def spy(*args: Any, **kwargs: Any) -> Any:
            frame = sys._getframe(1)
            while frame is not None and frame.f_globals.get("__name__", "").split(".")[0] == "re":
                frame = frame.f_back  # type: ignore[assignment]
            callers.append(frame.f_globals.get("__name__", "?") if frame is not None else "?")
            return original(*args, **kwargs)

        monkeypatch.setattr(re, "_compile", spy)


def _busy_settings(settings: SettingsWrapper) -> None:
    settings.CORS_ALLOWED_ORIGINS = [f"https://site{i}.example" for i in range(200)]
    settings.CORS_ALLOWED_ORIGIN_REGEXES = [rf"https://r{i}\.example" for i in range(20)]
    settings.CORS_URLS_REGEX = r"^/(api|public)/"
    settings.CORS_EXPOSE_HEADERS = ["X-Total"]


def _many_requests(send: Send) -> None:
    for i in range(30):
        send("GET", "/api/items/", {"origin": f"https://site{i}.example"})
        send("GET", "/api/items/", {"origin": f"https://r{i % 20}.example"})
        send("GET", "/api/items/", {"origin": f"https://nobody{i}.example"})
        send("OPTIONS", "/api/items/", preflight_headers(f"https://site{i}.example", "PUT", "x-a, content-type"))
        send("GET", "/public/items/", {"origin": f"https://site{i}.example"})
        send("GET", "/elsewhere/", {"origin": f"https://site{i}.example"})


def test_no_cors_settings_access_per_request(
    send: Send, settings: SettingsWrapper, monkeypatch: pytest.MonkeyPatch
) -> None:
    _busy_settings(settings)
    send("GET", "/api/items/", {"origin": "https://site0.example"})  # compiles the policies
    spy = SettingsSpy()
    spy.install(monkeypatch)
    _many_requests(send)
    assert spy.names == []


def test_settings_spy_sees_the_incumbent_read_settings(
    settings: SettingsWrapper, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Proves the spy above would catch per-request reads: the incumbent reads them.
    settings.MIDDLEWARE = ["corsheaders.middleware.CorsMiddleware"]
    client = Client()
    client.get("/api/items/", headers={"origin": "https://example.com"})
    spy = SettingsSpy()
    spy.install(monkeypatch)
    client.get("/api/items/", headers={"origin": "https://example.com"})
    assert "CORS_ALLOWED_ORIGINS" in spy.names


def test_no_regex_compilation_per_request(
    send: Send, settings: SettingsWrapper, monkeypatch: pytest.MonkeyPatch
) -> None:
    _busy_settings(settings)
    send("GET", "/api/items/", {"origin": "https://site0.example"})
    spy = RegexSpy()
    spy.install(monkeypatch)
    _many_requests(send)
    assert [c for c in spy.callers if c.startswith("crossorigin")] == []


def test_regex_spy_sees_the_incumbent_compiling(settings: SettingsWrapper, monkeypatch: pytest.MonkeyPatch) -> None:
    settings.MIDDLEWARE = ["corsheaders.middleware.CorsMiddleware"]
    settings.CORS_ALLOWED_ORIGIN_REGEXES = [r"https://r\d\.example"]
    client = Client()
    client.get("/api/items/", headers={"origin": "https://x.example"})
    spy = RegexSpy()
    spy.install(monkeypatch)
    client.get("/api/items/", headers={"origin": "https://x.example"})
    assert "corsheaders.middleware" in spy.callers


def test_no_origin_parsing_per_request(send: Send, settings: SettingsWrapper, monkeypatch: pytest.MonkeyPatch) -> None:
    import crossorigin._core.options
    import crossorigin._core.origins

    _busy_settings(settings)
    send("GET", "/api/items/", {"origin": "https://site0.example"})
    calls: list[str] = []

    def parse(value: str) -> Any:
        calls.append(value)
        raise AssertionError("parse_origin called during a request")

    monkeypatch.setattr(crossorigin._core.origins, "parse_origin", parse)
    monkeypatch.setattr(crossorigin._core.options, "parse_origin", parse)
    _many_requests(send)
    assert calls == []


def test_override_values_are_frozen_for_hashing() -> None:
    frozen = registry.freeze({"b": ["x", {"y"}], "a": 2})
    assert frozen == (("a", 2), ("b", ("x", ("y",))))
    assert hash(frozen)
