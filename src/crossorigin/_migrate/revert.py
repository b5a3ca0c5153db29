"""``crossorigin-migrate --revert``: back to django-cors-headers, when nothing would be lost silently.

The way back undoes what the forward run rewrote (the app, the middleware, imports,
dotted strings, check ids) using the same tables read backwards. It refuses while the
project uses what only crossorigin has: under django-cors-headers a wildcard origin, a
URL or view policy, the database origins or the origin checker would not fail at start-up
but allow less (or other) than the project expects, without a word.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Final

import libcst as cst
from libcst.helpers import get_full_name_for_node
from libcst.metadata import MetadataWrapper, PositionProvider

from crossorigin._config.incumbent import CHECK_IDS, DOTTED_NAMES, MODULES
from crossorigin._migrate import transformers
from crossorigin._migrate.names import dotted_in
from crossorigin._migrate.report import Finding
from crossorigin._migrate.rewrite import Migrated
from crossorigin._migrate.transformers import DottedStrings, PackageNames, dotted_expression, string_value

OURS: Final = "crossorigin"
BACK: Final = "corsheaders"  # the way back is to django-cors-headers, never to django-dcors

# Ours -> django-cors-headers', read backwards from the forward tables.
_DOTTED: Final = {new: old for old, new in DOTTED_NAMES.items() if old.split(".", 1)[0] == BACK}
_MODULES: Final[dict[str, tuple[str, dict[str, str]]]] = {
    target: (old, {new: name for name, new in names.items()})
    for old, (target, names) in MODULES.items()
    if old.split(".", 1)[0] == BACK
}
# A check id of ours that several of theirs became has no single way back.
_CHECK_IDS: Final = {new: old for old, new in CHECK_IDS.items() if list(CHECK_IDS.values()).count(new) == 1}

_WHOLE_NAMES: Final = {**_DOTTED, **_CHECK_IDS}

# What only crossorigin has, and what it is called in the guide.
OUR_SETTINGS: Final[dict[str, str]] = {
    "CORS_URL_POLICIES": "URL policies",
    "CORS_ORIGIN_CHECKER": "the origin checker",
    "CORS_ORIGIN_CHECKER_CACHE_SIZE": "the origin checker",
    "CORS_ORIGIN_CHECKER_CACHE_TTL": "the origin checker",
    "CORS_DB_ORIGINS_CACHE": "origins in the database",
    "CORS_DB_ORIGINS_CHECK_INTERVAL": "origins in the database",
}
OUR_DECORATORS: Final[dict[str, str]] = {"cors_policy": "view policies", "cors_exempt": "view policies"}
OUR_APPS_PREFIX: Final = "crossorigin.contrib."
# An origin with a "*" in its host or port: https://*.example.com, http://localhost:*.
_WILDCARD_ORIGIN: Final = re.compile(r"^[a-z][a-z0-9+.-]*://[^/\s]*\*[^/\s]*$", re.IGNORECASE)


def reverted_dotted(value: str) -> str | None:
    """django-cors-headers' name for one of ours (``"crossorigin.middleware.CorsMiddleware"``); None if none."""
    return dotted_in(value, _WHOLE_NAMES, _MODULES)


class Imports(transformers.Imports):
    """``from crossorigin.x import y`` back to ``from corsheaders.x import y`` when they all exist there."""

    def __init__(self) -> None:
        super().__init__(_MODULES)

    def leave_ImportFrom(self, original_node: cst.ImportFrom, updated_node: cst.ImportFrom) -> cst.ImportFrom:
        module = (
            get_full_name_for_node(updated_node.module) if updated_node.module and not updated_node.relative else None
        )
        if module not in _MODULES:
            return updated_node
        old, names = _MODULES[module]
        if isinstance(updated_node.names, cst.ImportStar):
            return updated_node.with_changes(module=dotted_expression(old))
        if not all(isinstance(a.name, cst.Name) and a.name.value in names for a in updated_node.names):
            return updated_node
        aliases = []
        for alias in updated_node.names:
            assert isinstance(alias.name, cst.Name)
            theirs = names[alias.name.value]
            # The forward run's ``import CrossOriginConfig as CorsHeadersAppConfig`` becomes a plain import.
            asname = alias.asname
            if asname is not None and isinstance(asname.name, cst.Name) and asname.name.value == theirs:
                asname = None
            aliases.append(alias.with_changes(name=cst.Name(theirs), asname=asname))
        if not isinstance(aliases[-1].comma, cst.MaybeSentinel) and updated_node.rpar is None:
            aliases[-1] = aliases[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
        return updated_node.with_changes(module=dotted_expression(old), names=aliases)


class OursOnly(cst.CSTVisitor):
    """Find what django-cors-headers would ignore without a word, with its line."""

    METADATA_DEPENDENCIES = (PositionProvider,)

    def __init__(self, path: str) -> None:
        super().__init__()
        self.path = path
        self.found: list[Finding] = []

    def add(self, node: cst.CSTNode, what: str, detail: str) -> None:
        line = self.get_metadata(PositionProvider, node).start.line
        self.found.append(Finding(self.path, line, f"{detail}: {what}, which django-cors-headers does not have"))

    def visit_Name(self, node: cst.Name) -> None:
        if node.value in OUR_SETTINGS:
            self.add(node, OUR_SETTINGS[node.value], node.value)
        elif node.value in OUR_DECORATORS:
            self.add(node, OUR_DECORATORS[node.value], node.value)

    def visit_SimpleString(self, node: cst.SimpleString) -> None:
        value = string_value(node)
        if value is None:
            return
        if value in OUR_SETTINGS:
            self.add(node, OUR_SETTINGS[value], value)
        elif value.startswith(OUR_APPS_PREFIX):
            self.add(
                node, "origins in the database" if ".origins" in value else "a crossorigin contrib app", repr(value)
            )
        elif _WILDCARD_ORIGIN.match(value):
            self.add(node, "a wildcard origin (django-cors-headers compares origins exactly)", repr(value))


def revert_source(source: bytes, path: str) -> tuple[Migrated, list[Finding]]:
    """(the module rewritten for django-cors-headers, what only crossorigin has and so forbids going back)."""
    module = cst.parse_module(source)
    ours_only = OursOnly(path)
    MetadataWrapper(module, unsafe_skip_copy=True).visit(ours_only)
    imports = Imports()
    new = module.visit(DottedStrings(reverted_dotted)).visit(imports)
    if imports.plain_roots:
        new = new.visit(PackageNames(_back(imports.plain_roots)))
    left = [
        Finding(path, 1, f"{name!r} is still named here: django-cors-headers has no such module or name; replace it")
        for name in _still_ours(new)
    ]
    return Migrated(source, new.bytes if new.code != module.code else source, tuple(left)), ours_only.found


def _back(roots: set[str]) -> Mapping[str, str]:
    return dict.fromkeys(roots, BACK)


def _still_ours(module: cst.Module) -> list[str]:
    """Imports of crossorigin left after the rewrite (names django-cors-headers lacks)."""
    found = []
    for small in transformers.top_level_statements(module):
        if isinstance(small, cst.ImportFrom) and small.module is not None and not small.relative:
            name = get_full_name_for_node(small.module) or ""
            if name.split(".", 1)[0] == OURS:
                found.append(name)
    return found
