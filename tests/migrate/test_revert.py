"""``crossorigin-migrate --revert``: back to django-cors-headers, refused while our-only features are in use."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from crossorigin._migrate.revert import revert_source
from tests.migrate.test_cli import CLEAN_ENV, run
from tests.migrate.test_fixture_projects import copy, migrate, python_sources


def reverted(source: str) -> str:
    migrated, refused = revert_source(source.encode(), "x.py")
    assert refused == []
    return migrated.new_source.decode()


def test_names_go_back() -> None:
    assert reverted(
        'INSTALLED_APPS = ["crossorigin"]\n'
        'MIDDLEWARE = ["crossorigin.middleware.CorsMiddleware"]\n'
        'SILENCED_SYSTEM_CHECKS = ["crossorigin.E002", "crossorigin.E013"]\n'
        "from crossorigin.apps import CrossOriginConfig as CorsHeadersAppConfig\n"
        "from crossorigin.middleware import ACCESS_CONTROL_ALLOW_ORIGIN, CorsMiddleware\n"
        "import crossorigin.defaults\n"
        "H = crossorigin.defaults.default_headers\n"
    ) == (
        'INSTALLED_APPS = ["corsheaders"]\n'
        'MIDDLEWARE = ["corsheaders.middleware.CorsMiddleware"]\n'
        # crossorigin.E013 stands for three of theirs: it has no single way back, and is harmless left.
        'SILENCED_SYSTEM_CHECKS = ["corsheaders.E013", "crossorigin.E013"]\n'
        "from corsheaders.apps import CorsHeadersAppConfig\n"
        "from corsheaders.middleware import ACCESS_CONTROL_ALLOW_ORIGIN, CorsMiddleware\n"
        "import corsheaders.defaults\n"
        "H = corsheaders.defaults.default_headers\n"
    )


def test_forward_then_back_gives_the_project_back_and_its_suite_passes_on_django_cors_headers(
    tmp_path: Path,
) -> None:
    root = copy("splitsettings", tmp_path)
    before = python_sources(root)
    assert migrate(root, "--write").returncode == 0
    assert python_sources(root) != before
    back = migrate(root, "--revert", "--write")
    assert back.returncode == 0, back.stderr
    assert python_sources(root) == before
    # The real django-cors-headers (a test requirement) runs the project's own tests.
    result = subprocess.run(
        [sys.executable, "manage.py", "test"], capture_output=True, text=True, cwd=root, env=CLEAN_ENV, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Ran 8 tests" in result.stderr


def test_refused_while_features_only_crossorigin_has_are_used(tmp_path: Path) -> None:
    settings = (
        'INSTALLED_APPS = ["crossorigin", "crossorigin.contrib.origins"]\n'
        'CORS_ALLOWED_ORIGINS = ["https://*.example.com", "http://localhost:*", "https://a.example"]\n'
        'CORS_URL_POLICIES = {r"^/public/": {"CORS_ALLOW_ALL_ORIGINS": True}}\n'
        'CORS_ORIGIN_CHECKER = "app.checks.partner"\n'
    )
    views = "from crossorigin.decorators import cors_exempt\n\n@cors_exempt\ndef view(request): ...\n"
    (tmp_path / "settings.py").write_text(settings)
    (tmp_path / "views.py").write_text(views)
    result = run("--revert", "--write", ".", cwd=tmp_path)
    assert result.returncode == 2
    for expected in (
        "settings.py:1: 'crossorigin.contrib.origins': origins in the database",
        "settings.py:2: 'https://*.example.com': a wildcard origin",
        "settings.py:2: 'http://localhost:*': a wildcard origin",
        "settings.py:3: CORS_URL_POLICIES: URL policies",
        "settings.py:4: CORS_ORIGIN_CHECKER: the origin checker",
        "views.py:1: cors_exempt: view policies",
        "views.py:3: cors_exempt: view policies",
    ):
        assert expected in result.stderr
    assert "not reverted, nothing written" in result.stderr
    assert (tmp_path / "settings.py").read_text() == settings
    assert (tmp_path / "views.py").read_text() == views
