"""docs/api.md is the public API: what it lists is what the package exports, both ways.

Each ``### `module` `` section of the page lists that module's public names; they must
be the module's ``__all__``, so a name added without documentation, or documented after
it is gone, fails here. The management commands and the console scripts listed there
must be the ones the package ships.
"""

from __future__ import annotations

import importlib
import re
import tomllib
from pathlib import Path
from typing import Final

import pytest
from django.core.management import get_commands

ROOT: Final = Path(__file__).resolve().parents[1]
API: Final = ROOT / "docs" / "api.md"


def documented() -> dict[str, list[str]]:
    """Section title (a module path, or a heading such as 'Management commands') -> the names listed."""
    sections: dict[str, list[str]] = {}
    current: str | None = None
    for line in API.read_text(encoding="utf-8").splitlines():
        if heading := re.match(r"#{2,3} (.+)$", line):
            current = heading.group(1).strip("`")
            sections.setdefault(current, [])
        elif (item := re.match(r"- `([\w-]+)`", line)) and current is not None:
            sections[current].append(item.group(1))
    return {title: names for title, names in sections.items() if names}


DOCUMENTED: Final = documented()
MODULES: Final = {title: names for title, names in DOCUMENTED.items() if title.startswith("crossorigin")}


def test_the_page_lists_the_public_modules() -> None:
    assert {"crossorigin.middleware", "crossorigin.signals", "crossorigin.explain", "crossorigin.channels"} <= set(
        MODULES
    )
    for names in MODULES.values():
        assert len(names) == len(set(names))


@pytest.mark.parametrize("module", sorted(MODULES))
def test_documented_names_are_the_modules_all(module: str) -> None:
    exported = importlib.import_module(module).__all__
    assert sorted(exported) == sorted(MODULES[module])


@pytest.mark.parametrize(("module", "name"), [(m, n) for m, names in sorted(MODULES.items()) for n in names])
def test_every_documented_name_imports_from_its_path(module: str, name: str) -> None:
    namespace: dict[str, object] = {}
    exec(f"from {module} import {name}", namespace)  # the statement users write
    assert namespace[name] is getattr(importlib.import_module(module), name)


def test_the_management_commands_are_documented() -> None:
    ours = {name for name, app in get_commands().items() if app.startswith("crossorigin")}
    assert ours == set(DOCUMENTED["Management commands"])


def test_the_console_scripts_are_documented() -> None:
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["scripts"]
    assert set(scripts) == set(DOCUMENTED["Command line"])


def test_every_public_module_of_the_package_is_documented() -> None:
    # The other way round: a module without a leading underscore at the top of the
    # package is public, so it has a section on the page.
    package = ROOT / "src" / "crossorigin"
    public = {f"crossorigin.{p.stem}" for p in package.glob("*.py") if not p.name.startswith("_")}
    public |= {f"crossorigin.{p.name}" for p in package.iterdir() if p.is_dir() and not p.name.startswith(("_", "."))}
    # Packages that hold only documented modules, or Django's own layout.
    public -= {"crossorigin.contrib", "crossorigin.management"}
    assert public <= set(MODULES), sorted(public - set(MODULES))
