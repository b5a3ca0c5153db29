"""Where the regex engine has no wheel, the docs say so and ``import crossorigin`` says what to do.

- docs/installation.md's platform table is noxfile.PLATFORMS, which ``nox -s platforms``
  proves against the package index;
- with ``re2`` unimportable, ``import crossorigin`` fails with one line naming the
  package, the platform and the installation page.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
import sysconfig
import tomllib
from pathlib import Path

from crossorigin._core.platform_check import INSTALLATION_PAGE

ROOT = Path(__file__).resolve().parent.parent

# A fresh interpreter in which `import re2` fails, as where google-re2 is not installed.
WITHOUT_RE2 = "import sys; sys.modules['re2'] = None; import crossorigin"


def platforms() -> dict[str, tuple[tuple[str, ...], str, tuple[str, ...], str]]:
    """noxfile.PLATFORMS, read without importing nox."""
    tree = ast.parse((ROOT / "noxfile.py").read_text())
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "PLATFORMS" for t in node.targets):
            value: dict[str, tuple[tuple[str, ...], str, tuple[str, ...], str]] = ast.literal_eval(node.value)
            return value
    raise AssertionError("noxfile.py defines no PLATFORMS")


def test_the_installation_page_lists_the_proven_platforms() -> None:
    page = (ROOT / "docs" / "installation.md").read_text()
    rows = re.findall(r"^\| (?!Platform |---)(.+?) \| (.+?) \| (?:yes|no: build `(.+?)`) \|$", page, re.MULTILINE)
    shown = {name: (tuple(pythons.split(", ")), built) for name, pythons, built in rows}
    assert shown == {name: (pythons, built) for name, (_, _, pythons, built) in platforms().items()}


def test_every_platform_is_checked_on_every_python_of_the_matrix_that_has_it() -> None:
    from tests.test_matrix import matrix_cells

    pythons = {python for python, _ in matrix_cells()}
    for name, (_, abi, checked, _) in platforms().items():
        # Free-threaded builds exist from 3.13 on.
        expected = {p for p in pythons if abi != "t" or p >= "3.13"}
        assert set(checked) == expected, name


def test_the_page_named_by_the_error_is_the_installation_page_of_the_docs() -> None:
    urls = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["urls"]
    assert urls["Documentation"] + "installation/" == INSTALLATION_PAGE
    assert (ROOT / "docs" / "installation.md").exists()


def test_without_re2_import_crossorigin_fails_in_one_line_naming_package_platform_and_page() -> None:
    result = subprocess.run(
        [sys.executable, "-c", WITHOUT_RE2], capture_output=True, text=True, cwd=ROOT, timeout=60, check=False
    )
    assert result.returncode == 1
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("ImportError: django-crossorigin needs the google-re2 package"), result.stderr
    assert sysconfig.get_platform() in last
    assert f"{sys.version_info.major}.{sys.version_info.minor}" in last
    assert last.endswith(f"{INSTALLATION_PAGE} says what to install.")
    # No chained traceback from deep inside the package: only the one raise.
    assert "During handling" not in result.stderr
    assert "linear_regex" not in result.stderr
