"""Which files the command looks at, and how it reads and writes them safely.

Only regular files inside the given roots: a symbolic link is reported, never followed
(writing through it would change a file outside the project), and a FIFO or device named
``*.py`` is reported, never opened (reading it could block forever). Writes go to a
temporary file in the same folder, which then replaces the original with its mode, so
an interrupted run leaves each file either old or new.
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from crossorigin._migrate.config_keys import is_config_data
from crossorigin._migrate.requirements import is_dependency_file

# Folders never searched: other people's code, generated code, VCS metadata, caches.
SKIPPED_DIRS = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        ".tox",
        ".nox",
        ".venv",
        "venv",
        ".mypy_cache",
        ".ruff_cache",
        ".pytest_cache",
        "__pycache__",
        "node_modules",
        "site-packages",
        "migrations",
        "build",
        "dist",
    }
)

# Files that may name DJANGO_SETTINGS_MODULE without being Python.
CONFIG_FILES = frozenset({"pytest.ini", "pyproject.toml", "setup.cfg", "tox.ini"})


@dataclass
class Tree:
    """What ``discover`` found: the files to read, and the ones left alone with why."""

    python: list[Path] = field(default_factory=list)
    dependencies: list[Path] = field(default_factory=list)
    configs: list[Path] = field(default_factory=list)
    data: list[Path] = field(default_factory=list)
    skipped: list[tuple[Path, str]] = field(default_factory=list)


def is_virtualenv(directory: Path) -> bool:
    """True for a virtual environment (it has a pyvenv.cfg), whatever it is called."""
    return (directory / "pyvenv.cfg").is_file()


def _walk(root: Path, tree: Tree) -> Iterator[Path]:
    for current, dirs, files in os.walk(root):  # never follows a symlinked folder
        here = Path(current)
        kept = []
        for name in sorted(dirs):
            if name in SKIPPED_DIRS or is_virtualenv(here / name):
                continue
            if (here / name).is_symlink():
                tree.skipped.append((here / name, "a symbolic link to a folder: not followed"))
                continue
            kept.append(name)
        dirs[:] = kept
        for name in sorted(files):
            yield here / name


def wanted(path: Path, data: bool) -> bool:
    """True for a file the command reads: Python, a dependency list, configuration (and with ``data``, config data)."""
    return (
        path.suffix == ".py" or is_dependency_file(path) or path.name in CONFIG_FILES or (data and is_config_data(path))
    )


def not_regular(path: Path) -> str | None:
    """Why the command must not open ``path`` (a symlink, a FIFO...), or None for a regular file."""
    try:
        mode = os.lstat(path).st_mode
    except OSError as exc:
        return f"cannot be read: {exc.strerror or exc}"
    if stat.S_ISLNK(mode):
        return "a symbolic link: not followed, so nothing outside the tree is changed; run the command on its target"
    if not stat.S_ISREG(mode):
        return "not a regular file (a FIFO, socket or device): not opened"
    return None


def discover(paths: Iterable[Path], data: bool = False) -> Tree:
    """The files under ``paths``; a file named explicitly is always taken if it is a regular file.

    ``data``: also configuration data (YAML, .env...), read only by ``--rename-settings``.
    """
    tree = Tree()
    for path in paths:
        if path.is_dir() and not path.is_symlink():
            candidates: Iterator[Path] = _walk(path, tree)
        else:
            candidates = iter([path])
        for candidate in candidates:
            if not wanted(candidate, data) and candidate != path:
                continue
            reason = not_regular(candidate)
            if reason is not None:
                tree.skipped.append((candidate, reason))
                continue
            if candidate.suffix == ".py":
                tree.python.append(candidate)
            if is_dependency_file(candidate):
                tree.dependencies.append(candidate)
            if candidate.name in CONFIG_FILES:
                tree.configs.append(candidate)
            if data and is_config_data(candidate):
                tree.data.append(candidate)
    return tree


def read_regular(path: Path) -> bytes:
    """The bytes of a regular file, refusing anything else (it may have changed since ``discover``)."""
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    with os.fdopen(fd, "rb") as file:
        if not stat.S_ISREG(os.fstat(file.fileno()).st_mode):
            raise OSError(f"{path} is not a regular file")
        return file.read()


def write_atomically(path: Path, data: bytes) -> None:
    """Replace a regular file's content in one step, keeping its permission bits."""
    reason = not_regular(path)
    if reason is not None:
        raise OSError(f"{path} is {reason}")
    mode = stat.S_IMODE(os.stat(path).st_mode)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".crossorigin-migrate")
    try:
        with os.fdopen(fd, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
