"""Dependency files naming the incumbents. Reported, never rewritten: pins, hashes and
lock files are the project's to change, and a half-edited lock file is worse than none.
Each report names the command that updates the file."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Final

from crossorigin._migrate.report import Finding

# A requirement name is compared after PEP 503 normalisation (-, _ and . are the same).
_NAME = r"django[-_.]+(?:cors[-_.]+headers|dcors)"
_OLD = re.compile(rf"(?<![\w.-]){_NAME}(?![\w-])", re.IGNORECASE)
# A line pip reads as a requirement: the name first, then extras, a version, a marker or an option.
_REQUIREMENT_LINE = re.compile(rf"^\s*{_NAME}\s*(\[[^\]]*\])?\s*($|[<>=!~;@,#]|--)", re.IGNORECASE)

_REPLACE = "depend on django-crossorigin instead of {old} (its version pin and hashes do not carry over)"

# File name -> what to do after replacing the line.
MANIFESTS: Final[dict[str, str]] = {
    "pyproject.toml": "then update the lock file if one is used (uv lock, poetry lock or pdm lock)",
    "setup.cfg": "then reinstall the project (pip install -e .)",
    "Pipfile": "do it with pipenv uninstall {old} && pipenv install django-crossorigin",
    "tox.ini": "then recreate the environments (tox -r)",
    "environment.yml": "then conda env update --file environment.yml --prune",
}
# Lock files: written by a tool, so the tool updates them once the manifest no longer names the old package.
LOCK_FILES: Final[dict[str, str]] = {
    "uv.lock": "uv lock",
    "poetry.lock": "poetry lock",
    "Pipfile.lock": "pipenv lock",
    "pdm.lock": "pdm lock",
}
# Any *.txt or *.in may be a pip requirements file (pip -r takes any name); only requirement lines count.
PIP_SUFFIXES: Final = (".txt", ".in")


def is_dependency_file(path: Path) -> bool:
    """A file that can name a dependency: a manifest, a lock file, or what ``pip -r`` would read."""
    return path.name in MANIFESTS or path.name in LOCK_FILES or path.suffix in PIP_SUFFIXES


def requirement_findings(path: Path, shown: str, text: str | None = None) -> list[Finding]:
    """One finding per line naming django-cors-headers or django-dcors as a dependency (one per lock file)."""
    if text is None:
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return []
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        pip_file = path.suffix in PIP_SUFFIXES
        old = (_REQUIREMENT_LINE if pip_file else _OLD).search(line)
        if old is None or line.lstrip().startswith("#"):
            continue
        name = _OLD.search(line)
        assert name is not None
        old_name = name.group(0)
        if path.name in LOCK_FILES:
            command = LOCK_FILES[path.name]
            message = f"locks {old_name}: once the manifest depends on django-crossorigin instead, run {command}"
            return [Finding(shown, number, message)]
        message = f"{line.strip()!r}: " + _REPLACE.format(old=old_name)
        if path.name in MANIFESTS:
            message += "; " + MANIFESTS[path.name].format(old=old_name)
        elif pip_file:
            message += "; if pip-compile (or uv pip compile) wrote this file, change its .in file and compile again"
        found.append(Finding(shown, number, message))
    return found
