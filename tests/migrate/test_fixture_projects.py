"""Fixture projects shaped like real ones, migrated by the command, then run under Django's test runner.

Each project is copied to a temporary folder, migrated with the real command, and its
own test suite (or ``manage.py check``) is run in a fresh process where
``corsheaders`` and ``dcors`` cannot be imported at all (``block_incumbents.py``).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Final

HERE: Final = Path(__file__).resolve().parent
FIXTURES: Final = HERE / "fixtures"
BLOCKER: Final = HERE / "block_incumbents.py"
BLOCKED_MARK: Final = "BLOCKED IMPORT:"


def copy(name: str, tmp_path: Path) -> Path:
    target = tmp_path / name
    shutil.copytree(FIXTURES / name, target, ignore=shutil.ignore_patterns("__pycache__"))
    return target


def migrate(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "crossorigin.migrate", *args, "."], capture_output=True, text=True, cwd=root, check=False
    )


def manage(root: Path, *args: str, settings: str | None = None) -> subprocess.CompletedProcess[str]:
    """``python manage.py ...`` in a fresh process that cannot import the incumbents."""
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "PYTHONPATH")}
    if settings:
        env["DJANGO_SETTINGS_MODULE"] = settings
    result = subprocess.run(
        [sys.executable, str(BLOCKER), "manage.py", *args],
        capture_output=True,
        text=True,
        cwd=root,
        env=env,
        check=False,
    )
    assert BLOCKED_MARK not in result.stderr, result.stderr
    return result


def python_sources(root: Path) -> dict[Path, str]:
    return {path: path.read_text() for path in sorted(root.rglob("*.py"))}


def test_split_settings_project_diff_write_idempotent_and_its_suite_passes(tmp_path: Path) -> None:
    root = copy("splitsettings", tmp_path)
    before = python_sources(root)
    shown = migrate(root, "--rename-settings")
    assert shown.returncode == 1, shown.stderr
    assert '-INSTALLED_APPS.remove("corsheaders")  # noqa: F405' in shown.stdout
    assert '+INSTALLED_APPS.remove("crossorigin")  # noqa: F405' in shown.stdout
    assert python_sources(root) == before  # a diff only

    written = migrate(root, "--rename-settings", "--write")
    assert written.returncode == 0, written.stderr
    base = (root / "config/settings/base.py").read_text()
    assert '"crossorigin",  # CORS for the single-page app' in base
    assert '"https://app.example.com",  # production front end' in base
    assert "# django-cors-headers\n# ------" in base
    assert "config/settings/base.py:38: CORS_MODEL" in written.stderr
    assert "requirements.txt:2: 'django-cors-headers==4.9.0  # CORS'" in written.stderr
    assert "api/tests.py:47: a check_request_enabled receiver" in written.stderr
    # Generated migrations are left alone.
    assert 'REQUIRED_APP = "corsheaders"' in (root / "api/migrations/0001_initial.py").read_text()

    again = migrate(root, "--rename-settings")
    assert (again.returncode, again.stdout) == (0, "")

    result = manage(root, "test", "--verbosity", "2")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Ran 8 tests" in result.stderr
    assert "OK" in result.stderr


def test_old_setting_names_run_unrenamed_too(tmp_path: Path) -> None:
    root = copy("splitsettings", tmp_path)
    assert migrate(root, "--write").returncode == 0
    assert "CORS_ORIGIN_WHITELIST = [" in (root / "config/settings/base.py").read_text()
    result = manage(root, "test")
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_settings_fail_a_warning_pipeline_only_on_real_mistakes(tmp_path: Path) -> None:
    # Old names, an origin not in normal form and SameSite=Lax cookies are notes (Infos):
    # django-cors-headers 4.x accepted them and they still work. CorsMiddleware below a
    # redirecting SecurityMiddleware (the preflight gets a bare redirect) and a credentialed
    # origin missing from CSRF_TRUSTED_ORIGINS (its POSTs get 403) are Warnings: CORS will
    # not work as configured (issue 21, the level rule in docs/checks.md).
    root = copy("splitsettings", tmp_path)
    assert migrate(root, "--write").returncode == 0
    result = manage(root, "check", "--deploy", "--fail-level", "WARNING", settings="config.settings.production")
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    warned = set(re.findall(r"\(crossorigin\.(W\d{3})\)", output))
    assert warned == {"W045", "W061"}, output
    assert not re.search(r"\(crossorigin\.E\d{3}\)", output), output
    for info in ("crossorigin.I040", "crossorigin.I043", "crossorigin.I046"):
        assert info in output


def test_dcors_project_suite_passes(tmp_path: Path) -> None:
    root = copy("dcorsproject", tmp_path)
    written = migrate(root, "--write")
    assert written.returncode == 0, written.stderr
    assert "legacy/settings.py:6: django-dcors had no app" in written.stderr
    assert "requirements.in:2: 'django_dcors'" in written.stderr
    result = manage(root, "test")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Ran 2 tests" in result.stderr


def test_subclass_overrides_are_reported_then_refused_at_start_up(tmp_path: Path) -> None:
    root = copy("subclassed", tmp_path)
    written = migrate(root, "--write", "--rename-settings")
    assert written.returncode == 0, written.stderr
    assert "site_app/middleware.py:8: InstitutionCorsMiddleware.origin_found_in_white_lists" in written.stderr
    assert "site_app/middleware.py:12: InstitutionCorsMiddleware.is_enabled" in written.stderr
    assert (
        "class InstitutionCorsMiddleware(crossorigin.middleware.CorsMiddleware):"
        in (root / "site_app/middleware.py").read_text()
    )

    result = manage(root, "check")
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "(crossorigin.E040) site_app.middleware.InstitutionCorsMiddleware overrides" in output
    assert "origin_found_in_white_lists(), is_enabled()" in output
    assert "CORS_ORIGIN_CHECKER" in output
    assert "CORS_URL_POLICIES" in output


def test_rename_settings_keeps_reading_a_configuration_module_outside_the_tree(tmp_path: Path) -> None:
    # The settings read the deployment's values with getattr(configuration, "CORS_ORIGIN_WHITELIST", []):
    # that string names the configuration module's attribute, not the setting. Renaming it would leave
    # CORS_ALLOWED_ORIGINS empty while every check says "no issues" (issue 22).
    root = copy("configmodule", tmp_path) / "project"
    config = (root.parent / "deploy" / "configuration.py").read_text()
    written = migrate(root, "--write", "--rename-settings")
    assert written.returncode == 0, written.stderr
    settings = (root / "inventory/settings.py").read_text()
    assert "CORS_ALLOWED_ORIGINS = getattr(configuration, 'CORS_ORIGIN_WHITELIST', [])" in settings
    assert "CORS_ALLOW_ALL_ORIGINS = getattr(configuration, 'CORS_ORIGIN_ALLOW_ALL', False)" in settings
    assert "CORS_ALLOWED_ORIGIN_REGEXES = getattr(configuration, 'CORS_ORIGIN_REGEX_WHITELIST', [])" in settings
    assert (root.parent / "deploy" / "configuration.py").read_text() == config
    line = settings.splitlines().index("CORS_ALLOWED_ORIGINS = getattr(configuration, 'CORS_ORIGIN_WHITELIST', [])") + 1
    assert f"inventory/settings.py:{line}: CORS_ORIGIN_WHITELIST here is a string" in written.stderr
    assert "rename both sides by hand" in written.stderr

    assert migrate(root, "--rename-settings").returncode == 0  # nothing left to change
    result = manage(root, "test")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Ran 3 tests" in result.stderr
    checked = manage(root, "check", "--fail-level", "WARNING")
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_a_module_outside_the_settings_keeps_its_names(tmp_path: Path) -> None:
    # The same configuration module inside the tree: not a settings module (manage.py names
    # inventory.settings, which imports nothing from it with *), so it is reported, not renamed.
    root = copy("configmodule", tmp_path) / "project"
    shutil.move(root.parent / "deploy" / "configuration.py", root / "configuration.py")
    written = migrate(root, "--write", "--rename-settings")
    assert written.returncode == 0, written.stderr
    assert "CORS_ORIGIN_WHITELIST = [" in (root / "configuration.py").read_text()
    assert "configuration.py:3: CORS_ORIGIN_WHITELIST is set in a module that is not a settings module" in (
        written.stderr
    )
    result = manage(root, "test")
    assert result.returncode == 0, result.stdout + result.stderr


def test_configuration_data_naming_old_settings_is_reported_not_renamed(tmp_path: Path) -> None:
    root = copy("configmodule", tmp_path) / "project"
    (root / "deploy.yml").write_text("env:\n  CORS_ORIGIN_WHITELIST: https://front.example.com\n")
    (root / ".env").write_text("CORS_ORIGIN_ALLOW_ALL=false\n")
    written = migrate(root, "--write", "--rename-settings")
    assert "deploy.yml:2: CORS_ORIGIN_WHITELIST in configuration data was left as it is" in written.stderr
    assert ".env:1: CORS_ORIGIN_ALLOW_ALL in configuration data" in written.stderr
    assert (root / "deploy.yml").read_text() == "env:\n  CORS_ORIGIN_WHITELIST: https://front.example.com\n"
    assert "configuration data" not in migrate(root).stderr  # only when renaming: otherwise nothing can disagree
