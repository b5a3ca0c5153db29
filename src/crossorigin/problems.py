"""Problems found while compiling settings, as plain data.

The compiler reports what it finds here; ``checks.py`` turns these into Django system
check messages. Keeping them plain lets the policy layer stay free of Django's check
framework and lets every consumer (checks, ``cors_explain``) see the same findings.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Level(Enum):
    """How serious a problem is; maps onto Django's check levels."""

    INFO = "info"
    WARNING = "warning"
    ERROR = "error"


@dataclass(frozen=True, slots=True)
class Problem:
    """One finding: a stable id (``crossorigin.E001``), a message and the fix."""

    level: Level
    id: str
    msg: str
    hint: str | None = None


def error(code: int, msg: str, hint: str | None = None) -> Problem:
    """An error, id ``crossorigin.E{code:03}``."""
    return Problem(Level.ERROR, f"crossorigin.E{code:03}", msg, hint)


def warning(code: int, msg: str, hint: str | None = None) -> Problem:
    """A warning, id ``crossorigin.W{code:03}``."""
    return Problem(Level.WARNING, f"crossorigin.W{code:03}", msg, hint)


def info(code: int, msg: str, hint: str | None = None) -> Problem:
    """An informational note, id ``crossorigin.I{code:03}``."""
    return Problem(Level.INFO, f"crossorigin.I{code:03}", msg, hint)
