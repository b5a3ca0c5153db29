"""The test sessions: the suite on every cell of the matrix, plus build, lint, types and docs.

``scripts/test.sh`` (``make test``) runs them all, each where its Python lives (see
``scripts/pythons.sh``). One at a time: ``nox -s "tests(django='5.2')"``, ``nox -s lint``.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import nox

nox.options.default_venv_backend = "venv"
nox.options.reuse_existing_virtualenvs = not os.environ.get("CI")
nox.options.error_on_missing_interpreters = True
# Inside a Debian root the checkout is read-only; scripts/pythons.sh points this into the root.
nox.options.envdir = os.environ.get("CROSSORIGIN_NOX_ENVDIR", ".nox")

# The tested matrix: (Python, Django) -> the Django requirement. README's table mirrors it.
MATRIX = {
    ("3.11", "5.2"): "Django>=5.2,<5.3",
    ("3.12", "5.2"): "Django>=5.2,<5.3",
    ("3.12", "6.0"): "Django>=6.0,<6.1",
    ("3.13", "6.0"): "Django>=6.0,<6.1",
    ("3.13", "6.1"): "Django>=6.1,<6.2",
    ("3.14", "6.0"): "Django>=6.0,<6.1",
    ("3.14", "6.1"): "Django>=6.1,<6.2",
}
# The cell on the host's own Python. It runs the suite from the source tree with the
# browsers (which live on the host) and coverage; the tools below run on it too. Every
# other cell runs the suite against the built wheel.
HOST_PYTHON, HOST_DJANGO = "3.11", "5.2"
HOST_REQUIREMENT = MATRIX[HOST_PYTHON, HOST_DJANGO]
# Deprecations fail the run everywhere, in pytest (pyproject.toml's filterwarnings) and
# in the processes the tests start (servers, fresh interpreters), which inherit this.
WARNINGS_ARE_ERRORS = {"PYTHONWARNINGS": "error::DeprecationWarning,error::PendingDeprecationWarning"}
# python -m: the checkout's top folder is importable, for tests.no_skips (not src/: the
# package lives in src/crossorigin). In CI a skipped test fails the run (tests/no_skips.py).
PYTEST = ["python", "-m", "pytest", "-p", "no:cacheprovider", "--durations=15"]
if os.environ.get("CI"):
    PYTEST += ["-p", "tests.no_skips"]


def _wheel(session: nox.Session) -> Path:
    """The one wheel ``nox -s build`` left in dist/, refusing one older than the package's source."""
    wheels = sorted(Path("dist").glob("django_crossorigin-*.whl"))
    if len(wheels) != 1:
        session.error(f"expected one wheel in dist/, found {len(wheels)}: run `nox -s build` first")
    # The package's own files only: an editable install and a test run write egg-info and
    # bytecode under src/ after the build.
    sources = [p for p in Path("src/crossorigin").rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    if wheels[0].stat().st_mtime < max(p.stat().st_mtime for p in sources):
        session.error(f"{wheels[0]} is older than src/crossorigin: run `nox -s build` again")
    return wheels[0]


@nox.session
@nox.parametrize(("python", "django"), list(MATRIX), ids=[f"py{p}-django{d}" for p, d in MATRIX])
def tests(session: nox.Session, django: str) -> None:
    """The whole suite on one (Python, Django) cell; see MATRIX."""
    python = str(session.python)
    session.install(MATRIX[python, django], "-r", "requirements/test.txt")
    if (python, django) == (HOST_PYTHON, HOST_DJANGO):
        session.install("-e", ".")
        session.run(
            *PYTEST,
            "--cov=crossorigin",
            "--cov-branch",
            "--cov-report=",
            *session.posargs,
            env={"COVERAGE_FILE": ".coverage.host", **WARNINGS_ARE_ERRORS},
        )
        return
    # Everywhere else: the built wheel, so a file missing from it fails here. The browsers
    # live on the host only; their suite runs in the host cell, as do the system-level
    # tests (host_only), which would only repeat the same measurement in every cell.
    session.install(str(_wheel(session)))
    session.run(
        "python",
        "-c",
        "import crossorigin, sys; f = crossorigin.__file__ or ''; "
        "sys.exit(0 if '/site-packages/crossorigin/' in f else f'crossorigin came from {f}, not the wheel')",
    )
    session.run(*PYTEST, "-m", "not browser and not host_only", *session.posargs, env=WARNINGS_ARE_ERRORS)


# The platforms Django runs on, and whether pip finds a wheel of every runtime dependency
# there ("") or must build one from source (its name: google-re2 publishes no musllinux
# and no free-threaded wheels). docs/installation.md's table mirrors this
# (tests/test_platforms.py); `nox -s platforms` proves it against the package index.
# name -> (pip --platform tags, --abi suffix ("t": free-threaded), Pythons, package built).
PLATFORMS = {
    "Linux x86_64 (glibc 2.28+, manylinux)": (("manylinux_2_28_x86_64",), "", ("3.11", "3.12", "3.13", "3.14"), ""),
    "Linux aarch64 (glibc 2.28+, manylinux)": (("manylinux_2_28_aarch64",), "", ("3.11", "3.12", "3.13", "3.14"), ""),
    "macOS 13+ Apple silicon": (("macosx_13_0_arm64",), "", ("3.11", "3.12", "3.13", "3.14"), ""),
    "macOS 13+ Intel": (("macosx_13_0_x86_64",), "", ("3.11", "3.12", "3.13", "3.14"), ""),
    "Windows x86_64": (("win_amd64",), "", ("3.11", "3.12", "3.13", "3.14"), ""),
    "Linux x86_64 (musl: Alpine, musllinux)": (
        ("musllinux_1_2_x86_64", "musllinux_1_1_x86_64"),
        "",
        ("3.11", "3.12", "3.13", "3.14"),
        "google-re2",
    ),
    "Linux aarch64 (musl: Alpine, musllinux)": (
        ("musllinux_1_2_aarch64", "musllinux_1_1_aarch64"),
        "",
        ("3.11", "3.12", "3.13", "3.14"),
        "google-re2",
    ),
    "Free-threaded CPython (3.13t, 3.14t), Linux x86_64": (
        ("manylinux_2_28_x86_64",),
        "t",
        ("3.13", "3.14"),
        "google-re2",
    ),
}


@nox.session(python=HOST_PYTHON)
def platforms(session: nox.Session) -> None:
    """Ask pip, platform by platform, whether every runtime dependency installs from wheels alone.

    Needs the package index (PyPI); nothing is installed (--dry-run). A platform without
    wheels must miss exactly the package PLATFORMS names, so a pip that rejects its
    arguments cannot pass for "no wheel".
    """
    import tomllib
    from concurrent.futures import ThreadPoolExecutor

    session.install("pip>=25.1")
    dependencies = tomllib.loads(Path("pyproject.toml").read_text())["project"]["dependencies"]
    target = session.create_tmp()
    cases = [
        (name, python, tags, abi, builds)
        for name, (tags, abi, pythons, builds) in PLATFORMS.items()
        for python in pythons
    ]

    def missing(case: tuple[str, str, tuple[str, ...], str, str]) -> str:
        """'' when every dependency has a wheel, else the package pip found none of."""
        name, python, tags, abi, _ = case
        command = [f"{session.bin}/python", "-m", "pip", "install", "--dry-run", "--only-binary=:all:"]
        command += [f"--platform={tag}" for tag in tags]
        command += [f"--python-version={python}", f"--target={target}/{name}-{python}"]
        if abi:
            command += [f"--abi=cp{python.replace('.', '')}{abi}"]
        # Not session.run: a refusal here is an answer, not a failure of the session.
        result = subprocess.run(command + dependencies, capture_output=True, text=True, check=False)
        if result.returncode == 0:
            return ""
        found = re.search(r"No matching distribution found for ([A-Za-z0-9_.-]+)", result.stderr)
        return found.group(1) if found else "(pip failed: " + result.stderr.strip().splitlines()[-1] + ")"

    # The questions wait on the index, not on the CPU: asked side by side.
    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(missing, cases))
    wrong = []
    for (name, python, _, _, builds), lacking in zip(cases, answers, strict=True):
        session.log(f"{name}, Python {python}: " + (f"no wheel of {lacking}" if lacking else "wheels"))
        if lacking != builds:
            wrong.append(f"{name}, Python {python}: expected {f'no wheel of {builds}' if builds else 'wheels'}")
    if wrong:
        session.error("docs/installation.md is wrong; update PLATFORMS and the page:\n  " + "\n  ".join(wrong))


