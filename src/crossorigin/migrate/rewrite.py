"""Migrate one Python source: the rewritten source and what needs a human."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import libcst as cst

from crossorigin.incumbent import RENAMED_SETTINGS
from crossorigin.migrate.report import Finding, collect_findings
from crossorigin.migrate.transformers import (
    DottedStrings,
    DuplicateEntries,
    Imports,
    PackageNames,
    SettingNames,
    assigned_settings,
)


@dataclass(frozen=True)
class Migrated:
    """The outcome for one file."""

    source: bytes
    new_source: bytes
    findings: Sequence[Finding]

    @property
    def changed(self) -> bool:
        """True if the file would change."""
        return self.new_source != self.source


def migrate_source(source: bytes, path: str, rename_settings: bool = False) -> Migrated:
    """Rewrite one module's references to the incumbents; raises ``libcst.ParserSyntaxError``."""
    module = cst.parse_module(source)
    findings = collect_findings(module, path, rename_settings)
    imports = Imports()
    new = module.visit(DottedStrings()).visit(DuplicateEntries()).visit(imports)
    if imports.plain_roots:
        new = new.visit(PackageNames(imports.plain_roots))
    if rename_settings:
        assigned = assigned_settings(module)
        # A module that sets both names keeps the old one: renaming it would let it win.
        keep = frozenset(old for old, modern in RENAMED_SETTINGS.items() if old in assigned and modern in assigned)
        new = new.visit(SettingNames(keep))
    return Migrated(source, new.bytes if new.code != module.code else source, tuple(findings))
