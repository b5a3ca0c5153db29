"""Problems found while compiling and checking settings, as plain data, and the level rule.

The compiler reports what it finds here; ``checks`` turns these into Django system
check messages. Keeping them plain lets the policy layer stay free of Django's check
framework and lets every consumer (checks, ``cors_explain``, fail-closed) see the same
findings.

The level rule (docs/checks.md) is written once, in ``as_seen``:

- **Error**: dangerous as deployed (credentials readable by sites the project did not
  mean to trust), or a setting that cannot work.
- **Warning**: CORS will not work as configured, or dangerous only in development. A
  danger (``Problem.danger``) seen with ``DEBUG = True`` and without ``check --deploy``
  is a Warning: ``CORS_ALLOW_ALL_ORIGINS = DEBUG`` must not stop ``runserver``.
- **Info**: notes (old setting names, migration notes).

An id's letter always matches its level, as Django's do. A danger seen in development
gets its own Warning id, ``crossorigin.W1nn`` for ``crossorigin.E0nn``. A finding whose
level changed in 1.1 got a new id; its old id still silences it (``ALIASES``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from enum import Enum
from typing import Final


class Level(Enum):
    """How serious a problem is; maps onto Django's check levels."""

    INFO = "info"
    WARNING = "warning"
    ERROR = "error"


@dataclass(frozen=True, slots=True)
class Problem:
    """One finding: a stable id (``crossorigin.E001``), a message and the fix.

    ``danger`` marks an Error that is one because it is dangerous as deployed; the
    level rule makes it a Warning in development.
    """

    level: Level
    id: str
    msg: str
    hint: str | None = None
    danger: bool = False


def error(code: int, msg: str, hint: str | None = None) -> Problem:
    """An error, id ``crossorigin.E{code:03}``: a setting that cannot work."""
    return Problem(Level.ERROR, f"crossorigin.E{code:03}", msg, hint)


def danger(code: int, msg: str, hint: str | None = None) -> Problem:
    """An error because dangerous as deployed, id ``crossorigin.E{code:03}`` (``W{code+100}`` in development)."""
    return Problem(Level.ERROR, f"crossorigin.E{code:03}", msg, hint, danger=True)


def warning(code: int, msg: str, hint: str | None = None) -> Problem:
    """A warning, id ``crossorigin.W{code:03}``."""
    return Problem(Level.WARNING, f"crossorigin.W{code:03}", msg, hint)


def info(code: int, msg: str, hint: str | None = None) -> Problem:
    """An informational note, id ``crossorigin.I{code:03}``."""
    return Problem(Level.INFO, f"crossorigin.I{code:03}", msg, hint)


# The offset between a danger's Error id and its development Warning id (E020 -> W120).
DEVELOPMENT_OFFSET: Final = 100

# New id -> the ids it had before its level changed (1.0). Listing an old id in
# SILENCED_SYSTEM_CHECKS still silences the finding (docs/checks.md, "Renamed ids").
ALIASES: Final[dict[str, tuple[str, ...]]] = {
    "crossorigin.W051": ("crossorigin.E021",),
    "crossorigin.W052": ("crossorigin.E022",),
    "crossorigin.W053": ("crossorigin.E023",),
    "crossorigin.I054": ("crossorigin.W021",),
    "crossorigin.E055": ("crossorigin.W021",),
    "crossorigin.E056": ("crossorigin.W022",),
    "crossorigin.E057": ("crossorigin.W023",),
    "crossorigin.E058": ("crossorigin.W025",),
    "crossorigin.W044": ("crossorigin.I044",),
    "crossorigin.W045": ("crossorigin.I045",),
    "crossorigin.W047": ("crossorigin.I047",),
    "crossorigin.W048": ("crossorigin.I048",),
    "crossorigin.W049": ("crossorigin.I049",),
    "crossorigin.W061": ("crossorigin.I021",),
}


def development_id(error_id: str) -> str:
    """The Warning id a danger has in development: ``crossorigin.E020`` -> ``crossorigin.W120``."""
    prefix, _, number = error_id.rpartition(".E")
    return f"{prefix}.W{int(number) + DEVELOPMENT_OFFSET:03}"


def as_seen(problem: Problem, *, debug: bool, deploy: bool) -> Problem:
    """``problem`` at its level under the level rule, given ``DEBUG`` and whether ``check --deploy`` runs.

    A danger seen with ``DEBUG = True`` and without ``--deploy`` is a Warning with its
    development id; everything else keeps its level and id.
    """
    if not (problem.danger and debug and not deploy):
        return problem
    hint = (
        f"{problem.hint + ' ' if problem.hint else ''}This is a warning because DEBUG is on; with DEBUG off "
        f"or under 'manage.py check --deploy' it is the error {problem.id}."
    )
    return replace(problem, level=Level.WARNING, id=development_id(problem.id), hint=hint)


def level_of(problem: Problem, *, debug: bool, deploy: bool) -> Level:
    """The level of ``problem`` under the level rule (``as_seen``), for fail-closed and the checks."""
    return as_seen(problem, debug=debug, deploy=deploy).level


def ids_of(problem_id: str) -> tuple[str, ...]:
    """Every id that silences ``problem_id``: itself, the danger it is the development form of, old ids."""
    found = [problem_id]
    prefix, _, rest = problem_id.rpartition(".")
    if rest.startswith("W") and int(rest[1:]) > DEVELOPMENT_OFFSET:
        found.append(f"{prefix}.E{int(rest[1:]) - DEVELOPMENT_OFFSET:03}")
    for each in list(found):
        found.extend(ALIASES.get(each, ()))
    return tuple(found)


def is_silenced(problem_id: str, silenced: Iterable[str]) -> bool:
    """True if ``SILENCED_SYSTEM_CHECKS`` (``silenced``) lists ``problem_id`` or one of its aliases."""
    listed = set(silenced)
    return any(each in listed for each in ids_of(problem_id))
