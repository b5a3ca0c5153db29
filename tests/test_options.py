"""The validators shared by global settings, URL policies and per-view policies."""

from __future__ import annotations

import re
from typing import Any

import pytest

from crossorigin._core.options import (
    PolicyOptions,
    validate_allow_headers,
    validate_bool,
    validate_expose_headers,
    validate_max_age,
    validate_methods,
    validate_origins,
    validate_regexes,
)
from crossorigin.defaults import default_headers, default_methods

NAME = "CORS_SETTING"


def ids(problems: list[Any]) -> list[str]:
    return [p.id for p in problems]


# -- origins ------------------------------------------------------------------------------


def test_origins_in_normal_form_pass_silently() -> None:
    (parsed, sources), problems = validate_origins(["https://a.example", "http://localhost:8000"], NAME)
    assert [o.serialize() for o in parsed] == ["https://a.example", "http://localhost:8000"]
    assert sources == ("https://a.example", "http://localhost:8000")
    assert problems == []


@pytest.mark.parametrize("kind", [list, tuple, set, frozenset])
def test_any_collection_is_accepted(kind: type) -> None:
    (parsed, _), problems = validate_origins(kind(["https://a.example"]), NAME)
    assert len(parsed) == 1
    assert problems == []


def test_a_string_instead_of_a_list_is_one_error_and_still_used() -> None:
    (parsed, _), problems = validate_origins("https://a.example", NAME)
    assert ids(problems) == ["crossorigin.E001"]  # one error, not one per character
    assert NAME in problems[0].msg
    assert "not a string" in problems[0].msg
    assert problems[0].hint == f"Write {NAME} = ['https://a.example'] (a string is read one character at a time)."
    assert [o.serialize() for o in parsed] == ["https://a.example"]


@pytest.mark.parametrize("value", [None, 42, {"https://a.example": 1}])
def test_not_a_collection(value: Any) -> None:
    (parsed, _), problems = validate_origins(value, NAME)
    assert parsed == ()
    assert ids(problems) == ["crossorigin.E001"]
    assert type(value).__name__ in problems[0].msg


def test_non_strings_in_the_list() -> None:
    (parsed, _), problems = validate_origins(["https://a.example", 42, None], NAME)
    assert [o.serialize() for o in parsed] == ["https://a.example"]
    assert ids(problems) == ["crossorigin.E001"]
    assert "42" in problems[0].msg


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("example.com", "crossorigin.E002"),  # no scheme
        ("https://", "crossorigin.E002"),  # no host
        ("https://example.com/", "crossorigin.E003"),  # path (trailing slash)
        ("https://example.com/api", "crossorigin.E003"),
        ("https://example.com?x=1", "crossorigin.E003"),
        ("https://example.com#x", "crossorigin.E003"),
        ("https://u@example.com", "crossorigin.E003"),
        ("https://*example.com", "crossorigin.E004"),
        ("*", "crossorigin.E004"),
        ("https://exa mple.com", "crossorigin.E002"),  # a host that is not a host
        ("https://example.com:99999", "crossorigin.E005"),
    ],
)
def test_invalid_origins_are_dropped_with_an_error(raw: str, code: str) -> None:
    (parsed, _), problems = validate_origins(["https://ok.example", raw], NAME)
    assert [o.serialize() for o in parsed] == ["https://ok.example"]
    assert ids(problems) == [code]
    assert repr(raw) in problems[0].msg
    assert NAME in problems[0].msg
    assert problems[0].hint


def test_trailing_slash_hint() -> None:
    _, problems = validate_origins(["https://example.com/"], NAME)
    assert "trailing slash" in problems[0].msg


def test_two_origins_glued_by_a_missing_comma() -> None:
    # ["https://a.example" "https://b.example"] is one string to Python.
    _, problems = validate_origins(["https://a.examplehttps://b.example"], NAME)
    assert ids(problems) == ["crossorigin.E003"]
    assert "should not have a path" in problems[0].msg


@pytest.mark.parametrize(
    ("raw", "normal"),
    [("https://Example.com", "https://example.com"), ("https://example.com:443", "https://example.com")],
)
def test_not_in_normal_form_is_a_warning_and_normalised(raw: str, normal: str) -> None:
    (parsed, _), problems = validate_origins([raw], NAME)
    assert [o.serialize() for o in parsed] == [normal]
    assert ids(problems) == ["crossorigin.I043"]
    assert repr(normal) in problems[0].msg


def test_duplicates_are_merged() -> None:
    (parsed, sources), _ = validate_origins(["https://a.example", "https://a.example:443", "https://a.example"], NAME)
    assert [o.serialize() for o in parsed] == ["https://a.example"]
    assert len(sources) == 3


