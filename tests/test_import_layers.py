"""Imports run one way: `lint-imports` (pyproject.toml's contract, run by `nox -s lint`)
fails on a new import cycle, even one made by an import inside a function or under
TYPE_CHECKING, which Python never sees at start-up.

Each case copies the package to a temporary folder, adds one import that closes a
cycle inside ``crossorigin._migrate`` (whose modules import one way today), and runs
the linter on the copy. The cycles the clean copy already reports, if any, are compared
rather than assumed absent, so the test keeps its meaning while one is being removed.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import crossorigin

PACKAGE = Path(crossorigin.__file__).parent
CONFIG = Path(__file__).resolve().parent.parent / "pyproject.toml"
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"
# rewrite.py imports names.py; an import back from names.py closes a cycle.
CYCLIC_MODULE = "_migrate/names.py"
CYCLE = ("crossorigin._migrate", ".names", ".rewrite")

Cycles = set[tuple[str, str, str]]


def copy_package(tmp_path: Path) -> Path:
    shutil.copytree(PACKAGE, tmp_path / "crossorigin", ignore=shutil.ignore_patterns("__pycache__"))
    return tmp_path


def lint(root: Path) -> tuple[int, Cycles]:
    """lint-imports' exit status on the package under ``root``, and the imports it would remove."""
    # lint-imports puts its working folder first on sys.path, so it reads the copy.
    result = subprocess.run(
        [str(LINT_IMPORTS), str(CONFIG), "--no-cache", "--no-logo"],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    cycles: Cycles = set()
    package = ""
    for line in result.stdout.splitlines():
        if found := re.match(r"No cycles are allowed in ([\w.]+)\.", line):
            package = found.group(1)
        elif found := re.match(r"- (\.\w+) -> (\.\w+) \(", line):
            cycles.add((package, found.group(1), found.group(2)))
    assert result.returncode in (0, 1), result.stdout + result.stderr
    assert "crossorigin" in result.stdout, result.stdout  # it read the contract
    return result.returncode, cycles


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> tuple[int, Cycles]:
    return lint(copy_package(tmp_path_factory.mktemp("clean")))


def test_the_clean_package_has_no_cycle_in_migrate(clean: tuple[int, Cycles]) -> None:
    status, cycles = clean
    assert not any(package == CYCLE[0] for package, _, _ in cycles)
    # Passing and reporting no cycle go together.
    assert (status == 0) == (not cycles)


@pytest.mark.parametrize(
    "added",
    [
        # Deferred into a function: invisible to Python at start-up, not to the linter.
        "\n\ndef _cycle() -> object:\n    from crossorigin._migrate import rewrite\n\n    return rewrite\n",
        # For the type checker only.
        "\n\nfrom typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n    from crossorigin._migrate import rewrite\n",
    ],
    ids=["function-level", "type-checking"],
)
def test_a_new_cycle_fails_the_contract(tmp_path: Path, clean: tuple[int, Cycles], added: str) -> None:
    root = copy_package(tmp_path)
    with (root / "crossorigin" / CYCLIC_MODULE).open("a", encoding="utf-8") as module:
        module.write(added)
    status, cycles = lint(root)
    assert status == 1
    assert cycles == clean[1] | {CYCLE}
