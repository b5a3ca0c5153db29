"""System checks, run the way a user runs them: ``run_checks()`` and ``manage.py check``.

Security findings (``crossorigin._checks.security``) are tested with the security work; here
each test looks only at the ids it is about, so those findings never get in the way.
This module is also a URLconf (``urlpatterns`` below) for the per-view checks.
"""

from __future__ import annotations

import re
from io import StringIO
from typing import Any

import pytest
from django.core.checks import Error, Info, Warning, run_checks
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.http import HttpRequest, HttpResponse
from django.urls import include, path

from crossorigin._checks import ANSWERING_MIDDLEWARE, middleware_problems
from crossorigin.decorators import cors_policy
from crossorigin.middleware import CorsMiddleware
from tests.conftest import SettingsWrapper

CORS = "crossorigin.middleware.CorsMiddleware"
POST_CSRF = "crossorigin.middleware.CorsPostCsrfMiddleware"
CSRF = "django.middleware.csrf.CsrfViewMiddleware"
COMMON = "django.middleware.common.CommonMiddleware"


@cors_policy(preflight_max_age=-1, allowed_origins="https://a.example")
def badly_decorated(request: HttpRequest) -> HttpResponse:
    return HttpResponse("bad")


urlpatterns = [path("bad/", badly_decorated), path("nested/", include([path("again/", badly_decorated)]))]


class SubclassedCorsMiddleware(CorsMiddleware):
    """A project's own subclass counts as the CORS middleware."""


def ours() -> list[Any]:
    return [m for m in run_checks() if str(m.id).startswith("crossorigin.")]


def with_id(check_id: str) -> list[Any]:
    return [m for m in ours() if m.id == check_id]


def test_the_test_project_is_clean() -> None:
    assert [m for m in ours() if m.is_serious()] == []
    assert with_id("crossorigin.W044") == []
    assert with_id("crossorigin.W045") == []


def test_manage_py_check_passes_and_fails_like_django(settings: SettingsWrapper) -> None:
    call_command("check", stdout=StringIO(), stderr=StringIO())  # no SystemCheckError
    settings.CORS_ALLOWED_ORIGINS = "https://example.com"
    with pytest.raises(SystemCheckError, match=r"crossorigin\.E001"):
        call_command("check", stdout=StringIO(), stderr=StringIO())


def test_silenced_through_djangos_setting(settings: SettingsWrapper) -> None:
    settings.CORS_ALLOWED_ORIGINS = "https://example.com"
    settings.SILENCED_SYSTEM_CHECKS = ["crossorigin.E001"]
    call_command("check", stdout=StringIO(), stderr=StringIO())


# -- settings -----------------------------------------------------------------------------------


def test_string_instead_of_a_list_is_one_error(settings: SettingsWrapper) -> None:
    settings.CORS_ALLOWED_ORIGINS = "https://example.com"
    found = with_id("crossorigin.E001")
    assert len(found) == 1
    assert isinstance(found[0], Error)
    assert "CORS_ALLOWED_ORIGINS" in found[0].msg
    assert (
        found[0].hint
        == "Write CORS_ALLOWED_ORIGINS = ['https://example.com'] (a string is read one character at a time)."
    )
    # Nothing reported character by character.
    assert not [m for m in ours() if "'h'" in m.msg or "'/'" in m.msg]


@pytest.mark.parametrize(
    ("origin", "check_id", "says"),
    [
        ("example.com", "crossorigin.E002", "missing a scheme"),
        ("https://", "crossorigin.E002", "missing a host"),
        ("https://example.com/", "crossorigin.E003", "trailing slash"),
        ("https://example.com/api", "crossorigin.E003", "path"),
        ("https://example.com?a=1", "crossorigin.E003", "query"),
        ("https://example.com#f", "crossorigin.E003", "fragment"),
        ("https://*example.com", "crossorigin.E004", "'*'"),
        ("https://example.com:http", "crossorigin.E005", "port"),
    ],
)
def test_malformed_origins(settings: SettingsWrapper, origin: str, check_id: str, says: str) -> None:
    settings.CORS_ALLOWED_ORIGINS = ["https://ok.example", origin]
    found = with_id(check_id)
    assert len(found) == 1
    assert "CORS_ALLOWED_ORIGINS" in found[0].msg
    assert repr(origin) in found[0].msg
    assert says in found[0].msg
    assert found[0].hint


def test_not_normal_form_is_an_info(settings: SettingsWrapper) -> None:
    # Cosmetic: the origin works in normal form, so a --fail-level WARNING pipeline passes.
    settings.CORS_ALLOWED_ORIGINS = ["https://Example.com:443"]
    (found,) = with_id("crossorigin.I043")
    assert isinstance(found, Info)
    assert "'https://example.com'" in found.msg
    assert "CORS_ALLOWED_ORIGINS" in found.msg


def test_bad_regexes(settings: SettingsWrapper) -> None:
    settings.CORS_ALLOWED_ORIGIN_REGEXES = [r"https://(unclosed", 5]
    assert "not a valid regular expression" in with_id("crossorigin.E007")[0].msg
    assert "CORS_ALLOWED_ORIGIN_REGEXES" in with_id("crossorigin.E006")[0].msg
    settings.CORS_ALLOWED_ORIGIN_REGEXES = r"https://.*\.example\.com"
    (single,) = with_id("crossorigin.E006")
    assert "not a single one" in single.msg


