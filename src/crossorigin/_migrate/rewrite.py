"""Migrate one Python source: the rewritten source and what needs a human."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import libcst as cst

from crossorigin._config.incumbent import MODULES, RENAMED_SETTINGS
from crossorigin._migrate.names import OLD_ROOTS
from crossorigin._migrate.report import Finding, collect_findings
from crossorigin._migrate.transformers import (
    DottedStrings,
    DuplicateEntries,
    Imports,
    PackageNames,
    SettingNames,
    assigned_settings,
    imported_names,
)


@dataclass(frozen=True)
class Migrated:
    """The outcome for one file."""

    source: bytes
    new_source: bytes
    findings: Sequence[Finding]

    @property
    def removed(self) -> int:
        """How many duplicate entries the rewrite removed."""
        return sum(finding.done for finding in self.findings) if self.changed else 0

    @property
    def changed(self) -> bool:
        """True if the file would change."""
        return self.new_source != self.source


def migrate_source(source: bytes, path: str, rename_settings: bool = False, settings_module: bool = True) -> Migrated:
    """Rewrite one module's references to the incumbents; raises ``libcst.ParserSyntaxError``.

    ``settings_module``: whether Django reads the module's own names as settings
    (``settings_modules.find`` decides for the command); only then are its assignments renamed.
    """
    module = cst.parse_module(source)
    findings = collect_findings(module, path, rename_settings, settings_module)
    imports = Imports()
    new = module.visit(DottedStrings()).visit(DuplicateEntries()).visit(imports)
    if imports.plain_roots:
        new = new.visit(PackageNames({root: MODULES[root][0] for root in imports.plain_roots & OLD_ROOTS}))
    if rename_settings:
        assigned = assigned_settings(module)
        # A module that sets both names keeps the old one: renaming it would let it win.
        # ... and a name imported from another module keeps that module's name.
        imported = imported_names(module)
        keep = frozenset(
            old
            for old, modern in RENAMED_SETTINGS.items()
            if (old in assigned and modern in assigned) or old in imported
        )
        new = new.visit(SettingNames(keep, settings_module))
    return Migrated(source, new.bytes if new.code != module.code else source, tuple(findings))
