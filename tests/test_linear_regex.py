"""Issue 13 items 3 and 8: configured regexes run in linear time (RE2), or are refused.

The timing goal (no request above 10 ms on a 512-character Origin or an 8 KB path)
lives in the benchmark (``bench/regex_dos.py``); here the tests prove the hostile
inputs reach the linear engine and are answered, and pin the translation rules.
"""

from __future__ import annotations

import re

import pytest
from django.test import override_settings

from crossorigin._config import registry
from crossorigin._config.registry import PolicySet
from crossorigin._config.selection import select_policy
from crossorigin._config.settings import NEVER_MATCHING_PATTERN
from crossorigin._core.linear_regex import (
    SET_PROGRAM_BUDGET,
    TOTAL_PROGRAM_BUDGET,
    LinearPattern,
    LinearSet,
    NeverMatches,
    compile_linear,
)
from crossorigin._core.options import validate_regexes
from crossorigin._core.origins import ORIGIN_MAX_LENGTH
from crossorigin._core.policy import Policy, Reason, decide
from crossorigin.checks import check_settings
from tests.conftest import Send
from tests.cors_asserts import allowed, refused


def route(policies: PolicySet, path: str) -> tuple[int, Policy, bool]:
    """The URL policy ``select_policy`` picks for a path with no view: (index, policy, CORS on)."""
    found = select_policy(policies, path, view=None)
    return found.url_index, found.policy, found.enabled


# The patterns: "any subdomain" and "any path under /api/", both exponential in re.
ORIGIN_BOMB = r"^https://([a-z0-9]+-?)+\.example\.com$"
PATH_BOMB = r"^/api/([a-z0-9]+/?)+$"
# As long as an Origin may be: longer ones are refused before any regex sees them.
HOSTILE_ORIGIN = "https://" + "a" * (ORIGIN_MAX_LENGTH - len("https://.example.org")) + ".example.org"
HOSTILE_PATH = "/api/" + "a" * 8186 + "!"


def test_the_pathological_origin_regex_is_matched_by_re2() -> None:
    with override_settings(CORS_ALLOWED_ORIGIN_REGEXES=[ORIGIN_BOMB]):
        policy = registry.current().global_policy
        assert isinstance(policy.regexes._set, LinearSet)
        assert policy.regexes._set.patterns == (re.compile(ORIGIN_BOMB),)
        assert len(HOSTILE_ORIGIN) == ORIGIN_MAX_LENGTH
        assert decide(policy, HOSTILE_ORIGIN).reason is Reason.ORIGIN_NOT_ALLOWED
        assert decide(policy, "https://a-b-c.example.com").reason is Reason.ALLOWED_REGEX


def test_the_pathological_urls_regex_is_matched_by_re2() -> None:
    with override_settings(CORS_URLS_REGEX=PATH_BOMB):
        policies = registry.current()
        assert isinstance(policies.urls_regex, LinearPattern)
        assert len(HOSTILE_PATH) == 8192
        assert route(policies, HOSTILE_PATH)[2] is False
        assert route(policies, "/api/a/b/c")[2] is True


def test_url_policy_regexes_are_matched_by_re2() -> None:
    with override_settings(CORS_URL_POLICIES=[(PATH_BOMB, {"allow_all_origins": True})]):
        pattern = registry.current().url_policies[0][0]
        assert isinstance(pattern, LinearPattern)
        assert route(registry.current(), HOSTILE_PATH)[0] == -1


def test_hostile_inputs_through_the_middleware(send: Send) -> None:
    with override_settings(CORS_ALLOWED_ORIGIN_REGEXES=[ORIGIN_BOMB], CORS_URLS_REGEX=r"^/api/([a-z0-9]+/?)+$"):
        assert refused(send("GET", "/api/items/", {"Origin": HOSTILE_ORIGIN})) is None
        assert allowed(send("GET", "/api/items/", {"Origin": "https://a-b.example.com"}), "https://a-b.example.com")
        response = send("GET", HOSTILE_PATH, {"Origin": "https://a-b.example.com"})
        assert refused(response) is None