@pytest.mark.parametrize(
    ("setting", "value", "check_id"),
    [
        ("CORS_ALLOW_METHODS", ["GET", "PO ST"], "crossorigin.E009"),
        ("CORS_ALLOW_METHODS", "GET", "crossorigin.E009"),
        ("CORS_ALLOW_HEADERS", ["x-a, x-b"], "crossorigin.E010"),
        ("CORS_EXPOSE_HEADERS", 5, "crossorigin.E011"),
        ("CORS_PREFLIGHT_MAX_AGE", "86400", "crossorigin.E012"),
        ("CORS_PREFLIGHT_MAX_AGE", -1, "crossorigin.E012"),
        ("CORS_ALLOW_CREDENTIALS", 1, "crossorigin.E013"),
        ("CORS_ALLOW_ALL_ORIGINS", "False", "crossorigin.E013"),
        ("CORS_ALLOW_PRIVATE_NETWORK", None, "crossorigin.E013"),
        ("CORS_REPLACE_HTTPS_REFERER", "yes", "crossorigin.E013"),
        ("CORS_URLS_REGEX", r"^/api/(", "crossorigin.E008"),
        ("CORS_URLS_REGEX", ["^/api/"], "crossorigin.E008"),
        ("CORS_URL_POLICIES", {"^/api/": {}}, "crossorigin.E014"),
        ("CORS_URL_POLICIES", [(r"^/api/", {"allow_everything": True})], "crossorigin.E015"),
        ("CORS_ORIGIN_CHECKER", 42, "crossorigin.E016"),
        ("CORS_ORIGIN_CHECKER", "no.such.module.checker", "crossorigin.E016"),
        ("CORS_ORIGIN_CHECKER_CACHE_SIZE", -1, "crossorigin.E017"),
        ("CORS_ORIGIN_CHECKER_CACHE_TTL", 0, "crossorigin.E017"),
    ],
)
def test_every_setting_is_type_checked(settings: SettingsWrapper, setting: str, value: Any, check_id: str) -> None:
    setattr(settings, setting, value)
    found = with_id(check_id)
    assert len(found) == 1, ours()
    assert isinstance(found[0], Error)
    where = setting if check_id != "crossorigin.E015" else "CORS_URL_POLICIES[0]"
    assert where in found[0].msg


@pytest.mark.parametrize(
    ("old", "new", "value"),
    [
        ("CORS_ORIGIN_WHITELIST", "CORS_ALLOWED_ORIGINS", ["https://a.example"]),
        ("CORS_ORIGIN_REGEX_WHITELIST", "CORS_ALLOWED_ORIGIN_REGEXES", [r"https://a\.example"]),
        ("CORS_ORIGIN_ALLOW_ALL", "CORS_ALLOW_ALL_ORIGINS", False),
    ],
)
def test_old_names_are_deprecation_warnings(settings: SettingsWrapper, old: str, new: str, value: Any) -> None:
    if new == "CORS_ALLOWED_ORIGINS":
        del settings.CORS_ALLOWED_ORIGINS
    setattr(settings, old, value)
    (found,) = with_id("crossorigin.I040")
    assert old in found.msg
    assert new in found.hint
    setattr(settings, new, value)
    (both,) = with_id("crossorigin.I042")
    assert old in both.msg
    assert new in both.msg


@pytest.mark.parametrize(
    ("setting", "value", "modern"),
    [
        ("CORS_ALLOW_ORIGIN", "https://a.example", "CORS_ALLOWED_ORIGINS"),
        ("CORS_ALLOW_ORIGIN", "*", "CORS_ALLOW_ALL_ORIGINS"),
        ("CORS_ALLOW_ALL_ORIGIN", True, "CORS_ALLOW_ALL_ORIGINS"),
        ("CORS_ALLOW_ALL_HEADERS", True, "CORS_ALLOW_HEADERS"),
        ("CORS_MAX_AGE", 600, "CORS_PREFLIGHT_MAX_AGE"),
        ("CORS_ALLOW_CREDENTIALS", "true", "True or False"),
    ],
)
def test_dcors_names_are_deprecation_warnings(settings: SettingsWrapper, setting: str, value: Any, modern: str) -> None:
    setattr(settings, setting, value)
    found = with_id("crossorigin.I041")
    assert len(found) == 1
    assert setting in found[0].msg
    assert modern in found[0].hint


def test_dcors_allow_all_origin_false_is_spelt_out(settings: SettingsWrapper) -> None:
    settings.CORS_ALLOW_ALL_ORIGIN = False
    (found,) = with_id("crossorigin.W009")
    assert "CORS_ALLOW_ALL_ORIGIN" in found.msg
    assert "every origin" in found.msg


