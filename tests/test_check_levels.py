"""Check levels fit for pipelines, and the typo check's near misses.

``manage.py check --deploy --fail-level WARNING`` must pass on what django-cors-headers
4.x accepted and is not dangerous; what still works is an Info. Dangerous settings stay
warnings or errors.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from django.core.checks import INFO, WARNING, run_checks

from crossorigin._checks.site import settings_module_problems
from crossorigin._checks.typos import edit_distance, modern_name, near_miss
from tests.conftest import SettingsWrapper


@pytest.mark.parametrize(
    ("values", "info"),
    [
        ({"CORS_ORIGIN_WHITELIST": ["https://a.example"]}, "crossorigin.I040"),
        ({"CORS_ORIGIN_REGEX_WHITELIST": [r"^https://a\.example$"]}, "crossorigin.I040"),
        ({"CORS_ORIGIN_ALLOW_ALL": False}, "crossorigin.I040"),
        ({"CORS_ALLOW_ORIGIN": "https://a.example"}, "crossorigin.I041"),
        ({"CORS_MAX_AGE": 60}, "crossorigin.I041"),
        ({"CORS_ALLOW_CREDENTIALS": "false"}, "crossorigin.I041"),
        ({"CORS_ALLOWED_ORIGINS": ["https://A.example:443"]}, "crossorigin.I043"),
    ],
)
def test_what_still_works_is_an_info_not_a_warning(
    settings: SettingsWrapper, values: dict[str, Any], info: str
) -> None:
    for name in ("CORS_ALLOWED_ORIGINS", "CORS_ALLOWED_ORIGIN_REGEXES", "CORS_ALLOW_ALL_ORIGINS"):
        if hasattr(settings, name) and name not in values:
            delattr(settings, name)
    for name, value in values.items():
        setattr(settings, name, value)
    # The suite's URLconf has a credentialed view policy for https://class.example.
    settings.CSRF_TRUSTED_ORIGINS = ["https://example.com", "https://a.example", "https://class.example"]
    levels = {m.id: m.level for m in run_checks() if m.id and m.id.startswith("crossorigin.")}
    assert info in levels
    assert not [i for i, level in levels.items() if level >= WARNING], levels


# An empty URLconf: the suite's own decorated views would add their own findings.
urlpatterns: list[object] = []


def test_middleware_order_is_a_warning_and_samesite_a_note(settings: SettingsWrapper) -> None:
    settings.ROOT_URLCONF = __name__
    settings.MIDDLEWARE = [
        "django.middleware.security.SecurityMiddleware",
        "crossorigin.middleware.CorsMiddleware",
        "django.middleware.common.CommonMiddleware",
        "django.contrib.sessions.middleware.SessionMiddleware",  # cookies in use: I046 applies
    ]
    settings.SECURE_SSL_REDIRECT = True
    settings.CORS_ALLOWED_ORIGINS = ["https://front.example.org"]
    settings.ALLOWED_HOSTS = ["api.example.com"]
    settings.CORS_ALLOW_CREDENTIALS = True
    levels = {m.id: m.level for m in run_checks() if m.id and m.id.startswith("crossorigin.")}
    # A bare 301 without CORS headers is a CORS failure: a Warning; the cookie note stays a note.
    assert levels == {"crossorigin.W045": WARNING, "crossorigin.I046": INFO}


def test_dangerous_settings_still_fail_a_warning_pipeline(settings: SettingsWrapper) -> None:
    settings.CORS_ALLOWED_ORIGIN_REGEXES = [r"^https://.*\.example\.com"]  # B3: not anchored at the end
    levels = {m.id: m.level for m in run_checks() if m.id and m.id.startswith("crossorigin.")}
    assert any(level >= WARNING for level in levels.values()), levels


# -- near misses --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "meant"),
    [
        ("CORS_ALLOWED_ORIGIN", "CORS_ALLOWED_ORIGINS"),
        ("CORS_ALOW_CREDENTIALS", "CORS_ALLOW_CREDENTIALS"),
        ("CORS_ALLOW_CREDENTAILS", "CORS_ALLOW_CREDENTIALS"),  # two letters swapped: one edit
        ("CORS_URL_REGEX", "CORS_URLS_REGEX"),
        ("CORS_ORIGIN_WHITELST", "CORS_ORIGIN_WHITELIST"),
    ],
)
def test_near_misses(name: str, meant: str) -> None:
    assert near_miss(name) == meant


@pytest.mark.parametrize(
    "name",
    ["CORS_ORIGIN_DOMAINS", "CORS_ALLOWED_ORIGINS_EXTRA", "CORS_ORIGIN", "CORS_ENABLED", "CORS_FRONTEND_URL"],
)
def test_a_projects_own_settings_are_not_typos(name: str) -> None:
    assert near_miss(name) is None


def test_the_suggestion_is_the_modern_name() -> None:
    assert modern_name("CORS_ORIGIN_WHITELIST").startswith("CORS_ALLOWED_ORIGINS")
    assert modern_name("CORS_MAX_AGE").startswith("CORS_PREFLIGHT_MAX_AGE")
    assert modern_name("CORS_ALLOWED_ORIGINS") == "CORS_ALLOWED_ORIGINS"
    (problem,) = settings_module_problems(SimpleNamespace(CORS_ORIGIN_WHITELST=["https://a.example"]))
    assert problem.id == "crossorigin.W049"
    assert problem.hint == "Did you mean CORS_ALLOWED_ORIGINS (the current name of CORS_ORIGIN_WHITELIST)?"


def test_own_setting_is_silent_through_the_checks(settings: SettingsWrapper) -> None:
    settings.CORS_ORIGIN_DOMAINS = ["example.com"]
    assert not [m for m in run_checks() if "CORS_ORIGIN_DOMAINS" in m.msg]


def test_edit_distance() -> None:
    assert edit_distance("abc", "abc") == 0
    assert edit_distance("abc", "acb") == 1
    assert edit_distance("abc", "") == 3
    assert edit_distance("kitten", "sitting") == 3
