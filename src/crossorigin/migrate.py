"""The ``crossorigin-migrate`` command: ``python -m crossorigin.migrate`` or the console script.

It needs the ``migrate`` extra (LibCST); the implementation lives in ``crossorigin._migrate``.
"""

from __future__ import annotations

from crossorigin._migrate.cli import main

__all__ = ["main"]

if __name__ == "__main__":
    raise SystemExit(main())