def test_decorated_view_problems_are_reported_once(settings: SettingsWrapper) -> None:
    settings.ROOT_URLCONF = "tests.test_checks"
    assert len([m for m in with_id("crossorigin.E012") if "@cors_policy" in m.msg]) == 1
    assert len([m for m in with_id("crossorigin.E001") if "badly_decorated" in m.msg]) == 1


def test_broken_urlconf_is_left_to_django(settings: SettingsWrapper) -> None:
    settings.ROOT_URLCONF = "tests.no_such_urlconf_module"
    found = [m for m in run_checks(tags=["security"]) if str(m.id).startswith("crossorigin.")]
    assert not [m for m in found if m.is_serious()]


# -- the middleware's place ---------------------------------------------------------------------


def test_middleware_missing(settings: SettingsWrapper) -> None:
    settings.MIDDLEWARE = [COMMON]
    (found,) = with_id("crossorigin.W044")
    assert CORS in found.msg
    assert "MIDDLEWARE" in found.hint


@pytest.mark.parametrize("below", sorted(ANSWERING_MIDDLEWARE))
def test_middleware_below_one_that_answers(below: str) -> None:
    # Called directly: Django's own auth check imports every listed middleware, and the
    # flatpages/redirects ones need apps this test project does not install.
    (found,) = middleware_problems([below, CORS])
    assert found.id == "crossorigin.W045"
    assert below in found.msg
    assert CORS in found.msg
    assert found.hint == f"Move '{CORS}' above '{below}' in MIDDLEWARE."


def test_middleware_below_common_through_run_checks(settings: SettingsWrapper) -> None:
    settings.MIDDLEWARE = [COMMON, "django.middleware.locale.LocaleMiddleware", CORS]
    found = with_id("crossorigin.W045")
    assert [COMMON in found[0].msg, "LocaleMiddleware" in found[1].msg] == [True, True]
    assert all(isinstance(m, Warning) for m in found)


def test_named_examples_are_covered() -> None:
    for name in ("CommonMiddleware", "LocaleMiddleware", "WhiteNoiseMiddleware", "GZipMiddleware"):
        assert any(name in entry for entry in ANSWERING_MIDDLEWARE)


def test_each_middleware_above_is_named(settings: SettingsWrapper) -> None:
    settings.MIDDLEWARE = [
        "whitenoise.middleware.WhiteNoiseMiddleware",
        COMMON,
        "django.middleware.gzip.GZipMiddleware",
        CORS,
    ]
    assert len(with_id("crossorigin.W045")) == 3


def test_security_middleware_above_only_matters_with_ssl_redirect(settings: SettingsWrapper) -> None:
    settings.MIDDLEWARE = ["django.middleware.security.SecurityMiddleware", CORS]
    assert with_id("crossorigin.W045") == []
    settings.SECURE_SSL_REDIRECT = True
    (found,) = with_id("crossorigin.W045")
    assert "SECURE_SSL_REDIRECT" in found.msg


def test_middleware_below_harmless_ones_is_fine(settings: SettingsWrapper) -> None:
    settings.MIDDLEWARE = ["django.contrib.sessions.middleware.SessionMiddleware", CORS, COMMON]
    assert with_id("crossorigin.W044") == []
    assert with_id("crossorigin.W045") == []


def test_a_subclass_counts_as_the_middleware(settings: SettingsWrapper) -> None:
    settings.MIDDLEWARE = [COMMON, "tests.test_checks.SubclassedCorsMiddleware"]
    assert with_id("crossorigin.W044") == []
    assert len(with_id("crossorigin.W045")) == 1
    # Entries that cannot be imported are simply not ours.
    assert len(middleware_problems(["no.such.Middleware"])) == 1


# -- CORS_REPLACE_HTTPS_REFERER -----------------------------------------------------------------------


def test_replace_https_referer_recommends_csrf_trusted_origins(settings: SettingsWrapper) -> None:
    settings.CORS_REPLACE_HTTPS_REFERER = True
    settings.MIDDLEWARE = [CORS, CSRF, POST_CSRF]
    (found,) = with_id("crossorigin.W006")
    assert "CSRF_TRUSTED_ORIGINS" in found.hint
    assert with_id("crossorigin.W007") == []


@pytest.mark.parametrize(
    "order",
    [
        [CORS, CSRF],  # CorsPostCsrfMiddleware missing
        [CORS, POST_CSRF, CSRF],  # below? no: above CsrfViewMiddleware
        [CSRF, CORS, POST_CSRF],  # CorsMiddleware below CsrfViewMiddleware
        [CORS, POST_CSRF],  # no CsrfViewMiddleware at all
    ],
)
def test_replace_https_referer_needs_the_right_order(settings: SettingsWrapper, order: list[str]) -> None:
    settings.CORS_REPLACE_HTTPS_REFERER = True
    settings.MIDDLEWARE = order
    (found,) = with_id("crossorigin.W007")
    assert "CorsPostCsrfMiddleware" in found.msg
    assert re.search("CsrfViewMiddleware", found.hint)


def test_no_referer_warnings_when_off(settings: SettingsWrapper) -> None:
    settings.MIDDLEWARE = [CORS, CSRF]
    assert with_id("crossorigin.W006") == []
    assert with_id("crossorigin.W007") == []