@pytest.mark.parametrize(
    "source",
    [r"^https://(\w)\1\.example$", r"^https://(?!evil)\w+\.example$", r"^(a)?(?(1)b|c)$", r"^(?>a+)$"],
)
def test_patterns_re2_cannot_run_are_refused_with_e040_naming_them(source: str) -> None:
    with override_settings(CORS_ALLOWED_ORIGIN_REGEXES=[source, r"^https://ok\.example$"]):
        messages = [m for m in check_settings() if m.id == "crossorigin.E025"]
        assert len(messages) == 1
        assert repr(source) in messages[0].msg
        assert "CORS_ALLOWED_ORIGIN_REGEXES" in messages[0].msg
        policy = registry.current().global_policy
        assert [p.pattern for p in policy.options.allowed_origin_regexes] == [r"^https://ok\.example$"]
        assert decide(policy, "https://ok.example").allowed


def test_a_refused_urls_regex_enables_cors_nowhere() -> None:
    with override_settings(CORS_URLS_REGEX=r"^/(?!private)"):
        assert "crossorigin.E025" in {m.id for m in check_settings()}
        policies = registry.current()
        assert isinstance(policies.urls_regex, NeverMatches)
        assert route(policies, "/public/")[2] is False


def test_an_invalid_urls_regex_is_reported_once_as_e008() -> None:
    with override_settings(CORS_URLS_REGEX="^/api/("):
        found = {m.id for m in check_settings()}
        assert "crossorigin.E008" in found
        assert "crossorigin.E025" not in found
        # The settings reader's stand-in is one named constant the registry recognises.
        urls_regex = registry.current().urls_regex
        assert isinstance(urls_regex, NeverMatches)
        assert urls_regex.pattern == NEVER_MATCHING_PATTERN


# -- item 8: patterns that would change meaning when joined stay apart -------------------------


def test_numbered_groups_and_conditionals_never_leak_between_patterns() -> None:
    # Joined into one alternation, the second pattern's group 1 would become group 2 and
    # its conditional would test the first pattern's group: RE2 refuses the conditional
    # (E025) and matches every other pattern side by side, each with its own numbering.
    conditional = re.compile(r"^https://(a)?(?(1)x|y)\.example$")
    with override_settings(
        CORS_ALLOWED_ORIGIN_REGEXES=[r"^https://(b)\.example$", conditional, r"^https://(c)(d)?\.example$"]
    ):
        assert "crossorigin.E025" in {m.id for m in check_settings()}
        policy = registry.current().global_policy
        assert policy.regexes.match("https://b.example") == r"^https://(b)\.example$"
        assert policy.regexes.match("https://cd.example") == r"^https://(c)(d)?\.example$"
        # The conditional is not used at all, so neither of its spellings is let in.
        assert policy.regexes.match("https://ax.example") is None
        assert policy.regexes.match("https://y.example") is None


def test_a_set_names_the_first_configured_pattern_that_matches() -> None:
    first, second = re.compile(r"https://(?P<h>a)\.example"), re.compile(r"https://(?P<h>a|b)\.example")
    matcher = LinearSet([first, second])
    assert matcher.match("https://a.example") == first.pattern
    assert matcher.match("https://b.example") == second.pattern
    assert matcher.match("https://c.example") is None


# -- translation from Python's spelling ---------------------------------------------------------


def test_compiled_patterns_keep_their_flags() -> None:
    pattern = compile_linear(re.compile(r"https://API\.example", re.IGNORECASE))
    assert pattern.fullmatch("https://api.example") is not None
    inline = compile_linear(re.compile(r"(?i)https://API\.example"))
    assert inline.fullmatch("https://api.EXAMPLE") is not None
    assert compile_linear(re.compile(r"^a.b$", re.DOTALL)).fullmatch("a\nb") is not None
    assert compile_linear(re.compile(r"^a.b$")).fullmatch("a\nb") is None


def test_verbose_patterns_run_as_python_parses_them() -> None:
    # Issue 21 item 3: the RE2 pattern is written from Python's parse, so re.VERBOSE
    # (whitespace and comments dropped by Python's parser) is no longer refused.
    pattern = compile_linear(re.compile(r"^https:// a \.example $  # comment", re.VERBOSE))
    assert pattern.fullmatch("https://a.example") is not None


