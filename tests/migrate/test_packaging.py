"""LibCST comes with the ``migrate`` extra only: a server install does not carry the command's parser."""

from __future__ import annotations

import importlib.util
import tomllib
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[2]


def check_dist() -> ModuleType:
    spec = importlib.util.spec_from_file_location("check_dist", ROOT / "scripts" / "check_dist.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_libcst_is_in_the_migrate_extra_only() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert not [d for d in project["dependencies"] if d.lower().startswith("libcst")]
    assert [d for d in project["optional-dependencies"]["migrate"] if d.lower().startswith("libcst")]


def test_the_wheel_check_refuses_libcst_outside_its_extra() -> None:
    problems = check_dist().requires_dist_problems
    assert problems("Requires-Dist: Django>=5.2\nRequires-Dist: libcst>=1.5\n") == [
        "Requires-Dist outside the 'migrate' extra: libcst>=1.5"
    ]
    assert problems('Requires-Dist: libcst>=1.5; extra == "migrate"\nProvides-Extra: migrate\n') == []
