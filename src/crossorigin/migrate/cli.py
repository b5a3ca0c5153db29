"""The command line: ``crossorigin-migrate [--write] [--rename-settings] PATH...``."""

from __future__ import annotations

import argparse
import difflib
import sys
from collections.abc import Sequence
from pathlib import Path

import libcst as cst

from crossorigin.migrate.files import discover
from crossorigin.migrate.report import Finding
from crossorigin.migrate.requirements import requirement_findings
from crossorigin.migrate.rewrite import Migrated, migrate_source

DESCRIPTION = (
    "Rewrite a project's references to django-cors-headers and django-dcors for django-crossorigin. "
    "Prints a unified diff and exits 1 if anything would change (0 if nothing); --write applies it. "
    "What cannot be rewritten safely is listed on stderr as file:line: what to do."
)


def parser() -> argparse.ArgumentParser:
    """The argument parser."""
    parser = argparse.ArgumentParser(prog="crossorigin-migrate", description=DESCRIPTION)
    parser.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="files or directories")
    parser.add_argument("--write", action="store_true", help="rewrite the files in place instead of showing a diff")
    parser.add_argument(
        "--rename-settings",
        action="store_true",
        help="also rename old setting names (CORS_ORIGIN_WHITELIST -> CORS_ALLOWED_ORIGINS, ...)",
    )
    return parser


def unified_diff(shown: str, migrated: Migrated) -> str:
    """The change to one file as a unified diff."""
    old = migrated.source.decode("utf-8", errors="replace").splitlines(keepends=True)
    new = migrated.new_source.decode("utf-8", errors="replace").splitlines(keepends=True)
    name = shown.lstrip("/")
    return "".join(difflib.unified_diff(old, new, f"a/{name}", f"b/{name}"))


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; the exit status is 1 if a file would change (without --write), else 0."""
    args = parser().parse_args(argv)
    missing = [str(p) for p in args.paths if not p.exists()]
    if missing:
        parser().error(f"no such file or directory: {', '.join(missing)}")
    python_files, requirement_files = discover(args.paths)
    findings: list[Finding] = []
    changed = 0
    for path in python_files:
        shown = path.as_posix()
        try:
            migrated = migrate_source(path.read_bytes(), shown, args.rename_settings)
        except (cst.ParserSyntaxError, UnicodeDecodeError, OSError) as exc:
            first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            findings.append(Finding(shown, 1, f"not migrated, it cannot be read as Python: {first_line}"))
            continue
        findings.extend(migrated.findings)
        if not migrated.changed:
            continue
        changed += 1
        if args.write:
            path.write_bytes(migrated.new_source)
        else:
            sys.stdout.write(unified_diff(shown, migrated))
    for path in requirement_files:
        findings.extend(requirement_findings(path, path.as_posix()))
    for finding in sorted(set(findings)):
        print(finding, file=sys.stderr)
    verb = "rewrote" if args.write else "would rewrite"
    print(
        f"crossorigin-migrate: {verb} {changed} of {len(python_files)} Python files; "
        f"{len(set(findings))} things to do by hand.",
        file=sys.stderr,
    )
    return 1 if changed and not args.write else 0