@nox.session(python=HOST_PYTHON)
def coverage(session: nox.Session) -> None:
    """Enforce the coverage floor on the host cell's run."""
    session.install("coverage[toml]>=7")
    session.run("coverage", "report", "--fail-under=95", env={"COVERAGE_FILE": ".coverage.host"})


@nox.session(python=HOST_PYTHON)
def build(session: nox.Session) -> None:
    """Build the sdist and the wheel into dist/, run twine check and compare their contents."""
    session.install("-r", "requirements/dev.txt")
    session.run("rm", "-rf", "dist", external=True)
    session.run("python", "-m", "build", "--outdir", "dist", silent=True)
    session.run("twine", "check", "--strict", *(str(p) for p in sorted(Path("dist").iterdir())))
    session.run("python", "scripts/check_dist.py", "dist")


@nox.session(python=HOST_PYTHON)
def lint(session: nox.Session) -> None:
    """ruff, mypy --strict and the import contract (no import cycle, pyproject.toml)."""
    session.install("-r", "requirements/dev.txt", "-r", "requirements/test.txt", HOST_REQUIREMENT)
    session.install("-e", ".")
    session.run("ruff", "check", "src", "tests", "noxfile.py", "scripts")
    session.run("ruff", "format", "--check", "src", "noxfile.py", "scripts")
    # PYTHONPATH: django-stubs imports the settings module (tests.settings) at run time,
    # and django-hosts, a test dependency, ships a top-level "tests" package of its own
    # that would shadow this checkout's.
    session.run("mypy", "--strict", env={"PYTHONPATH": str(Path.cwd())})
    session.run("lint-imports", "--no-cache", "--no-logo")


