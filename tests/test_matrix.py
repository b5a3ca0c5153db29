"""The tested matrix is stated once (noxfile.MATRIX); the package metadata and the README agree with it."""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
import tomllib
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parent.parent


def matrix_cells() -> set[tuple[str, str]]:
    """The (Python, Django) pairs of noxfile.py's MATRIX, read without importing nox."""
    tree = ast.parse((REPOSITORY / "noxfile.py").read_text())
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "MATRIX" for t in node.targets):
            return set(ast.literal_eval(node.value))
    raise AssertionError("noxfile.py defines no MATRIX")


def project() -> dict[str, object]:
    return tomllib.loads((REPOSITORY / "pyproject.toml").read_text())["project"]  # type: ignore[no-any-return]


def classifier_versions(prefix: str) -> set[str]:
    classifiers = project()["classifiers"]
    assert isinstance(classifiers, list)
    return {c.removeprefix(prefix) for c in classifiers if re.fullmatch(re.escape(prefix) + r"\d+\.\d+", c)}


def minimum(versions: set[str]) -> str:
    return min(versions, key=lambda v: tuple(map(int, v.split("."))))


def test_classifiers_name_exactly_the_tested_versions() -> None:
    cells = matrix_cells()
    assert classifier_versions("Framework :: Django :: ") == {django for _, django in cells}
    assert classifier_versions("Programming Language :: Python :: ") == {python for python, _ in cells}


def test_floors_are_the_oldest_tested_versions() -> None:
    cells = matrix_cells()
    assert project()["requires-python"] == ">=" + minimum({python for python, _ in cells})
    assert f"Django>={minimum({django for _, django in cells})}" in project()["dependencies"]  # type: ignore[operator]


def test_readme_table_shows_the_matrix_cells() -> None:
    readme = (REPOSITORY / "README.md").read_text()
    header = re.search(r"^\| Django \|(.+)\|$", readme, re.MULTILINE)
    assert header, "README.md has no matrix table"
    pythons = [column.strip().removeprefix("Python ") for column in header.group(1).split("|")]
    shown = set()
    for row in re.findall(r"^\| (\d+\.\d+)(?: LTS)? \|(.+)\|$", readme, re.MULTILINE):
        django, marks = row
        shown |= {(python, django) for python, mark in zip(pythons, marks.split("|"), strict=True) if mark.strip()}
    assert shown == matrix_cells()


def test_pythons_sh_knows_where_every_matrix_python_comes_from() -> None:
    script = (REPOSITORY / "scripts" / "pythons.sh").read_text()
    pyenv = re.search(r'^PYENV_PYTHONS=" (.*) "$', script, re.MULTILINE)
    assert pyenv
    roots = set(re.findall(r"^    (3\.\d+)\) echo ", script, re.MULTILINE))
    # 3.11 is the host's own (noxfile.HOST_PYTHON).
    assert {python for python, _ in matrix_cells()} <= {"3.11", *pyenv.group(1).split(), *roots}


def test_pythons_sh_fails_loudly_when_pyenv_lacks_3_12(tmp_path: Path) -> None:
    """A missing Python 3.12 stops the run with an error; its cells never pass by not running."""
    if shutil.which("python3.12", path="/usr/bin:/bin"):
        # Here the system's own 3.12 is used, not pyenv's: nothing is missing.
        return
    result = subprocess.run(
        ["bash", str(REPOSITORY / "scripts" / "pythons.sh"), "run", "3.12", "python3.12", "-V"],
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "PYENV_ROOT": str(tmp_path / "no-pyenv")},
        timeout=60,
        check=False,
    )
    assert result.returncode == 1
    assert "error: Python 3.12 is missing" in result.stderr
    assert "pyenv install 3.12" in result.stderr
