"""I046 (was W028) fires only where SameSite=Lax cookies are likely to break credentialed calls; W021's hint is the user's pattern.

I046 needs three things at once: credentials on, a Django cookie in use (the session
cookie with SessionMiddleware, the CSRF cookie with CsrfViewMiddleware), and a
credentialed origin on another site than this one (by registrable domain, from the
Public Suffix List). Each test below changes one of them.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.conf import settings
from django.contrib.sessions.middleware import SessionMiddleware
from django.test import override_settings

from crossorigin._checks.security import security_problems
from crossorigin._checks.site import own_sites, site_of
from crossorigin._config.registry import PolicySet
from crossorigin._config.settings import read_settings
from crossorigin._core import regex_lint
from crossorigin._core.problems import Problem

# The SameSite-cookie check's id, in one place (issue 12 renumbers the warning as an Info).
COOKIE_CHECK = "crossorigin.I046"
CORS = "crossorigin.middleware.CorsMiddleware"
SESSION = "django.contrib.sessions.middleware.SessionMiddleware"
CSRF = "django.middleware.csrf.CsrfViewMiddleware"
COOKIE_SITE = {
    "MIDDLEWARE": [CORS, SESSION, CSRF],
    "ALLOWED_HOSTS": ["api.example.com"],
    "CORS_ALLOW_CREDENTIALS": True,
}

# This module is the URLconf of these tests: no decorated view adds origins of its own.
urlpatterns: list[Any] = []


class ProjectSessionMiddleware(SessionMiddleware):
    """A project's own session middleware: its cookie is the session cookie all the same."""


def found(**values: Any) -> list[Problem]:
    with override_settings(ROOT_URLCONF=__name__, **values):
        return security_problems(PolicySet(read_settings()), settings)


def w028(**values: Any) -> Problem | None:
    matches = [p for p in found(**values) if p.id == COOKIE_CHECK]
    assert len(matches) <= 1
    return matches[0] if matches else None


# -- where it fires ---------------------------------------------------------------------


def test_cross_site_origin_with_cookie_auth_is_w028() -> None:
    problem = w028(**COOKIE_SITE, CORS_ALLOWED_ORIGINS=["https://app.partner.example"])
    assert problem is not None
    assert "'https://app.partner.example'" in problem.msg
    assert "another site than this one (example.com)" in problem.msg
    assert "SESSION_COOKIE_SAMESITE = 'Lax'" in problem.msg
    assert "CSRF_COOKIE_SAMESITE = 'Lax'" in problem.msg
    hint = problem.hint or ""
    assert "SESSION_COOKIE_SAMESITE = 'None'" in hint
    assert "bearer token" in hint
    assert "ALLOWED_HOSTS" in hint


def test_only_the_cookies_in_use_are_named() -> None:
    problem = w028(**{**COOKIE_SITE, "MIDDLEWARE": [CORS, CSRF]}, CORS_ALLOWED_ORIGINS=["https://app.partner.example"])
    assert problem is not None
    assert "CSRF_COOKIE_SAMESITE" in problem.msg
    assert "SESSION_COOKIE_SAMESITE" not in problem.msg


def test_a_subclass_of_session_middleware_counts() -> None:
    middleware = [CORS, f"{__name__}.ProjectSessionMiddleware"]
    problem = w028(**{**COOKIE_SITE, "MIDDLEWARE": middleware}, CORS_ALLOWED_ORIGINS=["https://app.partner.example"])
    assert problem is not None
    assert "SESSION_COOKIE_SAMESITE" in problem.msg


def test_csrf_trusted_origins_do_not_make_an_origin_same_site() -> None:
    # CSRF_TRUSTED_ORIGINS lists the other sites that may post here: they stay other sites.
    problem = w028(
        **COOKIE_SITE,
        CORS_ALLOWED_ORIGINS=["https://app.partner.example"],
        CSRF_TRUSTED_ORIGINS=["https://app.partner.example"],
    )
    assert problem is not None


def test_a_cross_site_regex_is_w028() -> None:
    problem = w028(**COOKIE_SITE, CORS_ALLOWED_ORIGIN_REGEXES=[r"^https://([a-z]+\.)?partner\.example$"])
    assert problem is not None
    assert "partner" in problem.msg


def test_an_unknown_site_warns_and_says_it_cannot_tell() -> None:
    problem = w028(**{**COOKIE_SITE, "ALLOWED_HOSTS": ["*"]}, CORS_ALLOWED_ORIGINS=["https://app.example.com"])
    assert problem is not None
    assert "cannot tell" in problem.msg


# -- where it stays quiet ----------------------------------------------------------------


def test_no_cookie_middleware_means_no_w028() -> None:
    # A token-authenticated API: nothing sets a session or CSRF cookie.
    assert w028(**{**COOKIE_SITE, "MIDDLEWARE": [CORS]}, CORS_ALLOWED_ORIGINS=["https://app.partner.example"]) is None


def test_csrf_use_sessions_without_session_middleware_means_no_w028() -> None:
    values = {**COOKIE_SITE, "MIDDLEWARE": [CORS, CSRF], "CSRF_USE_SESSIONS": True}
    assert w028(**values, CORS_ALLOWED_ORIGINS=["https://app.partner.example"]) is None


