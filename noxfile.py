"""The test sessions: the suite on each supported Django, plus lint, types and docs.

``scripts/test.sh`` (``make test``) runs them all; ``nox -s tests-5.2`` runs one.
"""

from __future__ import annotations

import os

import nox

nox.options.default_venv_backend = "venv"
nox.options.reuse_existing_virtualenvs = not os.environ.get("CI")
nox.options.error_on_missing_interpreters = True

DJANGO_VERSIONS = {"4.2": "Django>=4.2,<4.3", "5.2": "Django>=5.2,<5.3"}
# The browser suite needs only one Django to prove the browser side; run it on the newest.
BROWSER_DJANGO = "5.2"


@nox.session(python="3.11")
@nox.parametrize("django", list(DJANGO_VERSIONS))
def tests(session: nox.Session, django: str) -> None:
    """The whole pytest suite under one Django version, with branch coverage."""
    session.install(DJANGO_VERSIONS[django], "-r", "requirements/test.txt")
    session.install("-e", ".")
    args = ["-m", "not browser"] if django != BROWSER_DJANGO else []
    session.run(
        "pytest",
        "--cov=crossorigin",
        "--cov-branch",
        "--cov-report=",
        *args,
        *session.posargs,
        env={"COVERAGE_FILE": f".coverage.django{django}"},
    )


@nox.session(python="3.11")
def coverage(session: nox.Session) -> None:
    """Combine the coverage of every Django run and enforce the floor."""
    session.install("coverage[toml]>=7")
    session.run("coverage", "combine", "--keep", *[f".coverage.django{v}" for v in DJANGO_VERSIONS])
    session.run("coverage", "report", "--fail-under=95")


@nox.session(python="3.11")
def lint(session: nox.Session) -> None:
    """ruff and mypy --strict."""
    session.install("-r", "requirements/dev.txt", "-r", "requirements/test.txt", DJANGO_VERSIONS["5.2"])
    session.install("-e", ".")
    session.run("ruff", "check", "src", "tests")
    session.run("ruff", "format", "--check", "src")
    session.run("mypy", "--strict")


@nox.session(python="3.11")
def fuzz(session: nox.Session) -> None:
    """Coverage-guided fuzzing (atheris) of the origin parser, decide() and the middleware, ~1 minute."""
    session.install(DJANGO_VERSIONS["5.2"], "-r", "requirements/fuzz.txt")
    session.install("-e", ".")
    seconds = session.posargs[0] if session.posargs and session.posargs[0].isdigit() else "20"
    session.run("python", "fuzz/run.py", "--seconds", seconds)


@nox.session(python="3.11")
def docs(session: nox.Session) -> None:
    """Build the documentation site with mkdocs in strict mode: a broken link or anchor fails."""
    session.install("-r", "requirements/docs.txt")
    # NO_MKDOCS_2_WARNING: the theme's end-of-life banner is not a warning about our docs.
    session.run("mkdocs", "build", "--strict", "--site-dir", "build/docs-site", env={"NO_MKDOCS_2_WARNING": "1"})


@nox.session(python="3.11")
def bench_smoke(session: nox.Session) -> None:
    """The benchmark, 3 short rounds: every middleware's headers are checked; nothing is timed seriously."""
    session.install(DJANGO_VERSIONS["5.2"], "-r", "requirements/bench.txt")
    session.install("-e", ".")
    session.run("python", "-m", "bench.run", "--smoke", "--json", f"{session.create_tmp()}/bench-smoke.json")