def test_python_spellings_re2_writes_differently_keep_their_meaning() -> None:
    assert compile_linear(re.compile(r"https://a\.example\Z")).fullmatch("https://a.example") is not None
    upto_two = compile_linear(re.compile(r"^a{,2}$"))
    assert upto_two.fullmatch("aa") is not None
    assert upto_two.fullmatch("aaa") is None
    # Inside a class the characters are literal in both engines.
    assert compile_linear(re.compile(r"^[{,Z]+$")).fullmatch("Z{,") is not None


def test_match_is_anchored_at_the_start_only() -> None:
    pattern = compile_linear(re.compile(r"/api/"))
    assert pattern.match("/api/items") is not None
    assert pattern.match("/v1/api/") is None


def test_text_without_a_utf8_form_matches_nothing_and_never_raises() -> None:
    assert compile_linear(re.compile(r"^/api/")).match("/api/\udcff") is None
    assert LinearSet([re.compile(r"^/api/.*$")]).match("/api/\udcff") is None


def test_a_set_too_big_for_re2_falls_back_to_each_pattern_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    import re2

    def refuse(self: object) -> None:
        raise re2.error("failed to compile Set")

    monkeypatch.setattr(re2.Set, "Compile", refuse)
    matcher = LinearSet([re.compile(r"https://a\.example"), re.compile(r"https://(b|c)\.example")])
    assert matcher.match("https://c.example") == r"https://(b|c)\.example"
    assert matcher.match("https://d.example") is None


# -- issue 21 item 5: what one request can cost is bounded at start-up, without a clock ---------

CUSTOMERS = [rf"^https://([a-z0-9-]+\.)*customer{i}\.example\.com$" for i in range(200)]
WINDOWS = [rf"^https://[a-z]*{letter}[a-z]{{20}}\.example\.com$" for letter in "abc"]


def test_patterns_are_packed_into_sets_of_bounded_program_size() -> None:
    # One set of all 203 made every Origin character cost a new state of the whole
    # program (3-9 ms a request); each set now holds at most SET_PROGRAM_BUDGET instructions.
    patterns = [re.compile(source) for source in CUSTOMERS + WINDOWS]
    matcher = LinearSet(patterns)
    assert len(matcher._groups) > 1
    for first, found, members in matcher._groups:
        assert matcher.patterns[first : first + len(members)] == tuple(m.source for m in members)
        if len(members) > 1:
            assert found is not None
            assert sum(member.program_size for member in members) <= SET_PROGRAM_BUDGET
    assert [len(members) for _, _, members in LinearSet(patterns)._groups] == [
        len(members) for _, _, members in matcher._groups
    ]
    assert matcher.match("https://x.customer150.example.com") == CUSTOMERS[150]
    assert matcher.match("https://" + "a" * 21 + ".example.com") == WINDOWS[0]
    assert matcher.match("https://" + "z" * 21 + ".example.com") is None


def test_a_pattern_over_the_set_budget_runs_alone() -> None:
    big = re.compile(r"^https://[a-z]{450}\.example\.com$")
    assert compile_linear(big).program_size > SET_PROGRAM_BUDGET
    small = re.compile(r"^https://a\.example$")
    matcher = LinearSet([small, big, small])
    assert [(found, len(members)) for _, found, members in matcher._groups][1] == (None, 1)
    assert matcher.match("https://" + "q" * 450 + ".example.com") == big.pattern
    assert matcher.match("https://a.example") == small.pattern


def test_a_list_over_the_total_budget_is_refused_from_the_pattern_that_crosses_it() -> None:
    window = compile_linear(re.compile(WINDOWS[0])).program_size
    count = TOTAL_PROGRAM_BUDGET // window + 5
    sources = [rf"^https://[a-z]*a[a-z]{{20}}\.example{i}\.com$" for i in range(count)]
    kept, problems = validate_regexes(sources, "CORS_ALLOWED_ORIGIN_REGEXES")
    assert [problem.id for problem in problems] == ["crossorigin.E025"]
    assert sum(compile_linear(p).program_size for p in kept) <= TOTAL_PROGRAM_BUDGET
    assert 0 < len(kept) < len(sources)
    assert [p.pattern for p in kept] == sources[: len(kept)]
    message = problems[0].msg
    assert repr(sources[len(kept)]) in message
    assert str(TOTAL_PROGRAM_BUDGET) in message
    assert f"the {len(sources) - len(kept) - 1} patterns after it" in message
