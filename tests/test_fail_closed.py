"""Issue 13 item 5: without "crossorigin" in INSTALLED_APPS no check runs, so the compile step fails closed.

Each scenario runs a tiny Django project in a fresh process, whose settings list the
middleware but not the app, and sends requests through Django's test Client.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

from django.test import override_settings

from tests.conftest import Send
from tests.cors_asserts import allowed

ROOT = Path(__file__).resolve().parent.parent
ATTACKER = "https://attacker.example"

SETTINGS = """
SECRET_KEY = "not-secret"
ALLOWED_HOSTS = ["*"]
ROOT_URLCONF = "tiny_urls"
INSTALLED_APPS = ["django.contrib.contenttypes"]
MIDDLEWARE = ["crossorigin.middleware.CorsMiddleware"]
LOGGING = {
    "version": 1,
    "handlers": {"stderr": {"class": "logging.StreamHandler", "level": "DEBUG"}},
    "loggers": {"crossorigin": {"handlers": ["stderr"], "level": "DEBUG"}},
}
"""

URLS = """
from django.http import HttpResponse
from django.urls import path
from crossorigin.decorators import cors_policy

def plain(request):
    return HttpResponse("plain")

@cors_policy(allow_all_origins=True, allow_credentials=True)
def wide_open(request):
    return HttpResponse("open")

@cors_policy(allowed_origins=["https://partner.example"], allow_credentials=True)
def partner(request):
    return HttpResponse("partner")

urlpatterns = [path("plain/", plain), path("open/", wide_open), path("partner/", partner)]
"""

CLIENT = """
import json, django
django.setup()
from django.test import Client
client = Client()
answers = {}
for name, path, origin in [
    ("plain", "/plain/", "https://attacker.example"),
    ("plain-again", "/plain/", "https://attacker.example"),
    ("open", "/open/", "https://attacker.example"),
    ("partner", "/partner/", "https://partner.example"),
]:
    response = client.get(path, HTTP_ORIGIN=origin)
    answers[name] = {k.lower(): v for k, v in response.headers.items() if k.lower().startswith("access-control-")}
print(json.dumps(answers))
"""


def run_project(tmp_path: Path, extra_settings: str = "") -> tuple[dict[str, Any], str]:
    """Run CLIENT in a fresh process on the tiny project; its answers and its log output."""
    (tmp_path / "tiny_settings.py").write_text(textwrap.dedent(SETTINGS + extra_settings))
    (tmp_path / "tiny_urls.py").write_text(textwrap.dedent(URLS))
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="tiny_settings", PYTHONPATH=f"{tmp_path}{os.pathsep}{ROOT}")
    result = subprocess.run(
        [sys.executable, "-c", CLIENT], capture_output=True, text=True, env=env, cwd=tmp_path, check=True
    )
    return json.loads(result.stdout.strip().splitlines()[-1]), result.stderr


def test_without_the_app_an_allow_all_credentials_policy_is_closed_and_logged_once(tmp_path: Path) -> None:
    answers, log = run_project(tmp_path, "CORS_ALLOW_ALL_ORIGINS = True\nCORS_ALLOW_CREDENTIALS = True\n")
    assert answers["plain"] == {}
    assert answers["plain-again"] == {}
    # Logged once, though two requests compiled and used the policy.
    global_error = "crossorigin: crossorigin.E020 CORS_ALLOW_ALL_ORIGINS and CORS_ALLOW_CREDENTIALS are both on"
    assert log.count(global_error) == 1
    assert "not in INSTALLED_APPS" in log


def test_without_the_app_a_view_policy_with_an_error_is_closed_and_safe_ones_work(tmp_path: Path) -> None:
    answers, log = run_project(tmp_path, 'CORS_ALLOWED_ORIGINS = ["https://partner.example"]\n')
    assert answers["open"] == {}
    assert "crossorigin.E020" in log
    assert "wide_open" in log
    assert answers["partner"] == {
        "access-control-allow-origin": "https://partner.example",
        "access-control-allow-credentials": "true",
    }


STARTED = """
import django
django.setup()
from django.core.wsgi import get_wsgi_application
get_wsgi_application()  # what a WSGI server does at start-up, before any request
print("{}")
"""


def test_without_the_app_a_view_policy_is_closed_and_logged_at_start_up(tmp_path: Path) -> None:
    (tmp_path / "tiny_settings.py").write_text(
        textwrap.dedent(SETTINGS + 'CORS_ALLOWED_ORIGINS = ["https://partner.example"]\n')
    )
    (tmp_path / "tiny_urls.py").write_text(textwrap.dedent(URLS))
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="tiny_settings", PYTHONPATH=f"{tmp_path}{os.pathsep}{ROOT}")
    result = subprocess.run(
        [sys.executable, "-c", STARTED], capture_output=True, text=True, env=env, cwd=tmp_path, check=True
    )
    assert "crossorigin.E020" in result.stderr
    assert "wide_open" in result.stderr


def test_without_the_app_a_silenced_error_keeps_the_policy(tmp_path: Path) -> None:
    answers, log = run_project(
        tmp_path,
        'CORS_ALLOW_ALL_ORIGINS = True\nCORS_ALLOW_CREDENTIALS = True\nSILENCED_SYSTEM_CHECKS = ["crossorigin.E020"]\n',
    )
    assert answers["plain"]["access-control-allow-origin"] == ATTACKER
    assert answers["plain"]["access-control-allow-credentials"] == "true"
    assert "crossorigin.E020" not in log


def test_with_the_app_installed_nothing_changes_at_run_time(send: Send) -> None:
    with override_settings(CORS_ALLOW_ALL_ORIGINS=True, CORS_ALLOW_CREDENTIALS=True):
        assert allowed(send("GET", "/api/items/", {"Origin": ATTACKER}), ATTACKER, credentials=True) == ATTACKER


INSTALLED = 'INSTALLED_APPS = ["django.contrib.contenttypes", "crossorigin"]\nDEBUG = False\n'


def test_with_the_app_installed_a_view_policy_with_an_error_is_closed_and_logged(tmp_path: Path) -> None:
    # The checks may not see every view (a URLconf set per request, a server that never
    # runs them), so a view policy is guarded when it is compiled, app installed or not.
    answers, log = run_project(tmp_path, INSTALLED + 'CORS_ALLOWED_ORIGINS = ["https://partner.example"]\n')
    assert answers["open"] == {}
    assert log.count("crossorigin: crossorigin.E020") == 1  # once, though compiled at start-up and used
    assert "wide_open" in log
    assert "not in INSTALLED_APPS" not in log
    assert answers["partner"]["access-control-allow-origin"] == "https://partner.example"


def test_with_the_app_installed_a_silenced_view_error_keeps_the_view_policy(tmp_path: Path) -> None:
    answers, log = run_project(tmp_path, INSTALLED + 'SILENCED_SYSTEM_CHECKS = ["crossorigin.E020"]\n')
    assert answers["open"]["access-control-allow-origin"] == ATTACKER
    assert "crossorigin.E020" not in log


def test_with_the_app_installed_a_view_danger_under_debug_is_only_a_warning_and_stays_open(tmp_path: Path) -> None:
    # DEBUG = True: the level rule makes the danger a Warning (W120), which closes nothing.
    answers, log = run_project(tmp_path, INSTALLED.replace("DEBUG = False", "DEBUG = True"))
    assert answers["open"]["access-control-allow-origin"] == ATTACKER
    assert "crossorigin.E020" not in log
