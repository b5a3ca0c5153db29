"""Issue 13 item 2: origin regexes are judged by what their compiled matcher accepts.

Each pattern of the issue allowed credentialed attacker origins and no check said so;
now probe origins derived from the pattern run through the RE2 matcher at start-up and
the finding carries the id of the same mistake in the settings.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.conf import settings
from django.test import override_settings

from crossorigin._checks.security import security_problems
from crossorigin._config.registry import PolicySet
from crossorigin._config.settings import read_settings
from crossorigin._core.problems import Problem
from crossorigin._core.regex_probes import probe

# No decorated views here: the findings are the settings' own.
urlpatterns: list[Any] = []
pytestmark = pytest.mark.urls(__name__)


def found(regex: str, **cors: Any) -> list[Problem]:
    with override_settings(CORS_ALLOWED_ORIGIN_REGEXES=[regex], **cors):
        return security_problems(PolicySet(read_settings()), settings)


def about(problems: list[Problem], wanted: str, regex: str) -> Problem:
    (problem,) = [p for p in problems if p.id == wanted and repr(regex) in p.msg]
    assert problem.hint
    return problem


@pytest.mark.parametrize(
    ("regex", "wanted", "accepted"),
    [
        (r"^https://app\.example\.com.*$", "crossorigin.E055", "https://app.example.com.attacker.net"),
        (r"^https?://localhost.*$", "crossorigin.E055", "localhost.attacker.net"),
        (r"^https://.*$", "crossorigin.E020", "https://attacker.net"),
        (r"^(null|https://app\.example\.com)$", "crossorigin.E024", "'null'"),
        (r"^https://[a-z0-9-]+\.github\.io$", "crossorigin.E058", "https://attacker.github.io"),
        (r"^https://[0-9]+\.github\.io$", "crossorigin.E058", "https://00.github.io"),
    ],
)
def test_the_issues_patterns_are_reported_with_credentials(regex: str, wanted: str, accepted: str) -> None:
    problems = found(regex, CORS_ALLOW_CREDENTIALS=True)
    assert accepted in about(problems, wanted, regex).msg
    assert "CORS_ALLOWED_ORIGIN_REGEXES" in about(problems, wanted, regex).msg


def test_errors_need_credentials() -> None:
    assert not [p for p in found(r"^https://.*$") if p.id == "crossorigin.E020"]
    assert about(found(r"^(null|https://a\.example)$"), "crossorigin.W020", r"^(null|https://a\.example)$")


@pytest.mark.parametrize(
    ("regex", "wanted"),
    [(r"^https://api.example\.com$", "crossorigin.W022"), (r"^https://.*example\.com$", "crossorigin.W023")],
)
def test_dots_and_glued_names_are_found_by_behaviour_too(regex: str, wanted: str) -> None:
    problems = found(regex)
    assert len([p for p in problems if p.id == wanted]) == 1  # the text check and the probe: one message


@pytest.mark.parametrize(
    "regex",
    [
        r"^https://app\.example\.com$",
        r"^https://([a-z0-9-]+\.)*example\.com$",
        r"^https://(app|www)\.example\.co\.uk$",
        r"^https://[a-z]+\.example\.com(:[0-9]+)?$",
        r"^http://localhost:[0-9]+$",
    ],
)
def test_safe_patterns_get_no_probe_finding(regex: str) -> None:
    problems = found(regex, CORS_ALLOW_CREDENTIALS=True, SESSION_COOKIE_SAMESITE="None", CSRF_COOKIE_SAMESITE="None")
    assert not [p for p in problems if repr(regex) in p.msg]


def test_probes_run_through_the_compiled_matcher() -> None:
    # Python's re would accept the newline variant of '$'; the probes see what RE2 accepts.
    results = probe(re.compile(r"^https://app\.example\.com.*$"))
    assert results.attacker_suffix == "https://app.example.com.attacker.net"
    assert probe(re.compile(r"^https://(?!x)a\.example$")).attacker_suffix is None  # refused by RE2: matches nothing


def test_a_url_policy_regex_is_probed_under_its_own_credentials() -> None:
    policies = [(r"^/api/", {"allowed_origin_regexes": [r"^https://.*$"], "allow_credentials": True})]
    with override_settings(CORS_URL_POLICIES=policies):
        problems = security_problems(PolicySet(read_settings()), settings)
    problem = about(problems, "crossorigin.E020", r"^https://.*$")
    assert "CORS_URL_POLICIES[0]['allowed_origin_regexes']" in problem.msg