def test_same_site_origins_mean_no_w028() -> None:
    origins = ["https://app.example.com", "https://*.example.com"]
    assert w028(**COOKIE_SITE, CORS_ALLOWED_ORIGINS=origins) is None
    assert w028(**COOKIE_SITE, CORS_ALLOWED_ORIGIN_REGEXES=[r"^https://[a-z]+\.example\.com$"]) is None


def test_the_session_cookie_domain_names_the_site() -> None:
    values = {**COOKIE_SITE, "ALLOWED_HOSTS": ["*"], "SESSION_COOKIE_DOMAIN": ".example.com"}
    assert w028(**values, CORS_ALLOWED_ORIGINS=["https://app.example.com"]) is None
    assert w028(**values, CORS_ALLOWED_ORIGINS=["https://app.partner.example"]) is not None


def test_debug_with_empty_allowed_hosts_is_the_loopback_site() -> None:
    values = {**COOKIE_SITE, "ALLOWED_HOSTS": [], "DEBUG": True}
    assert w028(**values, CORS_ALLOWED_ORIGINS=["http://localhost:3000"]) is None


def test_samesite_none_cookies_mean_no_w028() -> None:
    values = {**COOKIE_SITE, "SESSION_COOKIE_SAMESITE": "None", "CSRF_COOKIE_SAMESITE": "None"}
    assert w028(**values, CORS_ALLOWED_ORIGINS=["https://app.partner.example"]) is None


# -- the site helpers ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("host", "site"),
    [
        ("a.b.example.co.uk", "example.co.uk"),
        ("API.Example.com", "example.com"),
        ("example.com.", "example.com"),
        ("127.0.0.1", "127.0.0.1"),
        ("localhost", "localhost"),
        ("[::1]", "[::1]"),
    ],
)
def test_site_of(host: str, site: str) -> None:
    assert site_of(host) == site


def test_own_sites_reads_hosts_ports_and_cookie_domains() -> None:
    with override_settings(
        ALLOWED_HOSTS=["api.example.com:8000", ".example.org", "*", "[::1]:8000"], CSRF_COOKIE_DOMAIN="b.example.net"
    ):
        assert own_sites(settings) == {"example.com", "example.org", "[::1]", "example.net"}


@pytest.mark.parametrize(
    ("source", "host"),
    [
        (r"^https://.*\.partner\.com$", "partner.com"),
        (r"^https://([a-z]+\.)?partner\.com$", "partner.com"),
        (r"^https://[a-z]+$", None),
        (r"^https://app\.example\.com(:[0-9]+)?$", None),  # the end is a group: not read
    ],
)
def test_literal_host_suffix(source: str, host: str | None) -> None:
    assert regex_lint.literal_host_suffix(source) == host


# -- W021: the user's own pattern, corrected ----------------------------------------------------


@pytest.mark.parametrize(
    ("pattern", "corrected"),
    [
        (r"^https://app\.example\.com", r"r'^https://app\.example\.com$'"),
        (r"^https://.*\.example\.com", r"r'^https://.*\.example\.com$'"),
        (
            r"^https://a\.example\.com$|^https://b\.example\.com",
            r"r'(?:^https://a\.example\.com$|^https://b\.example\.com)$'",
        ),
    ],
)
def test_w021_hint_shows_the_pattern_corrected(pattern: str, corrected: str) -> None:
    (problem,) = [p for p in found(CORS_ALLOWED_ORIGIN_REGEXES=[pattern]) if p.id == "crossorigin.I054"]
    hint = problem.hint or ""
    assert corrected in hint
    # The corrected pattern is anchored: it no longer admits an attacker's suffix.
    written = re.search(r"r'(.*?)'\.", hint)
    assert written is not None
    compiled = re.compile(written.group(1))
    assert regex_lint.is_anchored_at_end(compiled)
    assert compiled.match("https://app.example.com.evil.net") is None


def test_w021_hint_offers_the_port_form_of_the_same_pattern() -> None:
    (problem,) = [
        p for p in found(CORS_ALLOWED_ORIGIN_REGEXES=[r"^https://app\.example\.com"]) if p.id == "crossorigin.I054"
    ]
    assert r"r'^https://app\.example\.com(:[0-9]+)?$'" in (problem.hint or "")


@pytest.mark.parametrize(
    ("pattern", "corrected"),
    [
        (r"^https://app\.example\.com.*$", r"r'^https://app\.example\.com$'"),
        (r"^https?://localhost.*$", r"r'^https?://localhost$'"),
    ],
)
def test_w021_found_by_a_probe_shows_the_users_pattern_with_its_open_end_closed(pattern: str, corrected: str) -> None:
    # These end in '$', so only the probe (an attacker's suffix the pattern accepts) finds them.
    (problem,) = [p for p in found(CORS_ALLOWED_ORIGIN_REGEXES=[pattern]) if p.id == "crossorigin.W021"]
    hint = problem.hint or ""
    assert corrected in hint
    written = re.search(r"r'(.*?)',", hint)
    assert written is not None
    assert re.fullmatch(written.group(1), "https://app.example.com.attacker.net") is None
