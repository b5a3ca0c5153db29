"""The command on trees as they are found: links, FIFOs, bad encodings, data that looks like a name."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from crossorigin._migrate.rewrite import migrate_source
from tests.migrate.test_cli import run

OLD = 'APP = "corsheaders"\n'
NEW = 'APP = "crossorigin"\n'


def test_a_symlinked_python_file_is_reported_and_its_target_outside_left_alone(tmp_path: Path) -> None:
    outside, project = tmp_path / "outside", tmp_path / "project"
    outside.mkdir()
    project.mkdir()
    (outside / "target.py").write_text(OLD)
    (project / "link.py").symlink_to(outside / "target.py")
    (outside / "pkg").mkdir()
    (outside / "pkg" / "inner.py").write_text(OLD)
    (project / "linked_folder").symlink_to(outside / "pkg")
    (project / "settings.py").write_text(OLD)
    result = run("--write", ".", cwd=project)
    assert result.returncode == 0, result.stderr
    assert (outside / "target.py").read_text() == OLD
    assert (outside / "pkg" / "inner.py").read_text() == OLD
    assert (project / "link.py").is_symlink()
    assert "link.py:1: left alone: a symbolic link" in result.stderr
    assert "linked_folder:1: left alone: a symbolic link to a folder" in result.stderr
    assert (project / "settings.py").read_text() == NEW


def test_a_symlink_named_on_the_command_line_is_not_written_through(tmp_path: Path) -> None:
    (tmp_path / "target.py").write_text(OLD)
    (tmp_path / "link.py").symlink_to(tmp_path / "target.py")
    result = run("--write", "link.py", cwd=tmp_path)
    assert "link.py:1: left alone: a symbolic link" in result.stderr
    assert (tmp_path / "target.py").read_text() == OLD


def test_a_file_that_cannot_be_decoded_is_reported_and_the_run_goes_on(tmp_path: Path) -> None:
    (tmp_path / "a_latin.py").write_bytes(b"# caf\xe9 \xff\xfe\nAPP = 'corsheaders'\n")  # not UTF-8, no coding line
    (tmp_path / "b_bad_coding.py").write_bytes(b"# -*- coding: no-such-codec -*-\nAPP = 1\n")
    (tmp_path / "settings.py").write_text(OLD)
    result = run("--write", ".", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert "a_latin.py:1: not migrated, it cannot be read as Python" in result.stderr
    assert "b_bad_coding.py:1: not migrated, it cannot be read as Python" in result.stderr
    assert (tmp_path / "settings.py").read_text() == NEW


def test_a_fifo_named_like_python_is_never_opened(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.py")
    os.mkfifo(tmp_path / "requirements.txt")
    (tmp_path / "settings.py").write_text(OLD)
    result = run("--write", ".", cwd=tmp_path, timeout=60)  # opening the FIFO would block forever
    assert result.returncode == 0, result.stderr
    assert "pipe.py:1: left alone: not a regular file" in result.stderr
    assert "requirements.txt:1: left alone: not a regular file" in result.stderr
    assert (tmp_path / "settings.py").read_text() == NEW


def test_writes_replace_the_file_and_keep_its_mode(tmp_path: Path) -> None:
    path = tmp_path / "settings.py"
    path.write_text(OLD)
    path.chmod(0o640)
    before = path.stat()
    result = run("--write", ".", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    after = path.stat()
    assert path.read_text() == NEW
    assert stat.S_IMODE(after.st_mode) == 0o640
    assert after.st_ino != before.st_ino  # a new file renamed over the old one, not rewritten in place
    assert sorted(p.name for p in tmp_path.iterdir()) == ["settings.py"]  # no temporary file left


def test_dictionary_keys_and_subscripts_are_data() -> None:
    source = (
        'LOGGING = {"loggers": {"corsheaders": {"level": "DEBUG"}}}\n'
        'counts["corsheaders"] += 1\n'
        'modify = {"append": "corsheaders"}\n'
    )
    migrated = migrate_source(source.encode(), "settings.py")
    assert migrated.new_source.decode() == (
        'LOGGING = {"loggers": {"corsheaders": {"level": "DEBUG"}}}\n'
        'counts["corsheaders"] += 1\n'
        'modify = {"append": "crossorigin"}\n'
    )
    assert [(f.line, "dictionary key" in f.message) for f in migrated.findings] == [(1, True)]


def test_what_was_removed_is_said_on_every_run_that_changes_it(tmp_path: Path) -> None:
    settings = tmp_path / "settings.py"
    settings.write_text(
        'MIDDLEWARE = [\n    "corsheaders.middleware.CorsMiddleware",\n    "crossorigin.middleware.CorsMiddleware",\n]\n'
    )
    for args in ((".",), ("--write", ".")):
        result = run(*args, cwd=tmp_path)
        assert "settings.py:3: 'crossorigin.middleware.CorsMiddleware' named the middleware a second time" in (
            result.stderr
        )
        assert "1 of 1 Python file (1 duplicate entry removed); 0 things to do by hand." in result.stderr
    again = run(".", cwd=tmp_path)
    assert again.stderr == "crossorigin-migrate: would rewrite 0 of 1 Python file; 0 things to do by hand.\n"
