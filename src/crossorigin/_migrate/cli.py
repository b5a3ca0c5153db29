"""The console script's entry point: ``crossorigin-migrate``.

The command's dependency (LibCST) is not installed with the package: a server never runs
the command, so it comes with the ``migrate`` extra. This module imports nothing of it,
so that without the extra the command says how to get it in one line instead of a
traceback.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

MISSING_EXTRA = (
    "LibCST is missing: it comes with the command's extra, which a server does not need: "
    'pip install "django-crossorigin[migrate]" (or: pipx run --spec "django-crossorigin[migrate]" crossorigin-migrate)'
)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; exit status 2 without the ``migrate`` extra."""
    try:
        from crossorigin._migrate.command import main as command
    except ModuleNotFoundError as exc:
        if (exc.name or "").split(".", 1)[0] != "libcst":
            raise
        print(f"crossorigin-migrate: {MISSING_EXTRA}", file=sys.stderr)
        return 2
    return command(argv)
