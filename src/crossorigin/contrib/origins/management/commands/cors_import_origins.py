"""``manage.py cors_import_origins FILE``: add allowed origins, one per line.

Blank lines and lines starting with ``#`` are skipped; text after `` #`` is kept as the
origin's note. Every line is checked with the settings' rules first; if any line is
wrong nothing is changed. The import is one transaction and bumps the version once.
"""

from __future__ import annotations

import sys
from argparse import ArgumentParser
from typing import Any, TextIO

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from crossorigin.contrib.origins.models import AllowedOrigin
from crossorigin.contrib.origins.validators import checked_origin, credentials_in_use

BATCH_SIZE = 2000


class Command(BaseCommand):
    help = "Import allowed origins, one per line, from a file or standard input ('-')."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", help="A text file with one origin per line, or '-' for standard input.")
        parser.add_argument("--disabled", action="store_true", help="Store new origins disabled.")
        parser.add_argument("--note", default="", help="A note for origins whose line has none.")
        parser.add_argument(
            "--enable-existing",
            action="store_true",
            help="Enable origins of the file that already exist but are disabled.",
        )
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Delete every stored origin that is not in the file (the file becomes the whole list).",
        )
        parser.add_argument("--dry-run", action="store_true", help="Check and count, change nothing.")
        parser.add_argument("--database", default="default", help="The database to import into.")

    def handle(self, *args: Any, **options: Any) -> None:
        path: str = options["file"]
        if path == "-":
            entries = self.read(sys.stdin, "<stdin>", options["note"])
        else:
            try:
                with open(path, encoding="utf-8") as handle:
                    entries = self.read(handle, path, options["note"])
            except OSError as exc:
                raise CommandError(f"cannot read {path}: {exc.strerror}") from None
        using: str = options["database"]
        manager = AllowedOrigin.objects.db_manager(using)
        with transaction.atomic(using=using):
            existing = dict(manager.values_list("origin", "enabled"))
            new = [origin for origin in entries if origin not in existing]
            to_enable = [o for o in entries if existing.get(o) is False] if options["enable_existing"] else []
            to_delete = [o for o in existing if o not in entries] if options["replace"] else []
            if not options["dry_run"]:
                manager.bulk_create(
                    [AllowedOrigin(origin=o, note=entries[o], enabled=not options["disabled"]) for o in new],
                    batch_size=BATCH_SIZE,
                )
                for start in range(0, len(to_enable), BATCH_SIZE):
                    manager.filter(origin__in=to_enable[start : start + BATCH_SIZE]).update(
                        enabled=True, updated_at=timezone.now()
                    )
                for start in range(0, len(to_delete), BATCH_SIZE):
                    manager.filter(origin__in=to_delete[start : start + BATCH_SIZE]).delete()
        verb = "would be" if options["dry_run"] else "were"
        self.stdout.write(
            f"{len(entries)} origins read: {len(new)} {verb} added, {len(to_enable)} {verb} enabled, "
            f"{len(to_delete)} {verb} deleted, {len(entries) - len(new) - len(to_enable)} already present."
        )

    def read(self, lines: TextIO, name: str, default_note: str) -> dict[str, str]:
        """Origin (normal form) -> note, in file order; CommandError listing every bad line."""
        credentials = credentials_in_use()
        entries: dict[str, str] = {}
        errors: list[str] = []
        for number, raw in enumerate(lines, start=1):
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            value, _, note = line.partition(" #")
            value = value.strip()
            try:
                normal, warnings = checked_origin(value, credentials=credentials)
            except ValidationError as exc:
                errors.extend(f"{name}:{number}: {message}" for message in exc.messages)
                continue
            for problem in warnings:
                self.stderr.write(f"{name}:{number}: warning: {problem.msg}")
            entries.setdefault(normal, note.strip() or default_note)
        if errors:
            raise CommandError("nothing was imported; fix these lines:\n" + "\n".join(errors))
        return entries
