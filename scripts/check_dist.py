"""Compare the built wheel and sdist in a folder (dist/) with what they must contain.

The wheel holds exactly the package as it is in src/ (every module and every data file,
nothing else) plus its metadata; the files listed in REQUIRED_IN_WHEEL are named
again so that package data cannot drop out of both the tree and the wheel unnoticed.
The sdist holds the package, the project files and the documents a reader of the index
sees, and no tests: the test suite lives in the repository (decided for issue 15).
Run by ``nox -s build``: ``python scripts/check_dist.py dist``.
"""

from __future__ import annotations

import re
import sys
import tarfile
import zipfile
from pathlib import Path
from typing import Final

ROOT: Final = Path(__file__).resolve().parent.parent
# Package data and files that setuptools finds by other rules than "*.py in a package".
REQUIRED_IN_WHEEL: Final = (
    "crossorigin/py.typed",
    "crossorigin/contrib/origins/migrations/__init__.py",
    "crossorigin/contrib/origins/migrations/0001_initial.py",
    "crossorigin/management/commands/cors_explain.py",
    "crossorigin/contrib/origins/management/commands/cors_import_origins.py",
)
# entry_points.txt: the crossorigin-migrate console script.
WHEEL_METADATA: Final = frozenset(
    {"METADATA", "WHEEL", "RECORD", "top_level.txt", "entry_points.txt", "licenses/LICENSE"}
)
# Requirements that only an extra may bring: a server install must not carry the migration command's parser.
EXTRA_ONLY: Final = {"libcst": "migrate"}
SDIST_PROJECT_FILES: Final = ("pyproject.toml", "README.md", "LICENSE", "CHANGELOG.md", "PKG-INFO")
SDIST_FORBIDDEN_DIRS: Final = ("tests", "bench", "demo", "fuzz", "load", "docs", "scripts", "site", "build", ".ci")


def package_files() -> set[str]:
    """Every file of the package in src/, relative to src/, without bytecode."""
    src = ROOT / "src"
    return {
        path.relative_to(src).as_posix()
        for path in (src / "crossorigin").rglob("*")
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc"
    }


def check_wheel(wheel: Path) -> list[str]:
    """What is wrong with the wheel's file list, one line per problem."""
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    dist_info = {name for name in names if name.split("/", 1)[0].endswith(".dist-info")}
    shipped = names - dist_info
    expected = package_files()
    problems = [f"missing from the wheel: {name}" for name in sorted(expected - shipped)]
    problems += [f"in the wheel but not in src/: {name}" for name in sorted(shipped - expected)]
    problems += [f"required file missing from the wheel: {name}" for name in REQUIRED_IN_WHEEL if name not in names]
    metadata = {name.split("/", 1)[1] for name in dist_info}
    problems += [f"wheel metadata missing: {name}" for name in sorted(WHEEL_METADATA - metadata)]
    problems += [f"unexpected wheel metadata: {name}" for name in sorted(metadata - WHEEL_METADATA)]
    with zipfile.ZipFile(wheel) as archive:
        meta = [archive.read(name).decode() for name in dist_info if name.endswith("/METADATA")]
    return problems + requires_dist_problems(meta[0] if meta else "")


def requires_dist_problems(metadata: str) -> list[str]:
    """Requirements of EXTRA_ONLY found outside their extra."""
    problems = []
    for line in metadata.splitlines():
        if not line.startswith("Requires-Dist:"):
            continue
        requirement = line.split(":", 1)[1].strip()
        name = re.split(r"[\s<>=!~;\[(]", requirement, maxsplit=1)[0].lower()
        extra = EXTRA_ONLY.get(name)
        if extra is not None and f'extra == "{extra}"' not in requirement:
            problems.append(f"Requires-Dist outside the {extra!r} extra: {requirement}")
    return problems


def check_sdist(sdist: Path) -> list[str]:
    """What is wrong with the sdist's file list, one line per problem."""
    with tarfile.open(sdist) as archive:
        # Every member sits under one top folder, django_crossorigin-<version>/.
        names = {member.name.split("/", 1)[1] for member in archive.getmembers() if member.isfile()}
    problems = [f"missing from the sdist: {name}" for name in SDIST_PROJECT_FILES if name not in names]
    problems += [
        f"missing from the sdist: src/{name}" for name in sorted(package_files()) if f"src/{name}" not in names
    ]
    problems += [
        f"must not be in the sdist: {name}" for name in sorted(names) if name.split("/", 1)[0] in SDIST_FORBIDDEN_DIRS
    ]
    return problems


def main(folder: Path) -> int:
    """Check the one wheel and the one sdist in ``folder``; print a summary or the problems."""
    wheels, sdists = sorted(folder.glob("*.whl")), sorted(folder.glob("*.tar.gz"))
    if len(wheels) != 1 or len(sdists) != 1:
        print(f"expected one wheel and one sdist in {folder}, found {len(wheels)} and {len(sdists)}")
        return 1
    problems = check_wheel(wheels[0]) + check_sdist(sdists[0])
    for problem in problems:
        print(problem)
    if not problems:
        print(f"{wheels[0].name}: {len(package_files())} package files, as in src/; {sdists[0].name}: no tests")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1] if len(sys.argv) > 1 else "dist")))
