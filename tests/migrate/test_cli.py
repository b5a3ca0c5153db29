"""The command run for real, as ``python -m crossorigin.migrate`` and as the console script."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from crossorigin._migrate.cli import main

SCRIPT = Path(sys.executable).with_name("crossorigin-migrate")
# The command needs no Django settings: run it as a user would, outside any project.
CLEAN_ENV = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}


def run(*args: str | Path, cwd: Path, timeout: float | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "crossorigin.migrate", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=CLEAN_ENV,
        check=False,
        timeout=timeout,
    )


def project(tmp_path: Path) -> Path:
    (tmp_path / "settings.py").write_text('INSTALLED_APPS = [\n    "corsheaders",  # CORS\n]\n')
    (tmp_path / "clean.py").write_text("X = 1\n")
    return tmp_path


def test_diff_and_exit_1_when_something_would_change(tmp_path: Path) -> None:
    result = run(".", cwd=project(tmp_path))
    assert result.returncode == 1, result.stderr
    assert result.stdout.splitlines()[:2] == ["--- a/settings.py", "+++ b/settings.py"]
    assert '-    "corsheaders",  # CORS' in result.stdout
    assert '+    "crossorigin",  # CORS' in result.stdout
    assert "would rewrite 1 of 2 Python files" in result.stderr
    assert "corsheaders" in (tmp_path / "settings.py").read_text()  # nothing written


def test_write_then_nothing_left_to_change(tmp_path: Path) -> None:
    written = run("--write", ".", cwd=project(tmp_path))
    assert written.returncode == 0, written.stderr
    assert written.stdout == ""
    assert (tmp_path / "settings.py").read_text() == 'INSTALLED_APPS = [\n    "crossorigin",  # CORS\n]\n'
    again = run(".", cwd=tmp_path)
    assert (again.returncode, again.stdout) == (0, "")


def test_the_console_script(tmp_path: Path) -> None:
    assert SCRIPT.exists(), "install the package (pip install -e .) to get the crossorigin-migrate script"
    result = subprocess.run(
        [SCRIPT, "settings.py"], capture_output=True, text=True, cwd=project(tmp_path), env=CLEAN_ENV, check=False
    )
    assert result.returncode == 1
    assert "+++ b/settings.py" in result.stdout


def test_skips_virtualenvs_migrations_node_modules_git_and_non_python(tmp_path: Path) -> None:
    old = 'APP = "corsheaders"\n'
    for folder in ("env", ".venv", "app/migrations", "node_modules/pkg", ".git/hooks", "docs"):
        (tmp_path / folder).mkdir(parents=True)
    (tmp_path / "env" / "pyvenv.cfg").write_text("home = /usr\n")  # a virtualenv by any name
    for path in (
        "env/x.py",
        ".venv/x.py",
        "app/migrations/0001_initial.py",
        "node_modules/pkg/x.py",
        ".git/hooks/x.py",
    ):
        (tmp_path / path).write_text(old)
    (tmp_path / "docs" / "conf.txt").write_text(old)
    (tmp_path / "app" / "settings.py").write_text(old)
    result = run("--write", ".", cwd=tmp_path)
    assert "rewrote 1 of 1 Python file; 0 things to do by hand." in result.stderr
    assert (tmp_path / "app" / "settings.py").read_text() == 'APP = "crossorigin"\n'
    assert (tmp_path / "app/migrations/0001_initial.py").read_text() == old


def test_a_file_named_explicitly_is_taken_and_bad_python_is_reported(tmp_path: Path) -> None:
    (tmp_path / "py2.py").write_text('print "corsheaders"\n')
    result = run("py2.py", cwd=tmp_path)
    assert result.returncode == 0
    assert "py2.py:1: not migrated, it cannot be read as Python" in result.stderr


def test_reports_go_to_stderr_as_file_line_message(tmp_path: Path) -> None:
    (tmp_path / "settings.py").write_text('CORS_MODEL = "a.B"\n')
    (tmp_path / "middleware.py").write_text(
        "from corsheaders.middleware import CorsMiddleware\nclass M(CorsMiddleware):\n    def is_enabled(self, r): ...\n"
    )
    (tmp_path / "requirements.txt").write_text("django-cors-headers==4.9.0\n")
    result = run(".", cwd=tmp_path)
    assert result.returncode == 1  # the import in middleware.py would change
    assert "settings.py:1: CORS_MODEL" in result.stderr
    # Found without Django settings: the subclass check imports only our middleware class.
    assert "middleware.py:3: M.is_enabled overrides" in result.stderr
    assert "requirements.txt:1: 'django-cors-headers==4.9.0'" in result.stderr


def test_a_missing_path_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main([str(tmp_path / "nowhere")])
    assert exit_info.value.code == 2
    assert "no such file or directory" in capsys.readouterr().err


WITHOUT_LIBCST = """
import importlib.abc, sys

class NoLibcst(importlib.abc.MetaPathFinder):
    def find_spec(self, fullname, path, target=None):
        if fullname.split(".")[0] == "libcst":
            raise ModuleNotFoundError(f"No module named {fullname!r}", name=fullname)

sys.meta_path.insert(0, NoLibcst())
from crossorigin._migrate.cli import main
raise SystemExit(main(sys.argv[1:]))
"""


def test_without_the_migrate_extra_one_line_and_exit_2(tmp_path: Path) -> None:
    # A production install has no LibCST (it comes with django-crossorigin[migrate]).
    result = subprocess.run(
        [sys.executable, "-c", WITHOUT_LIBCST, "."],
        capture_output=True,
        text=True,
        cwd=project(tmp_path),
        env=CLEAN_ENV,
        check=False,
    )
    assert result.returncode == 2
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 1, result.stderr
    assert 'pip install "django-crossorigin[migrate]"' in result.stderr


def test_counts_are_said_in_the_singular_for_one(tmp_path: Path) -> None:
    (tmp_path / "settings.py").write_text('CORS_MODEL = "a.B"\n')
    result = run(".", cwd=tmp_path)
    assert result.stderr.splitlines()[-1] == (
        "crossorigin-migrate: would rewrite 0 of 1 Python file; 1 thing to do by hand."
    )
