"""The level rule (issue 21 items 1, 2, 4, 7): each id's level, DEBUG and --deploy, old ids, CSRF as Django reads it.

Every check here runs through Django's own check framework (``run_checks``,
``call_command("check")``) or the test client, with this module as the URLconf so the
suite's decorated views add nothing.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
from django.core.checks import ERROR, INFO, WARNING, CheckMessage, run_checks
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.urls import path

from crossorigin._core import problems
from crossorigin._core.problems import Level, Problem, info, warning
from tests.conftest import SettingsWrapper


def post_view(request: HttpRequest) -> HttpResponse:
    return HttpResponse("posted")


urlpatterns = [path("post/", post_view)]

CORS = "crossorigin.middleware.CorsMiddleware"
CSRF = "django.middleware.csrf.CsrfViewMiddleware"
# What the suite's apps (the admin) need, so Django's own checks stay quiet.
APP_MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    CSRF,
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]
SAFE_COOKIES: dict[str, Any] = {
    "SESSION_COOKIE_SAMESITE": "None",
    "CSRF_COOKIE_SAMESITE": "None",
    "SESSION_COOKIE_SECURE": True,
    "CSRF_COOKIE_SECURE": True,
}


@pytest.fixture(autouse=True)
def _this_urlconf(settings: SettingsWrapper) -> None:
    settings.ROOT_URLCONF = __name__
    settings.MIDDLEWARE = [CORS, *APP_MIDDLEWARE]
    settings.CORS_ALLOWED_ORIGINS = []  # the suite's settings list one
    for name, value in SAFE_COOKIES.items():
        setattr(settings, name, value)


def ours(*, deploy: bool = False) -> dict[str, int]:
    """Our check ids and their Django levels, as ``manage.py check [--deploy]`` reports them."""
    messages: list[CheckMessage] = run_checks(include_deployment_checks=deploy)
    return {m.id: m.level for m in messages if m.id and m.id.startswith("crossorigin.")}


# -- the rule, as a plain function ------------------------------------------------------------


def test_a_danger_is_a_warning_in_development_and_an_error_deployed() -> None:
    found = problems.danger(20, "every origin with credentials", "list them")
    assert problems.level_of(found, debug=False, deploy=False) is Level.ERROR
    assert problems.level_of(found, debug=True, deploy=True) is Level.ERROR
    seen = problems.as_seen(found, debug=True, deploy=False)
    assert (seen.level, seen.id) == (Level.WARNING, "crossorigin.W120")
    assert "crossorigin.E020" in (seen.hint or "")


@pytest.mark.parametrize(
    "problem", [warning(45, "m", "h"), info(46, "m", "h"), Problem(Level.ERROR, "crossorigin.E013", "m")]
)
def test_only_dangers_depend_on_debug(problem: Problem) -> None:
    assert problems.as_seen(problem, debug=True, deploy=False) == problem


def test_old_ids_and_the_error_silence_the_new_ones() -> None:
    assert problems.development_id("crossorigin.E064") == "crossorigin.W164"
    assert problems.is_silenced("crossorigin.W120", ["crossorigin.E020"])
    assert problems.is_silenced("crossorigin.W052", ["crossorigin.E022"])
    assert problems.is_silenced("crossorigin.W155", ["crossorigin.W021"])  # W021 -> E055 -> its development W155
    assert not problems.is_silenced("crossorigin.E020", ["crossorigin.W120"])


# -- CORS_ALLOW_ALL_ORIGINS = DEBUG --------------------------------------------------------------


def test_allow_all_equals_debug_does_not_stop_runserver_and_stops_check_deploy(settings: SettingsWrapper) -> None:
    settings.DEBUG = True
    settings.CORS_ALLOW_ALL_ORIGINS = settings.DEBUG
    settings.CORS_ALLOW_CREDENTIALS = True
    assert ours() == {"crossorigin.W120": WARNING}
    call_command("check")  # runserver runs these checks: a Warning does not stop it
    with pytest.raises(SystemCheckError, match=r"crossorigin\.E020"):
        call_command("check", deploy=True)


def test_a_danger_is_an_error_with_debug_off(settings: SettingsWrapper) -> None:
    settings.DEBUG = False
    settings.CORS_ALLOW_ALL_ORIGINS = True
    settings.CORS_ALLOW_CREDENTIALS = True
    assert ours() == {"crossorigin.E020": ERROR}
    assert ours(deploy=True) == {"crossorigin.E020": ERROR}


def test_silencing_the_error_silences_its_development_warning(settings: SettingsWrapper) -> None:
    settings.DEBUG = True
    settings.CORS_ALLOW_ALL_ORIGINS = True
    settings.CORS_ALLOW_CREDENTIALS = True
    settings.SILENCED_SYSTEM_CHECKS = ["crossorigin.E020"]
    assert ours() == {}


# -- each id's level --------------------------------------------------------------------------

LEVELS: list[tuple[dict[str, Any], str, int]] = [
    ({"CORS_ALLOWED_ORIGINS": ["*", "https://a.example"], "CORS_ALLOW_CREDENTIALS": True}, "crossorigin.W051", WARNING),
    (
        {"CORS_ALLOWED_ORIGINS": ["https://a.example"], "CORS_ALLOW_HEADERS": ["*"], "CORS_ALLOW_CREDENTIALS": True},
        "crossorigin.W052",
        WARNING,
    ),
    (
        {"CORS_ALLOWED_ORIGINS": ["https://a.example"], "CORS_EXPOSE_HEADERS": ["*"], "CORS_ALLOW_CREDENTIALS": True},
        "crossorigin.W053",
        WARNING,
    ),
    ({"CORS_ALLOWED_ORIGIN_REGEXES": [r"^https://a\.example"]}, "crossorigin.I054", INFO),
    ({"CORS_ALLOWED_ORIGIN_REGEXES": [r"^https://a\.example\.com.*$"]}, "crossorigin.W021", WARNING),
    (
        {"CORS_ALLOWED_ORIGIN_REGEXES": [r"^https://a\.example\.com.*$"], "CORS_ALLOW_CREDENTIALS": True},
        "crossorigin.E055",
        ERROR,
    ),
    (
        {"CORS_ALLOWED_ORIGIN_REGEXES": [r"^https://api.example\.com$"], "CORS_ALLOW_CREDENTIALS": True},
        "crossorigin.E056",
        ERROR,
    ),
    (
        {"CORS_ALLOWED_ORIGIN_REGEXES": [r"^https://.*example\.com$"], "CORS_ALLOW_CREDENTIALS": True},
        "crossorigin.E057",
        ERROR,
    ),
    ({"CORS_ALLOWED_ORIGINS": ["https://*.github.io"]}, "crossorigin.W025", WARNING),
    ({"CORS_ALLOWED_ORIGINS": ["https://*.github.io"], "CORS_ALLOW_CREDENTIALS": True}, "crossorigin.E058", ERROR),
    ({"CORS_ALLOWED_ORIGINS": ["https://*.loca.lt"]}, "crossorigin.W025", WARNING),
    ({"CORS_ALLOWED_ORIGINS": ["https://*.stackblitz.io"], "CORS_ALLOW_CREDENTIALS": True}, "crossorigin.E058", ERROR),
    ({"CORS_ALLOW_ALL_ORIGINS": True, "CORS_ALLOW_PRIVATE_NETWORK": True}, "crossorigin.E060", ERROR),
    ({"CORS_ALLOWED_ORIGINS": ["http://localhost:*"], "CORS_ALLOW_CREDENTIALS": True}, "crossorigin.E062", ERROR),
    ({"CORS_ALLOWED_ORIGINS": ["http://127.0.0.1:*"], "CORS_ALLOW_CREDENTIALS": True}, "crossorigin.E062", ERROR),
    ({"CORS_ALLOWED_ORIGINS": ["http://*.localhost:*"], "CORS_ALLOW_CREDENTIALS": True}, "crossorigin.E062", ERROR),
    ({"CORS_ALLOWED_ORIGIN_REGEXES": [r"^https://app\.mycompany\.[a-z]+$"]}, "crossorigin.W063", WARNING),
    (
        {"CORS_ALLOWED_ORIGIN_REGEXES": [r"^https://app\.mycompany\.[a-z]+$"], "CORS_ALLOW_CREDENTIALS": True},
        "crossorigin.E064",
        ERROR,
    ),
    ({"CORS_ALLOWED_ORIGIN_REGEXES": [r"^(file://|https://a\.example)$"]}, "crossorigin.W020", WARNING),
    ({"CORS_URL_REGEX": r"^/api/"}, "crossorigin.W049", WARNING),
    ({"CORS_ALLOWED_ORIGINS": ["https://a.example"], "CORS_ALLOW_CREDENTIALS": True}, "crossorigin.W061", WARNING),
    ({"MIDDLEWARE": [CSRF]}, "crossorigin.W044", WARNING),
    ({"MIDDLEWARE": ["django.middleware.common.CommonMiddleware", CORS]}, "crossorigin.W045", WARNING),
    (
        {"SESSION_COOKIE_SECURE": False, "CORS_ALLOW_CREDENTIALS": True, "CORS_ALLOWED_ORIGINS": ["https://a.example"]},
        "crossorigin.W047",
        WARNING,
    ),
]


@pytest.mark.parametrize(
    ("values", "wanted", "level"), LEVELS, ids=[f"{w}-{i}" for i, (_v, w, _l) in enumerate(LEVELS)]
)
def test_each_id_has_its_level(settings: SettingsWrapper, values: dict[str, Any], wanted: str, level: int) -> None:
    settings.CSRF_TRUSTED_ORIGINS = [] if wanted == "crossorigin.W061" else ["https://a.example"]
    for name, value in values.items():
        setattr(settings, name, value)
    found = ours()
    assert found.get(wanted) == level, found
    # The letter always matches the level, for every id reported.
    letters = {ERROR: "E", WARNING: "W", INFO: "I"}
    assert all(check_id.split(".")[1][0] == letters[lvl] for check_id, lvl in found.items()), found


@pytest.mark.parametrize(
    ("values", "error"),
    [
        ({"CORS_ALLOWED_ORIGINS": ["http://localhost:*"], "CORS_ALLOW_CREDENTIALS": True}, "crossorigin.E062"),
        ({"CORS_ALLOW_ALL_ORIGINS": True, "CORS_ALLOW_PRIVATE_NETWORK": True}, "crossorigin.E060"),
        (
            {"CORS_ALLOWED_ORIGIN_REGEXES": [r"^https://a\.example\.com.*$"], "CORS_ALLOW_CREDENTIALS": True},
            "crossorigin.E055",
        ),
    ],
)
def test_every_danger_is_a_warning_under_debug(settings: SettingsWrapper, values: dict[str, Any], error: str) -> None:
    settings.DEBUG = True
    for name, value in values.items():
        setattr(settings, name, value)
    found = ours()
    assert error not in found
    assert found.get(problems.development_id(error)) == WARNING
    assert ours(deploy=True).get(error) == ERROR


@pytest.mark.parametrize(
    ("old", "new"), [("crossorigin.E022", "crossorigin.W052"), ("crossorigin.I045", "crossorigin.W045")]
)
def test_an_old_id_in_silenced_system_checks_still_silences(settings: SettingsWrapper, old: str, new: str) -> None:
    settings.CORS_ALLOWED_ORIGINS = ["https://a.example"]
    settings.CSRF_TRUSTED_ORIGINS = ["https://a.example"]
    settings.CORS_ALLOW_CREDENTIALS = True
    settings.CORS_ALLOW_HEADERS = ["*"]
    settings.MIDDLEWARE = ["django.middleware.common.CommonMiddleware", CORS, CSRF]
    assert new in ours()
    settings.SILENCED_SYSTEM_CHECKS = [old]
    assert new not in ours()


def test_the_cookie_note_calls_itself_a_note(settings: SettingsWrapper) -> None:
    settings.CORS_ALLOWED_ORIGINS = ["https://front.example.org"]
    settings.CSRF_TRUSTED_ORIGINS = ["https://front.example.org"]
    settings.CORS_ALLOW_CREDENTIALS = True
    settings.ALLOWED_HOSTS = ["api.example.com"]
    settings.SESSION_COOKIE_SAMESITE = "Lax"
    (note,) = [m for m in run_checks() if m.id == "crossorigin.I046"]
    assert note.level == INFO
    assert "silence this note" in (note.hint or "")
    assert "warning" not in (note.hint or "")


# -- CSRF as Django reads it, against a real POST ------------------------------------------------

TOKEN = "a" * 32  # a CSRF secret: cookie and header agree, so only the Origin check can refuse


def post_from(origin: str) -> int:
    client = Client(enforce_csrf_checks=True)
    client.cookies["csrftoken"] = TOKEN
    response = client.post("/post/", headers={"origin": origin, "x-csrftoken": TOKEN})
    return int(response.status_code)


def test_an_any_port_origin_gets_403_and_the_check_says_no_entry_can_cover_it(settings: SettingsWrapper) -> None:
    settings.CORS_ALLOWED_ORIGINS = ["http://localhost:*"]
    settings.CORS_ALLOW_CREDENTIALS = True
    settings.CSRF_TRUSTED_ORIGINS = settings.CORS_ALLOWED_ORIGINS
    settings.DEBUG = True
    (message,) = [m for m in run_checks() if m.id == "crossorigin.W065"]
    assert "'http://localhost:5173'" in message.msg
    assert "403" in message.msg
    assert post_from("http://localhost:5173") == 403
    # The fix the hint names: each port, in both settings.
    settings.CORS_ALLOWED_ORIGINS = settings.CSRF_TRUSTED_ORIGINS = ["http://localhost:5173"]
    assert not {"crossorigin.W061", "crossorigin.W065"} & set(ours())
    assert post_from("http://localhost:5173") == 200


@pytest.mark.parametrize(
    ("cors", "trusted", "named", "fixed"),
    [
        (
            {"CORS_ALLOWED_ORIGINS": ["https://app.example.com"]},
            [],
            "https://app.example.com",
            ["https://app.example.com"],
        ),
        (
            {"CORS_ALLOWED_ORIGINS": ["https://*.example.com"]},
            ["https://example.com"],
            "https://*.example.com",
            ["https://*.example.com"],
        ),
        (
            {"CORS_ALLOWED_ORIGIN_REGEXES": [r"^https://(app|admin)\.example\.net$"]},
            ["https://app.example.net"],
            "https://admin.example.net",
            ["https://app.example.net", "https://admin.example.net"],
        ),
    ],
)
def test_a_credentialed_origin_csrf_does_not_cover_gets_403_and_the_check_names_the_entry(
    settings: SettingsWrapper, cors: dict[str, Any], trusted: list[str], named: str, fixed: list[str]
) -> None:
    settings.CORS_ALLOW_CREDENTIALS = True
    settings.CSRF_TRUSTED_ORIGINS = trusted
    for name, value in cors.items():
        setattr(settings, name, value)
    (message,) = [m for m in run_checks() if m.id == "crossorigin.W061"]
    assert f"'{named}'" in message.msg
    sent = named.replace("*.", "sub.")
    assert post_from(sent) == 403
    settings.CSRF_TRUSTED_ORIGINS = fixed
    assert "crossorigin.W061" not in ours()
    assert post_from(sent) == 200


# -- the tutorial configuration and the quickstart -------------------------------------------------


@pytest.mark.parametrize("debug", [False, True])
@pytest.mark.parametrize("deploy", [False, True])
def test_a_tutorial_configuration_has_nothing_at_warning_or_above(
    settings: SettingsWrapper, debug: bool, deploy: bool
) -> None:
    settings.DEBUG = debug
    settings.ALLOWED_HOSTS = ["api.example.com"]
    settings.MIDDLEWARE = [
        CORS,
        "django.middleware.security.SecurityMiddleware",
        "django.middleware.common.CommonMiddleware",
        *APP_MIDDLEWARE,
    ]
    settings.CORS_ALLOWED_ORIGINS = ["https://front.example.org"]
    settings.CORS_ALLOW_CREDENTIALS = True
    settings.CSRF_TRUSTED_ORIGINS = ["https://front.example.org"]
    found = ours(deploy=deploy)
    assert not [check_id for check_id, level in found.items() if level >= WARNING], found


DOCS = Path(__file__).resolve().parent.parent / "docs"


def quickstart_settings() -> dict[str, Any]:
    """The settings the quickstart has the reader write, in order (its ``...`` placeholders dropped)."""
    import re

    namespace: dict[str, Any] = {}
    for block in re.findall(r"^```python\n(.*?)^```", (DOCS / "quickstart.md").read_text(), re.MULTILINE | re.DOTALL):
        if re.search(r"^(CORS_|CSRF_|SESSION_|MIDDLEWARE|INSTALLED_APPS)", block, re.MULTILINE):
            exec(block, namespace)  # the page's own code
    return {
        name: [v for v in value if v is not Ellipsis] if isinstance(value, list) else value
        for name, value in namespace.items()
        if name.isupper()
    }


@pytest.mark.parametrize("debug", [True, False])
def test_following_the_quickstart_check_says_no_issues(settings: SettingsWrapper, debug: bool) -> None:
    settings.DEBUG = debug
    written = quickstart_settings()
    assert written["CORS_ALLOW_CREDENTIALS"] is True
    for name, value in written.items():
        if name != "INSTALLED_APPS":
            setattr(settings, name, value)
    assert ours() == {}
    assert "System check identified no issues" in (DOCS / "quickstart.md").read_text()


# -- registration ---------------------------------------------------------------------------------


def test_importing_the_checks_registers_nothing() -> None:
    # Without the app, Django runs none of our checks, so importing them must not register them.
    code = textwrap.dedent(
        """
        import django
        from django.conf import settings
        settings.configure(INSTALLED_APPS=[])
        django.setup()
        import crossorigin.checks
        from django.core.checks import registry
        every = registry.registry.get_checks(include_deployment_checks=True)
        print(sorted(c.__module__ for c in every if c.__module__.startswith("crossorigin")))
        """
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_the_app_registers_each_check_once() -> None:
    from django.core.checks import registry

    from crossorigin._checks import check_middleware, check_middleware_subclasses
    from crossorigin.checks import check_settings

    every = registry.registry.get_checks()
    assert [c for c in every if c in (check_settings, check_middleware, check_middleware_subclasses)].__len__() == 3
