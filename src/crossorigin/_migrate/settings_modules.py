"""Which Python files are settings modules, so that ``--rename-settings`` renames only their names.

A name assigned in a module is a setting only if Django reads that module as its
settings. So the command looks for the modules the project names in
``DJANGO_SETTINGS_MODULE`` (in ``manage.py``, ``wsgi.py``, ``asgi.py``, ``conftest.py``,
and the pytest or tox configuration), then adds the modules those import with
``from ... import *`` (split settings: ``from .base import *``) and the modules that
import one of them that way (``production.py`` next to the ``test.py`` that ``manage.py``
names). A tree that names no settings module at all falls back to files called
``settings.py`` or inside a ``settings`` package.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from crossorigin._migrate.files import read_regular

_DECLARED_IN_PYTHON = re.compile(r"""["']DJANGO_SETTINGS_MODULE["']\s*(?:,|\]\s*=)\s*["']([\w.]+)["']""")
_DECLARED_IN_CONFIG = re.compile(r"""^[ \t]*DJANGO_SETTINGS_MODULE[ \t]*[=:][ \t]*["']?([\w.]+)""", re.MULTILINE)
_STAR_IMPORT = re.compile(r"^from[ \t]+(\.*)([\w.]*)[ \t]+import[ \t]+\*", re.MULTILINE)
DECLARING_SCRIPTS = frozenset({"manage.py", "wsgi.py", "asgi.py", "conftest.py"})


def _text(path: Path) -> str:
    try:
        return read_regular(path).decode("utf-8", errors="replace")
    except OSError:
        return ""


def declared(python: Iterable[Path], configs: Iterable[Path]) -> set[str]:
    """The dotted names given to DJANGO_SETTINGS_MODULE by the project's scripts and configuration."""
    names: set[str] = set()
    for path in python:
        if path.name in DECLARING_SCRIPTS:
            names.update(_DECLARED_IN_PYTHON.findall(_text(path)))
    for path in configs:
        names.update(_DECLARED_IN_CONFIG.findall(_text(path)))
    return names


def _by_dotted_name(dotted: str, files: Iterable[Path]) -> list[Path]:
    """The files that module ``dotted`` can be, whatever folder is on ``sys.path``."""
    parts = dotted.split(".")
    module, package = (*parts[:-1], f"{parts[-1]}.py"), (*parts, "__init__.py")
    return [path for path in files if path.parts[-len(module) :] == module or path.parts[-len(package) :] == package]


def _star_imported(path: Path, files: list[Path]) -> list[Path]:
    """The modules ``path`` imports with ``from ... import *``, among ``files``."""
    found = []
    for dots, name in _STAR_IMPORT.findall(_text(path)):
        if dots:
            base = path.parent
            for _ in range(len(dots) - 1):
                base = base.parent
            target = base.joinpath(*name.split(".")) if name else base
            candidates = [target.with_suffix(".py"), target / "__init__.py"]
            found += [candidate for candidate in files if candidate in candidates]
        elif name:
            found += _by_dotted_name(name, files)
    return found


def find(python: list[Path], configs: list[Path]) -> tuple[frozenset[Path], bool]:
    """(the settings modules among ``python``, whether they were found through DJANGO_SETTINGS_MODULE)."""
    names = declared(python, configs)
    start = [path for name in sorted(names) for path in _by_dotted_name(name, python)]
    from_declaration = bool(start)
    if not start:
        start = [path for path in python if path.name == "settings.py" or "settings" in path.parent.parts[-1:]]
    imports = {path: _star_imported(path, python) for path in python}
    found = set(start)
    changed = True
    while changed:  # both ways along star imports, until nothing is added
        changed = False
        for path, targets in imports.items():
            if path in found:
                new = [target for target in targets if target not in found]
            elif any(target in found for target in targets):
                new = [path]
            else:
                continue
            if new:
                found.update(new)
                changed = True
    return frozenset(found), from_declaration
