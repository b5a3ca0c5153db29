"""``python -m crossorigin.migrate``."""

from crossorigin.migrate.cli import main

raise SystemExit(main())
