"""The start-up security checks (crossorigin.E020-E024, W020-W034, I021-I022).

Each misconfiguration class of CORS-FACTS.md (B1-B17) that a check can see has a test
that the check fires, names the setting and the fix, and stays quiet on the safe form.
The errors are reported, not enforced: with the check silenced the middleware answers
exactly as django-cors-headers does, which the last tests compare header by header.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory, override_settings
from django.urls import path

from crossorigin._checks.security import security_problems
from crossorigin._config.registry import PolicySet
from crossorigin._config.settings import read_settings
from crossorigin._core import public_suffix
from crossorigin._core.problems import Level, Problem
from crossorigin.checks import check_settings
from crossorigin.decorators import cors_policy
from crossorigin.middleware import CorsMiddleware

ROOT = Path(__file__).resolve().parent.parent


# A URLconf of our own, so the view checks see exactly these decorated views.
@cors_policy(allow_all_origins=True)
def open_view(request: HttpRequest) -> HttpResponse:
    return HttpResponse("open")


@cors_policy(allowed_origins=["http://partner.example"], allow_credentials=True)
def partner_view(request: HttpRequest) -> HttpResponse:
    return HttpResponse("partner")


def plain_view(request: HttpRequest) -> HttpResponse:
    return HttpResponse("plain")


urlpatterns = [path("open/", open_view), path("partner/", partner_view), path("plain/", plain_view)]
NO_VIEWS = "tests.test_security_checks_noviews"


@pytest.fixture(autouse=True)
def _only_plain_views() -> Iterator[None]:
    """Most tests look at the settings alone: a URLconf without decorated views."""
    module = type(sys)("tests.test_security_checks_noviews")
    module.urlpatterns = [path("plain/", plain_view)]  # type: ignore[attr-defined]
    sys.modules[NO_VIEWS] = module
    with override_settings(ROOT_URLCONF=NO_VIEWS):
        yield
    del sys.modules[NO_VIEWS]


def found(**cors: Any) -> list[Problem]:
    """The security problems for these settings."""
    with override_settings(**cors):
        return security_problems(PolicySet(read_settings()), settings)


def ids(problems: list[Problem]) -> list[str]:
    return [p.id for p in problems]


def only(problems: list[Problem], wanted: str) -> Problem:
    (problem,) = [p for p in problems if p.id == wanted]
    assert problem.hint, "every security finding names the fix"
    return problem


SAFE_COOKIES = {
    "SESSION_COOKIE_SAMESITE": "None",
    "CSRF_COOKIE_SAMESITE": "None",
    "SESSION_COOKIE_SECURE": True,
    "CSRF_COOKIE_SECURE": True,
}


# -- errors -----------------------------------------------------------------------------


def test_b1_allow_all_with_credentials_is_error_e020() -> None:
    problem = only(found(CORS_ALLOW_ALL_ORIGINS=True, CORS_ALLOW_CREDENTIALS=True), "crossorigin.E020")
    assert problem.level is Level.ERROR
    assert "CORS_ALLOW_ALL_ORIGINS" in problem.msg
    assert "CORS_ALLOW_CREDENTIALS" in problem.msg
    assert "CORS_ALLOWED_ORIGINS" in (problem.hint or "")


def test_allow_all_without_credentials_is_not_an_error() -> None:
    assert "crossorigin.E020" not in ids(found(CORS_ALLOW_ALL_ORIGINS=True))


def test_b9_star_origin_with_credentials_is_warning_w051_besides_e004() -> None:
    with override_settings(CORS_ALLOWED_ORIGINS=["*"], CORS_ALLOW_CREDENTIALS=True, **SAFE_COOKIES):
        messages = check_settings()
    assert {"crossorigin.E004", "crossorigin.W051"} <= {m.id for m in messages}
    assert "crossorigin.W051" not in ids(found(CORS_ALLOWED_ORIGINS=["*"]))


@pytest.mark.parametrize(
    ("setting", "code"),
    [("CORS_ALLOW_HEADERS", "W052"), ("CORS_ALLOW_METHODS", "W052"), ("CORS_EXPOSE_HEADERS", "W053")],
)
def test_b10_star_in_header_and_method_lists_with_credentials(setting: str, code: str) -> None:
    problems = found(**{setting: ["*"]}, CORS_ALLOW_CREDENTIALS=True, CORS_ALLOWED_ORIGINS=["https://a.example"])
    assert setting in only(problems, f"crossorigin.{code}").msg
    assert f"crossorigin.{code}" not in ids(found(**{setting: ["*"]}))


def test_star_in_allowed_headers_without_authorization_is_info_i022() -> None:
    problem = only(found(CORS_ALLOW_HEADERS=["*"]), "crossorigin.I022")
    assert "Authorization" in problem.msg
    assert "crossorigin.I022" not in ids(found(CORS_ALLOW_HEADERS=["*", "Authorization"]))


def test_b2_null_origin_is_warning_w020_and_error_e024_with_credentials() -> None:
    assert only(found(CORS_ALLOWED_ORIGINS=["null"]), "crossorigin.W020").level is Level.WARNING
    problems = found(CORS_ALLOWED_ORIGINS=["null"], CORS_ALLOW_CREDENTIALS=True)
    assert only(problems, "crossorigin.E024").level is Level.ERROR
    assert "crossorigin.W020" not in ids(problems)


def test_file_origin_is_warning_w020() -> None:
    assert "file://" in only(found(CORS_ALLOWED_ORIGINS=["file://"]), "crossorigin.W020").msg


# -- origin regexes -------------------------------------------------------------------


def test_b3_regex_not_anchored_at_the_end_is_note_i054() -> None:
    problem = only(found(CORS_ALLOWED_ORIGIN_REGEXES=[r"^https://.*\.example\.com"]), "crossorigin.I054")
    assert "fullmatch" in problem.msg
    assert "re.match" in problem.msg


@pytest.mark.parametrize(
    "regex",
    [
        r"^https://.*\.example\.com$",
        r"^https://(a|b)\.example\.com\Z",
        r"^https://a\.example\.com$|^https://b\.example\.com$",
        r"^https://.*",  # a prefix match and a whole match accept the same origins
    ],
)
def test_regexes_anchored_at_the_end_get_no_i054(regex: str) -> None:
    assert "crossorigin.I054" not in ids(found(CORS_ALLOWED_ORIGIN_REGEXES=[regex]))


def test_an_alternative_without_an_end_anchor_is_i054() -> None:
    regexes = [r"^https://a\.example\.com$|^https://b\.example\.com"]
    assert "crossorigin.I054" in ids(found(CORS_ALLOWED_ORIGIN_REGEXES=regexes))


def test_b3_what_w021_is_about_prefix_matching_against_whole_matching() -> None:
    corsheaders = pytest.importorskip("corsheaders.middleware")
    factory = RequestFactory()
    hostile = {"origin": "https://a.example.com.evil.net"}
    with override_settings(CORS_ALLOWED_ORIGIN_REGEXES=[r"^https://.*\.example\.com"]):
        theirs = corsheaders.CorsMiddleware(_cors_view)(factory.get("/plain/", headers=hostile))
        ours = CorsMiddleware(_cors_view)(factory.get("/plain/", headers=hostile))
    assert theirs["access-control-allow-origin"] == "https://a.example.com.evil.net"
    assert "access-control-allow-origin" not in ours


@pytest.mark.parametrize(
    ("regex", "dots"),
    [
        (r"(?i)^https://api.example.com$", 2),
        (r"^https://api[.]example\.com$", 0),
        (r"^https://(?P<sub>[a-z]+)\.example\.com$", 0),
        (r"^https://(?:www.)?example\.com$", 1),
        (r"^https://[^.]+\.example\.com$", 0),
    ],
)
def test_w022_reads_escapes_classes_and_groups(regex: str, dots: int) -> None:
    # Found by what the pattern accepts (the probes), which names the accepted origin.
    problems = found(CORS_ALLOWED_ORIGIN_REGEXES=[regex])
    assert ("crossorigin.W022" in ids(problems)) is bool(dots)


def test_b4_unescaped_dot_in_the_host_is_warning_w022() -> None:
    problem = only(found(CORS_ALLOWED_ORIGIN_REGEXES=[r"^https://api.example.com$"]), "crossorigin.W022")
    assert "'https://apixexample.com'" in problem.msg
    assert "crossorigin.W022" not in ids(found(CORS_ALLOWED_ORIGIN_REGEXES=[r"^https://api\.example\.com$"]))
    # '.' quantified ('.*', '.+') is a deliberate "anything", not a forgotten backslash.
    assert "crossorigin.W022" not in ids(found(CORS_ALLOWED_ORIGIN_REGEXES=[r"^https://.+\.example\.com$"]))


def test_b5_repeat_glued_to_a_name_in_a_regex_is_warning_w023() -> None:
    problem = only(found(CORS_ALLOWED_ORIGIN_REGEXES=[r"^https://.*example\.com$"]), "crossorigin.W023")
    assert ".*example" in problem.msg
    safe = [r"^https://([a-z0-9-]+\.)*example\.com$"]
    assert "crossorigin.W023" not in ids(found(CORS_ALLOWED_ORIGIN_REGEXES=safe))


def test_b6_regex_admitting_http_with_credentials_is_w024() -> None:
    regexes = [r"^https?://app\.example\.com$"]
    assert "crossorigin.W024" in ids(found(CORS_ALLOWED_ORIGIN_REGEXES=regexes, CORS_ALLOW_CREDENTIALS=True))
    assert "crossorigin.W024" not in ids(found(CORS_ALLOWED_ORIGIN_REGEXES=regexes))
    loopback = [r"^http://localhost:[0-9]+$", r"^(http|https)://127\.0\.0\.1(:[0-9]+)?$"]
    assert "crossorigin.W024" not in ids(found(CORS_ALLOWED_ORIGIN_REGEXES=loopback, CORS_ALLOW_CREDENTIALS=True))
    https_only = [r"^https://app\.example\.com$"]
    assert "crossorigin.W024" not in ids(found(CORS_ALLOWED_ORIGIN_REGEXES=https_only, CORS_ALLOW_CREDENTIALS=True))


# -- origins ------------------------------------------------------------------------------


def test_b6_plain_http_origin_with_credentials_is_w024_naming_the_https_form() -> None:
    problems = found(CORS_ALLOWED_ORIGINS=["http://app.example.com"], CORS_ALLOW_CREDENTIALS=True)
    assert "'https://app.example.com'" in (only(problems, "crossorigin.W024").hint or "")
    assert "crossorigin.W024" not in ids(found(CORS_ALLOWED_ORIGINS=["http://app.example.com"]))


@pytest.mark.parametrize(
    "origin",
    [
        "http://localhost:3000",
        "http://127.0.0.1:8000",
        "http://[::1]:8000",
        "http://localhost:*",
        "http://app.localhost",
    ],
)
def test_b6_loopback_http_origins_are_exempt(origin: str) -> None:
    assert "crossorigin.W024" not in ids(found(CORS_ALLOWED_ORIGINS=[origin], CORS_ALLOW_CREDENTIALS=True))


@pytest.mark.parametrize(
    "origin", ["https://*.github.io", "https://*.co.uk", "https://*.com", "https://*.herokuapp.com"]
)
def test_b7_wildcard_over_a_public_suffix_is_w025(origin: str) -> None:
    assert origin in only(found(CORS_ALLOWED_ORIGINS=[origin]), "crossorigin.W025").msg


@pytest.mark.parametrize(
    "origin", ["https://*.example.com", "https://*.me.github.io", "https://*.example.co.uk", "https://*.intranet.corp"]
)
def test_b7_wildcard_under_a_registrable_domain_is_fine(origin: str) -> None:
    assert "crossorigin.W025" not in ids(found(CORS_ALLOWED_ORIGINS=[origin]))


@pytest.mark.parametrize("origin", ["https://*.com", "https://*.corp", "https://*.internal", "http://*.lan:*"])
def test_a_wildcard_over_a_single_label_is_always_w025(origin: str) -> None:
    # '.corp' is on no public list (so the list alone says nothing): it is still every host under a name.
    assert origin in only(found(CORS_ALLOWED_ORIGINS=[origin]), "crossorigin.W025").msg
    assert "crossorigin.W025" not in ids(found(CORS_ALLOWED_ORIGINS=["http://*.localhost:*"]))


def test_the_public_suffix_check_runs_in_the_default_install() -> None:
    from importlib.metadata import requires

    unconditional = [r for r in requires("django-crossorigin") or [] if "extra ==" not in r]
    assert any(r.startswith("publicsuffixlist") for r in unconditional)
    assert public_suffix.is_public_suffix("github.io")


def test_origin_not_in_normal_form_says_what_it_became_w008() -> None:
    with override_settings(CORS_ALLOWED_ORIGINS=["https://API.Example.com:443"]):
        (message,) = [m for m in check_settings() if m.id == "crossorigin.I043"]
    assert "'https://api.example.com'" in message.msg


# -- forbidden names ----------------------------------------------------------------------


def test_forbidden_request_headers_are_w026() -> None:
    problem = only(
        found(CORS_ALLOW_HEADERS=["content-type", "Cookie", "Sec-Fetch-Mode", "proxy-authorization"]),
        "crossorigin.W026",
    )
    for name in ("Cookie", "Sec-Fetch-Mode", "proxy-authorization"):
        assert name in problem.msg
    assert "content-type" not in problem.msg


def test_forbidden_methods_are_w027() -> None:
    problem = only(found(CORS_ALLOW_METHODS=["GET", "TRACE", "connect"]), "crossorigin.W027")
    assert "TRACE" in problem.msg
    assert "connect" in problem.msg


def test_exposing_set_cookie_is_w030() -> None:
    assert "Set-Cookie" in only(found(CORS_EXPOSE_HEADERS=["Set-Cookie", "X-Total"]), "crossorigin.W030").msg


# -- cookies and CSRF ---------------------------------------------------------------------


def test_credentials_with_lax_cookies_is_w028() -> None:
    problem = only(
        found(CORS_ALLOWED_ORIGINS=["https://app.other.example"], CORS_ALLOW_CREDENTIALS=True), "crossorigin.I046"
    )
    assert "SESSION_COOKIE_SAMESITE = 'Lax'" in problem.msg
    assert "CSRF_COOKIE_SAMESITE" in problem.msg


def test_credentials_with_samesite_none_cookies_is_fine() -> None:
    problems = found(CORS_ALLOWED_ORIGINS=["https://app.other.example"], CORS_ALLOW_CREDENTIALS=True, **SAFE_COOKIES)
    assert not {"crossorigin.I046", "crossorigin.W047"} & set(ids(problems))


def test_csrf_use_sessions_leaves_only_the_session_cookie_to_check() -> None:
    problems = found(
        CORS_ALLOWED_ORIGINS=["https://app.other.example"],
        CORS_ALLOW_CREDENTIALS=True,
        CSRF_USE_SESSIONS=True,
        SESSION_COOKIE_SAMESITE="Strict",
    )
    problem = only(problems, "crossorigin.I046")
    assert "SESSION_COOKIE_SAMESITE = 'Strict'" in problem.msg
    assert "CSRF_COOKIE_SAMESITE" not in problem.msg


def test_samesite_none_without_secure_is_w031() -> None:
    problems = found(
        CORS_ALLOWED_ORIGINS=["https://app.other.example"],
        CORS_ALLOW_CREDENTIALS=True,
        SESSION_COOKIE_SAMESITE="None",
        CSRF_COOKIE_SAMESITE="None",
        CSRF_COOKIE_SECURE=True,
    )
    assert "SESSION_COOKIE_SECURE" in only(problems, "crossorigin.W047").msg


def test_same_site_credentialed_origins_need_no_samesite_none() -> None:
    # app.example.com and api.example.com are one site: Lax cookies go along.
    problems = found(
        CORS_ALLOWED_ORIGINS=["https://app.example.com"], CORS_ALLOW_CREDENTIALS=True, ALLOWED_HOSTS=["api.example.com"]
    )
    assert "crossorigin.I046" not in ids(problems)


def test_credentialed_origin_missing_from_csrf_trusted_origins_is_warning_w061() -> None:
    problem = only(
        found(CORS_ALLOWED_ORIGINS=["https://app.example.com"], CORS_ALLOW_CREDENTIALS=True), "crossorigin.W061"
    )
    assert problem.level is Level.WARNING
    assert "'https://app.example.com'" in problem.msg


@pytest.mark.parametrize("trusted", [["https://app.example.com"], ["https://*.example.com"]])
def test_csrf_trusted_origins_that_cover_the_origin_silence_w061(trusted: list[str]) -> None:
    problems = found(
        CORS_ALLOWED_ORIGINS=["https://app.example.com", "https://*.app.example.com"],
        CORS_ALLOW_CREDENTIALS=True,
        CSRF_TRUSTED_ORIGINS=trusted,
    )
    if trusted == ["https://*.example.com"]:
        assert "crossorigin.W061" not in ids(problems)
    else:
        # An exact entry does not cover the subdomains the wildcard allows.
        assert "'https://*.app.example.com'" in only(problems, "crossorigin.W061").msg


def test_no_i021_without_credentials_or_without_csrf_middleware() -> None:
    assert "crossorigin.W061" not in ids(found(CORS_ALLOWED_ORIGINS=["https://app.example.com"]))
    problems = found(
        CORS_ALLOWED_ORIGINS=["https://app.example.com"],
        CORS_ALLOW_CREDENTIALS=True,
        MIDDLEWARE=["crossorigin.middleware.CorsMiddleware"],
    )
    assert "crossorigin.W061" not in ids(problems)


# -- the settings module ------------------------------------------------------------------


def test_misspelt_cors_setting_is_i049_with_a_suggestion() -> None:
    problem = only(found(CORS_ALOW_CREDENTIALS=True), "crossorigin.W049")
    assert "CORS_ALLOW_CREDENTIALS" in (problem.hint or "")


def _run_check(tmp_path: Path, body: str, *args: str) -> subprocess.CompletedProcess[str]:
    """``django-admin check`` on a settings module built on the test settings."""
    (tmp_path / "annotated_settings.py").write_text(textwrap.dedent(body))
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="annotated_settings", PYTHONPATH=f"{tmp_path}{os.pathsep}{ROOT}")
    return subprocess.run(
        [sys.executable, "-m", "django", "check", *args], capture_output=True, text=True, env=env, cwd=ROOT, check=False
    )


def test_a_cors_setting_written_as_an_annotation_is_w029(tmp_path: Path) -> None:
    result = _run_check(
        tmp_path,
        """
        from tests.settings import *
        CORS_ALLOW_CREDENTIALS: True
        CORS_PREFLIGHT_MAX_AGE: int = 600
        """,
    )
    output = result.stdout + result.stderr
    assert "crossorigin.W048" in output
    assert "CORS_ALLOW_CREDENTIALS is written as an annotation" in output
    # An annotated assignment does set the value.
    assert "CORS_PREFLIGHT_MAX_AGE is written" not in output


def test_errors_stop_check_until_silenced(tmp_path: Path) -> None:
    base = """
        from tests.settings import *
        CORS_ALLOW_ALL_ORIGINS = True
        CORS_ALLOW_CREDENTIALS = True
        """
    failing = _run_check(tmp_path, base)
    assert failing.returncode != 0
    assert "crossorigin.E020" in failing.stderr
    silenced = _run_check(tmp_path, base + 'SILENCED_SYSTEM_CHECKS = ["crossorigin.E020"]\n')
    assert silenced.returncode == 0, silenced.stderr
    assert "crossorigin.E020" not in silenced.stdout + silenced.stderr


# -- path regexes (B13) -------------------------------------------------------------------


def test_urls_regex_without_leading_slash_never_matches_w033() -> None:
    problem = only(found(CORS_URLS_REGEX=r"^api/"), "crossorigin.W033")
    assert "'^/api/'" in (problem.hint or "")


def test_url_policy_ending_mid_segment_is_w034() -> None:
    problem = only(found(CORS_URL_POLICIES=[(r"^/api", {"allow_all_origins": True})]), "crossorigin.W034")
    assert "CORS_URL_POLICIES[0]" in problem.msg
    assert not {"crossorigin.W033", "crossorigin.W034"} & set(ids(found(CORS_URLS_REGEX=r"^/api/")))


# -- every policy is checked, each finding once ------------------------------------------


def test_url_policy_findings_name_the_override() -> None:
    problems = found(
        CORS_ALLOW_CREDENTIALS=True, CORS_URL_POLICIES=[(r"^/public/", {"allow_all_origins": True})], **SAFE_COOKIES
    )
    problem = only(problems, "crossorigin.E020")
    assert "CORS_URL_POLICIES[0]['allow_all_origins']" in problem.msg
    assert "CORS_ALLOW_CREDENTIALS" in problem.msg


def test_a_global_finding_inherited_by_a_url_policy_is_reported_once() -> None:
    problems = found(
        CORS_ALLOWED_ORIGINS=["http://app.example.com"],
        CORS_ALLOW_CREDENTIALS=True,
        CORS_URL_POLICIES=[(r"^/a/", {"preflight_max_age": 60}), (r"^/b/", {"allow_credentials": False})],
    )
    assert ids(problems).count("crossorigin.W024") == 1


def test_decorated_views_are_checked() -> None:
    with override_settings(ROOT_URLCONF="tests.test_security_checks", CORS_ALLOW_CREDENTIALS=True, **SAFE_COOKIES):
        problems = security_problems(PolicySet(read_settings()), settings)
    assert "tests.test_security_checks.open_view" in only(problems, "crossorigin.E020").msg
    assert "partner_view" in only(problems, "crossorigin.W024").msg


# -- B14: nothing is allowed until configured ----------------------------------------------


def test_b14_default_settings_allow_no_origin() -> None:
    factory = RequestFactory()
    with override_settings():
        del settings.CORS_ALLOWED_ORIGINS  # sends no setting_changed: build the middleware after it
        middleware = CorsMiddleware(lambda request: HttpResponse("ok"))
        response = middleware(factory.get("/plain/", headers={"origin": "https://example.com"}))
    assert "access-control-allow-origin" not in response
    assert response["Vary"] == "origin"


# -- silenced errors behave as django-cors-headers does -------------------------------------

SILENCEABLE = {
    "E020 allow-all + credentials": {"CORS_ALLOW_ALL_ORIGINS": True, "CORS_ALLOW_CREDENTIALS": True},
    "E021 '*' origin + credentials": {
        "CORS_ALLOWED_ORIGINS": ["*", "https://a.example"],
        "CORS_ALLOW_CREDENTIALS": True,
    },
    "E022 '*' headers + credentials": {
        "CORS_ALLOWED_ORIGINS": ["https://a.example"],
        "CORS_ALLOW_HEADERS": ["*"],
        "CORS_ALLOW_METHODS": ["*"],
        "CORS_ALLOW_CREDENTIALS": True,
    },
    "E023 '*' exposed + credentials": {
        "CORS_ALLOWED_ORIGINS": ["https://a.example"],
        "CORS_EXPOSE_HEADERS": ["*"],
        "CORS_ALLOW_CREDENTIALS": True,
    },
    "E024 null + credentials": {"CORS_ALLOWED_ORIGINS": ["null"], "CORS_ALLOW_CREDENTIALS": True},
}
REQUESTS = [
    ("get", {"origin": "https://a.example"}),
    ("get", {"origin": "https://evil.example"}),
    ("get", {"origin": "null"}),
    ("options", {"origin": "https://a.example", "access-control-request-method": "PUT"}),
    ("options", {"origin": "https://evil.example", "access-control-request-method": "PUT"}),
    ("options", {"origin": "null", "access-control-request-method": "DELETE", "access-control-request-headers": "x-a"}),
    ("get", {}),
]


def _cors_view(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok")


def _headers(response: HttpResponse) -> dict[str, str]:
    return {k.lower(): v for k, v in response.items() if k.lower().startswith("access-control-") or k.lower() == "vary"}


@pytest.mark.parametrize("name", list(SILENCEABLE))
def test_silenced_errors_leave_the_incumbents_behaviour(name: str) -> None:
    corsheaders = pytest.importorskip("corsheaders.middleware")
    factory = RequestFactory()
    cors_settings = SILENCEABLE[name]
    with override_settings(**cors_settings, SILENCED_SYSTEM_CHECKS=[f"crossorigin.{name[:4]}"], **SAFE_COOKIES):
        assert f"crossorigin.{name[:4]}" not in {m.id for m in check_settings() if not m.is_silenced()}
        ours, theirs = CorsMiddleware(_cors_view), corsheaders.CorsMiddleware(_cors_view)
        for method, headers in REQUESTS:
            ours_response = ours(getattr(factory, method)("/plain/", headers=headers))
            theirs_response = theirs(getattr(factory, method)("/plain/", headers=headers))
            if name.startswith("E021") and headers.get("origin") == "null":
                # django-cors-headers lets a listed '*' admit 'null' (urlsplit gives both an
                # empty scheme and host); crossorigin drops '*' (E004) and refuses 'null'.
                assert "access-control-allow-origin" in theirs_response
                assert "access-control-allow-origin" not in ours_response
                continue
            assert _headers(ours_response) == _headers(theirs_response), (method, headers)


# -- the regex reader behind I054, W033, W034 and the probes ------------------------------------


@pytest.mark.parametrize(
    ("source", "kinds"),
    [
        (r"[]a]b", ["class", "literal"]),
        (r"[^]a]+?x", ["class", "literal"]),
        (r"a{2,}b{3}", ["literal", "literal"]),
        (r"(?#note)a", ["literal"]),
        (r"(?i)a", ["literal"]),
        (r"(?<=x)a(?<!y)", ["open", "literal", "close", "literal", "open", "literal", "close"]),
        (r"(?i:a)(?P<n>b)", ["open", "literal", "close", "open", "literal", "close"]),
    ],
)
def test_tokenize_reads_classes_quantifiers_and_group_headers(source: str, kinds: list[str]) -> None:
    from crossorigin._core.regex_lint import tokenize

    assert [atom.kind for atom in tokenize(source)] == kinds
    assert [a.quantifier for a in tokenize(r"a{2,}b*?c+")] == ["{2,}", "*?", "+"]


@pytest.mark.parametrize(
    ("source", "http"),
    [
        (r"^https?://.*\.example\.com$", True),
        (r"^https://app\.example\.com$", False),
        (r"^(https?://a\.com|https://b\.com)$", True),
        (r"^(https://a\.com|https://b\.com)$", False),
        (r"^[a-z]+://a\.com$", True),  # a scheme sample that is neither 'https' nor 'http'
        (r"^http://.*\.example\.com$", True),
        (r"^https:\/\/a\.com$", False),
    ],
)
def test_plain_http_is_found_by_what_the_pattern_accepts(source: str, http: bool) -> None:
    from crossorigin._core.regex_probes import probe

    assert (probe(re.compile(source)).plain_http is not None) is http


def test_path_regex_readers_leave_unreadable_shapes_alone() -> None:
    import re

    from crossorigin._core.regex_lint import (
        ends_mid_segment,
        is_anchored_at_end,
        never_matches_path,
    )

    assert not never_matches_path(re.compile(""))
    assert not never_matches_path(re.compile(r"^\w+"))
    assert not ends_mid_segment(re.compile(r"^/api|^/v2"))
    assert not ends_mid_segment(re.compile(r"^/api$"))
    assert not ends_mid_segment(re.compile(""))
    assert is_anchored_at_end(re.compile(r"^(?:https://a\.com$)"))
    assert not is_anchored_at_end(re.compile(r"^https://a\.com(:[0-9]+)?"))
