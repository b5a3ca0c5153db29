"""``manage.py cors_export_origins``: the allowed origins, one per line, in normal form.

The output can be read back by ``cors_import_origins``.
"""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any, TextIO

from django.core.management.base import BaseCommand, CommandError

from crossorigin.contrib.origins.models import AllowedOrigin


class Command(BaseCommand):
    help = "Export the allowed origins, one per line (enabled ones unless --all)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--all", action="store_true", help="Include disabled origins.")
        parser.add_argument("--notes", action="store_true", help="Append each note after ' # '.")
        parser.add_argument("-o", "--output", help="Write to this file instead of standard output.")
        parser.add_argument("--database", default="default", help="The database to export from.")

    def handle(self, *args: Any, **options: Any) -> None:
        rows = AllowedOrigin.objects.db_manager(options["database"]).order_by("origin")
        if not options["all"]:
            rows = rows.filter(enabled=True)
        output: str | None = options["output"]
        if output is None:
            self.write(rows, self.stdout, options["notes"])
            return
        try:
            with open(output, "w", encoding="utf-8") as handle:
                self.write(rows, handle, options["notes"])
        except OSError as exc:
            raise CommandError(f"cannot write {output}: {exc.strerror}") from None

    def write(self, rows: Any, out: Any, notes: bool) -> None:
        """One origin per line; the first line of the note after ' # ' if asked."""
        target: TextIO = out
        for origin, note in rows.values_list("origin", "note").iterator(chunk_size=5000):
            first = note.splitlines()[0].strip() if notes and note else ""
            target.write(f"{origin} # {first}\n" if first else f"{origin}\n")