# -- regexes --------------------------------------------------------------------------------


def test_regexes_compiled_once() -> None:
    compiled = re.compile(r"https://b\.example")
    patterns, problems = validate_regexes([r"https://a\.example", compiled], NAME)
    assert patterns[0].pattern == r"https://a\.example"
    assert patterns[1] is compiled
    assert problems == []


@pytest.mark.parametrize("value", [r"https://a\.example", re.compile(r"https://a\.example")])
def test_a_single_regex_is_one_error_and_still_used(value: Any) -> None:
    patterns, problems = validate_regexes(value, NAME)
    assert len(patterns) == 1
    assert ids(problems) == ["crossorigin.E006"]
    assert NAME in problems[0].msg


def test_bad_regexes() -> None:
    patterns, problems = validate_regexes([r"https://(a", 42, re.compile(rb"bytes"), r"ok"], NAME)
    assert [p.pattern for p in patterns] == ["ok"]
    assert ids(problems) == ["crossorigin.E007", "crossorigin.E006", "crossorigin.E006"]
    assert "not a valid regular expression" in problems[0].msg
    assert "bytes" in problems[2].msg


def test_regexes_of_the_wrong_type() -> None:
    patterns, problems = validate_regexes(None, NAME)
    assert patterns == ()
    assert ids(problems) == ["crossorigin.E006"]


# -- booleans, methods, headers, max age ---------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected", "errors"), [(True, True, 0), (False, False, 0), (1, True, 1), ("", False, 1)]
)
def test_booleans(value: Any, expected: bool, errors: int) -> None:
    result, problems = validate_bool(value, NAME)
    assert result is expected
    assert ids(problems) == ["crossorigin.E013"] * errors


def test_methods_and_headers() -> None:
    assert validate_methods(["GET", "PURGE", "GET"], NAME) == (("GET", "PURGE"), [])
    assert validate_allow_headers([*default_headers, "x-api-key"], NAME) == ((*default_headers, "x-api-key"), [])
    assert validate_expose_headers(("X-Total",), NAME) == (("X-Total",), [])


@pytest.mark.parametrize(
    ("validator", "code"),
    [(validate_methods, "E009"), (validate_allow_headers, "E010"), (validate_expose_headers, "E011")],
)
def test_bad_tokens(validator: Any, code: str) -> None:
    values, problems = validator(["ok", "not ok", "a,b", ""], NAME)
    assert values == ("ok",)
    assert ids(problems) == [f"crossorigin.{code}"] * 3
    values, problems = validator("GET", NAME)
    assert values == ("GET",)
    assert ids(problems) == [f"crossorigin.{code}"]


@pytest.mark.parametrize(
    ("value", "seconds", "errors"),
    [(0, 0, 0), (None, 0, 0), (60, 60, 0), (-1, 0, 1), (True, 0, 1), ("60", 0, 1), (1.5, 0, 1)],
)
def test_max_age(value: Any, seconds: int, errors: int) -> None:
    result, problems = validate_max_age(value, NAME)
    assert result == seconds
    assert ids(problems) == ["crossorigin.E012"] * errors


# -- PolicyOptions.merged ------------------------------------------------------------------------


def test_merged_overrides() -> None:
    base = PolicyOptions()
    merged, problems = base.merged(
        {"allowed_origins": ["https://a.example"], "allow_credentials": True, "allow_methods": ["GET"]}, "where"
    )
    assert problems == []
    assert [o.serialize() for o in merged.allowed_origins] == ["https://a.example"]
    assert merged.origin_sources == ("https://a.example",)
    assert merged.allow_credentials is True
    assert merged.allow_methods == ("GET",)
    assert merged.allow_headers == default_headers
    assert base.allow_methods == default_methods  # the base is untouched


def test_merged_unknown_key_and_bad_value() -> None:
    merged, problems = PolicyOptions().merged(
        {"allow_everything": True, "preflight_max_age": -5}, "CORS_URL_POLICIES[0]"
    )
    assert ids(problems) == ["crossorigin.E015", "crossorigin.E012"]
    assert "allow_everything" in problems[0].msg
    assert "CORS_URL_POLICIES[0]" in problems[0].msg
    assert problems[0].hint is not None
    assert "allowed_origins" in problems[0].hint
    assert "CORS_URL_POLICIES[0]['preflight_max_age']" in problems[1].msg
    assert merged.preflight_max_age == 0


def test_options_are_immutable() -> None:
    import dataclasses

    with pytest.raises(dataclasses.FrozenInstanceError):
        PolicyOptions().allow_credentials = True  # type: ignore[misc]
