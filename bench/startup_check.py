"""Start-up cost (issue 21, item 6): ``manage.py check`` on the quickstart project, against django-cors-headers.

    python -m bench.startup_check          # 20 runs of each, interleaved
    python -m bench.startup_check --runs 40

Two copies of one project (the admin, sessions, CSRF, the quickstart's CORS settings
with credentials) differ only in the CORS app and middleware: crossorigin, or
django-cors-headers (which must be installed). Each ``manage.py check`` runs in a fresh
process with its bytecode already cached, as a user's would be; the median CPU time
(user + system) of the child is reported, wall time beside it: on a shared machine wall
time measures the neighbours. The goal: crossorigin within 20 ms of django-cors-headers.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

COMMON = """
SECRET_KEY = "x" * 50
DEBUG = True
ROOT_URLCONF = "urls"
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": "db.sqlite3"}}
STATIC_URL = "static/"
# The quickstart's settings (docs/quickstart.md, step 3).
CORS_ALLOWED_ORIGINS = ["https://app.example.com", "http://localhost:5173"]
CORS_ALLOW_CREDENTIALS = True
CSRF_TRUSTED_ORIGINS = CORS_ALLOWED_ORIGINS
SESSION_COOKIE_SAMESITE = "None"
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SAMESITE = "None"
CSRF_COOKIE_SECURE = True
"""

VARIANTS = {
    "crossorigin": ("crossorigin", "crossorigin.middleware.CorsMiddleware"),
    "django-cors-headers": ("corsheaders", "corsheaders.middleware.CorsMiddleware"),
}


def write_project(root: Path) -> None:
    (root / "common.py").write_text(COMMON)
    (root / "urls.py").write_text(
        "from django.contrib import admin\nfrom django.urls import path\n\n"
        'urlpatterns = [path("admin/", admin.site.urls)]\n'
    )
    (root / "manage.py").write_text(
        "import sys\n\nfrom django.core.management import execute_from_command_line\n\n"
        "execute_from_command_line(sys.argv)\n"
    )
    for name, (app, middleware) in VARIANTS.items():
        module = name.replace("-", "_")
        (root / f"{module}.py").write_text(
            "from common import *  # noqa: F403\n\n"
            f"INSTALLED_APPS = [*INSTALLED_APPS, {app!r}]  # noqa: F405\n"
            f"MIDDLEWARE = [{middleware!r}, *MIDDLEWARE]  # noqa: F405\n"
        )


def run_check(root: Path, name: str) -> tuple[float, float]:
    """(CPU seconds, wall seconds) of one ``manage.py check`` with the variant's settings."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env.update(DJANGO_SETTINGS_MODULE=name.replace("-", "_"), PYTHONPATH=str(root))
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "manage.py", "check"], env=env, cwd=root, capture_output=True, text=True, check=False
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0 or "no issues" not in done.stdout:
        raise SystemExit(f"{name}: manage.py check said\n{done.stdout}{done.stderr}")
    return after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime, wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        write_project(root)
        for name in VARIANTS:
            run_check(root, name)  # writes the bytecode
        cpu: dict[str, list[float]] = {name: [] for name in VARIANTS}
        wall: dict[str, list[float]] = {name: [] for name in VARIANTS}
        for _ in range(args.runs):
            for name in VARIANTS:
                spent, waited = run_check(root, name)
                cpu[name].append(spent)
                wall[name].append(waited)
    for name in VARIANTS:
        print(
            f"{name:20} CPU median {statistics.median(cpu[name]) * 1000:6.0f} ms   "
            f"wall median {statistics.median(wall[name]) * 1000:6.0f} ms   ({args.runs} runs)"
        )
    gap = (statistics.median(cpu["crossorigin"]) - statistics.median(cpu["django-cors-headers"])) * 1000
    print(f"crossorigin - django-cors-headers: {gap:+.0f} ms CPU (goal: at most +20 ms)")


if __name__ == "__main__":
    main()
