"""Which files the command looks at: Python sources and dependency lists, never vendored code."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path

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


def is_virtualenv(directory: Path) -> bool:
    """True for a virtual environment (it has a pyvenv.cfg), whatever it is called."""
    return (directory / "pyvenv.cfg").is_file()


def _walk(root: Path) -> Iterator[Path]:
    for current, dirs, files in os.walk(root):
        here = Path(current)
        dirs[:] = sorted(d for d in dirs if d not in SKIPPED_DIRS and not is_virtualenv(here / d))
        for name in sorted(files):
            yield here / name


def is_requirements_file(path: Path) -> bool:
    """Dependency lists: requirements*.txt (or any .txt/.in under a requirements folder), pyproject.toml..."""
    if path.name in ("pyproject.toml", "setup.cfg", "Pipfile", "tox.ini", "environment.yml"):
        return True
    if path.suffix in (".txt", ".in"):
        return path.name.startswith("requirements") or "requirements" in path.parent.name
    return False


def discover(paths: Iterable[Path]) -> tuple[list[Path], list[Path]]:
    """(Python files, dependency files) under ``paths``; a file named explicitly is always taken."""
    python: list[Path] = []
    requirements: list[Path] = []
    for path in paths:
        candidates = _walk(path) if path.is_dir() else iter([path])
        for candidate in candidates:
            if candidate.suffix == ".py":
                python.append(candidate)
            elif is_requirements_file(candidate):
                requirements.append(candidate)
    return python, requirements
