"""The command itself: ``crossorigin-migrate [--write] [--rename-settings | --revert] PATH...``."""

from __future__ import annotations

import argparse
import difflib
import sys
from collections.abc import Sequence
from pathlib import Path

from crossorigin._migrate import settings_modules
from crossorigin._migrate.config_keys import config_key_findings
from crossorigin._migrate.files import discover, read_regular, write_atomically
from crossorigin._migrate.report import Finding
from crossorigin._migrate.requirements import requirement_findings
from crossorigin._migrate.revert import revert_source
from crossorigin._migrate.rewrite import Migrated, migrate_source

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
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument(
        "--rename-settings",
        action="store_true",
        help="also rename old setting names (CORS_ORIGIN_WHITELIST -> CORS_ALLOWED_ORIGINS, ...) in settings modules",
    )
    mode.add_argument(
        "--revert",
        action="store_true",
        help="go back to django-cors-headers: undo what a forward run rewrote; refused (exit 2) while the project "
        "uses what only crossorigin has",
    )
    return parser


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """``1 thing``, ``2 things``."""
    return f"{count} {singular if count == 1 else plural_form or singular + 's'}"


def unified_diff(shown: str, migrated: Migrated) -> str:
    """The change to one file as a unified diff."""
    old = migrated.source.decode("utf-8", errors="replace").splitlines(keepends=True)
    new = migrated.new_source.decode("utf-8", errors="replace").splitlines(keepends=True)
    name = shown.lstrip("/")
    return "".join(difflib.unified_diff(old, new, f"a/{name}", f"b/{name}"))


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _read_text(path: Path, findings: list[Finding]) -> str | None:
    """A text file's content, or None with a finding saying why it was not read."""
    try:
        return read_regular(path).decode("utf-8", errors="replace")
    except OSError as exc:
        findings.append(Finding(path.as_posix(), 1, f"not read: {_first_line(exc)}"))
        return None


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command: 1 if a file would change (without --write), 2 if --revert is refused, else 0."""
    args = parser().parse_args(argv)
    missing = [str(p) for p in args.paths if not p.exists() and not p.is_symlink()]
    if missing:
        parser().error(f"no such file or directory: {', '.join(missing)}")
    tree = discover(args.paths, data=args.rename_settings)
    findings: list[Finding] = [Finding(path.as_posix(), 1, f"left alone: {why}") for path, why in tree.skipped]
    outcomes: list[tuple[Path, Migrated]] = []
    settings, declared = settings_modules.find(tree.python, tree.configs)
    if args.rename_settings and not declared:
        findings.append(
            Finding(
                ".",
                1,
                "no DJANGO_SETTINGS_MODULE found (manage.py, wsgi.py, asgi.py, pytest or tox configuration): "
                "files named settings.py or in a settings package were taken as the settings modules",
            )
        )
    refusals: list[Finding] = []
    for path in tree.python:
        shown = path.as_posix()
        try:
            source = read_regular(path)
            if args.revert:
                migrated, refused = revert_source(source, shown)
                refusals.extend(refused)
            else:
                migrated = migrate_source(source, shown, args.rename_settings, path in settings)
        except Exception as exc:  # any file that cannot be read or parsed (even a crash in LibCST) is reported
            findings.append(Finding(shown, 1, f"not migrated, it cannot be read as Python: {_first_line(exc)}"))
            continue
        findings.extend(migrated.findings)
        if migrated.changed:
            outcomes.append((path, migrated))
    if refusals:
        for finding in sorted(set(refusals)):
            print(finding, file=sys.stderr)
        print(
            f"crossorigin-migrate: not reverted, nothing written: {plural(len(set(refusals)), 'use')} of what only "
            "crossorigin has, which django-cors-headers would ignore without a word (docs/migrating.md, "
            "'Going back'). Remove them first.",
            file=sys.stderr,
        )
        return 2
    changed = 0
    for path, migrated in outcomes:
        if args.write:
            try:
                write_atomically(path, migrated.new_source)
            except OSError as exc:
                findings.append(Finding(path.as_posix(), 1, f"not written: {_first_line(exc)}"))
                continue
        else:
            sys.stdout.write(unified_diff(path.as_posix(), migrated))
        changed += 1
    if not args.revert:
        for path in tree.dependencies:
            text = _read_text(path, findings)
            if text is not None:
                findings.extend(requirement_findings(path, path.as_posix(), text))
    for path in tree.data:  # only with --rename-settings: without it, nothing can disagree
        text = _read_text(path, findings)
        if text is not None:
            findings.extend(config_key_findings(path.as_posix(), text))
    unique = sorted(set(findings))
    for finding in unique:
        print(finding, file=sys.stderr)
    to_do = [finding for finding in unique if not finding.done]
    removed = sum(m.removed for _, m in outcomes)
    verb = "rewrote" if args.write else "would rewrite"
    did = f" ({plural(removed, 'duplicate entry', 'duplicate entries')} removed)" if removed else ""
    print(
        f"crossorigin-migrate: {verb} {changed} of {plural(len(tree.python), 'Python file')}{did}; "
        f"{plural(len(to_do), 'thing')} to do by hand.",
        file=sys.stderr,
    )
    return 1 if changed and not args.write else 0