@nox.session(python=HOST_PYTHON)
def fuzz(session: nox.Session) -> None:
    """Coverage-guided fuzzing (atheris) of the origin parser, decide() and the middleware, ~1 minute."""
    session.install(HOST_REQUIREMENT, "-r", "requirements/fuzz.txt")
    session.install("-e", ".")
    seconds = session.posargs[0] if session.posargs and session.posargs[0].isdigit() else "20"
    session.run("python", "fuzz/run.py", "--seconds", seconds)


@nox.session(python=HOST_PYTHON)
def docs(session: nox.Session) -> None:
    """Build the documentation site with mkdocs in strict mode: a broken link or anchor fails."""
    session.install("-r", "requirements/docs.txt")
    # NO_MKDOCS_2_WARNING: the theme's end-of-life banner is not a warning about our docs.
    session.run("mkdocs", "build", "--strict", "--site-dir", "build/docs-site", env={"NO_MKDOCS_2_WARNING": "1"})


@nox.session(python=HOST_PYTHON)
def bench_smoke(session: nox.Session) -> None:
    """The benchmark, 3 short rounds: every middleware's headers are checked; nothing is timed seriously."""
    session.install(HOST_REQUIREMENT, "-r", "requirements/bench.txt")
    session.install("-e", ".")
    session.run("python", "-m", "bench.run", "--smoke", "--json", f"{session.create_tmp()}/bench-smoke.json")


if __name__ == "__main__":
    sys.exit("run this file with nox")
