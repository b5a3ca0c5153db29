"""The LibCST rewrites. Each changes only the nodes it names, so comments and layout survive.

- ``DottedStrings``: string literals naming the incumbent's app, middleware, modules or
  check ids, wherever they are (``INSTALLED_APPS`` in any form, ``MIDDLEWARE``,
  ``override_settings``, ``modify_settings``, ``mock.patch`` targets, comprehensions).
- ``Imports``: ``from corsheaders.x import y`` and ``import corsheaders.x``, when every
  imported name exists here; otherwise the statement is left for the report.
- ``PackageNames``: ``corsheaders.defaults.default_headers`` in code, after
  ``import corsheaders.defaults`` was rewritten.
- ``SettingNames``: with ``--rename-settings``, the old setting names where they are
  the setting (see the class).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Final

import libcst as cst
from libcst.helpers import get_full_name_for_node

from crossorigin._config.incumbent import MODULES, RENAMED_SETTINGS
from crossorigin._migrate.names import renamed_dotted

_ATTRIBUTE_FUNCTIONS = frozenset({"getattr", "hasattr", "setattr", "delattr"})
_SETTINGS_CALLS = frozenset({"override_settings", "modify_settings"})


def string_value(node: cst.BaseExpression) -> str | None:
    """The value of a plain (not f-, not bytes) string literal; None for anything else."""
    if isinstance(node, cst.SimpleString) and "b" not in node.prefix.lower():
        value = node.evaluated_value
        return value if isinstance(value, str) else None
    return None


def with_value(node: cst.SimpleString, value: str) -> cst.SimpleString:
    """The same literal (prefix and quotes kept) holding ``value``; dotted names need no escaping."""
    return node.with_changes(value=f"{node.prefix}{node.quote}{value}{node.quote}")


def dotted_expression(dotted: str) -> cst.Attribute | cst.Name:
    """``a.b.c`` as a Name/Attribute node."""
    expression = cst.parse_expression(dotted)
    assert isinstance(expression, (cst.Attribute, cst.Name))
    return expression


class DottedStrings(cst.CSTTransformer):
    """Rewrite string literals that name the incumbent's app, middleware, modules or check ids.

    Values only: a dict key or a subscript equal to ``"corsheaders"`` is the project's
    data (a ``LOGGING`` logger, a JSON field), not a setting, and is left as it is.
    """

    def __init__(self, rename: Callable[[str], str | None] = renamed_dotted) -> None:
        super().__init__()
        self.rename = rename  # crossorigin-migrate --revert passes the way back

    def leave_SimpleString(self, original_node: cst.SimpleString, updated_node: cst.SimpleString) -> cst.SimpleString:
        value = string_value(updated_node)
        new = None if value is None else self.rename(value)
        return updated_node if new is None else with_value(updated_node, new)

    def leave_DictElement(self, original_node: cst.DictElement, updated_node: cst.DictElement) -> cst.DictElement:
        return updated_node.with_changes(key=original_node.key)

    def leave_SubscriptElement(
        self, original_node: cst.SubscriptElement, updated_node: cst.SubscriptElement
    ) -> cst.SubscriptElement:
        index = original_node.slice
        if isinstance(index, cst.Index) and isinstance(index.value, cst.SimpleString):
            return original_node
        return updated_node


# Entries that must appear once: after a rename, a list that named both the old and the
# new app (or middleware) would name ours twice, and Django refuses duplicate app labels.
_ONCE: Final[dict[str, str]] = {
    "crossorigin": "app",
    "crossorigin.apps.CrossOriginConfig": "app",
    "crossorigin.middleware.CorsMiddleware": "middleware",
    "crossorigin.middleware.CorsPostCsrfMiddleware": "post-csrf middleware",
}


def once_key(value: str | None) -> str | None:
    """What an entry stands for if it must appear once (our app, our middleware); None otherwise."""
    return _ONCE.get(value or "")


def _last_comma(
    kept: cst.Comma | cst.MaybeSentinel, removed: cst.Comma | cst.MaybeSentinel
) -> cst.Comma | cst.MaybeSentinel:
    """The comma of the new last element: the removed one's layout, the kept one's own comment."""
    if not isinstance(removed, cst.Comma) or not isinstance(kept, cst.Comma):
        return removed
    ours, theirs = kept.whitespace_after, removed.whitespace_after
    if isinstance(ours, cst.ParenthesizedWhitespace) and isinstance(theirs, cst.ParenthesizedWhitespace):
        return removed.with_changes(whitespace_after=theirs.with_changes(first_line=ours.first_line))
    return removed


class DuplicateEntries(cst.CSTTransformer):
    """Drop a second entry for our app or middleware from a list or tuple literal."""

    def _dedupe(self, elements: Sequence[cst.BaseElement]) -> list[cst.BaseElement] | None:
        seen: set[str] = set()
        kept: list[cst.BaseElement] = []
        for element in elements:
            value = string_value(element.value) if isinstance(element, cst.Element) else None
            key = once_key(value)
            if key is not None and key in seen:
                if element is elements[-1] and kept:
                    kept[-1] = kept[-1].with_changes(comma=_last_comma(kept[-1].comma, element.comma))
                continue
            if key is not None:
                seen.add(key)
            kept.append(element)
        return kept if len(kept) != len(elements) else None

    def leave_List(self, original_node: cst.List, updated_node: cst.List) -> cst.List:
        kept = self._dedupe(updated_node.elements)
        return updated_node if kept is None else updated_node.with_changes(elements=kept)

    def leave_Tuple(self, original_node: cst.Tuple, updated_node: cst.Tuple) -> cst.Tuple:
        kept = self._dedupe(updated_node.elements)
        if kept is None:
            return updated_node
        if len(kept) == 1 and isinstance(kept[0].comma, cst.MaybeSentinel):
            kept[0] = kept[0].with_changes(comma=cst.Comma())  # ("crossorigin",) stays a tuple
        return updated_node.with_changes(elements=kept)


def rewritable_import(node: cst.ImportFrom) -> tuple[str, Mapping[str, str]] | None:
    """(our module, old name -> new name) for an incumbent from-import we can rewrite whole; else None."""
    if node.relative or node.module is None:
        return None
    module = get_full_name_for_node(node.module)
    if module not in MODULES:
        return None
    target, names = MODULES[module]
    if isinstance(node.names, cst.ImportStar):
        return target, {}
    if not all(isinstance(alias.name, cst.Name) and alias.name.value in names for alias in node.names):
        return None
    return target, names


class Imports(cst.CSTTransformer):
    """Point imports of the incumbent's modules at ours; ``plain_roots`` records ``import corsheaders``.

    ``modules``: old module -> (new module, names); ``--revert`` passes the tables read backwards.
    """

    def __init__(self, modules: Mapping[str, tuple[str, Mapping[str, str]]] = MODULES) -> None:
        super().__init__()
        self.modules = modules
        self.plain_roots: set[str] = set()

    def leave_ImportFrom(self, original_node: cst.ImportFrom, updated_node: cst.ImportFrom) -> cst.ImportFrom:
        found = rewritable_import(updated_node)
        if found is None:
            return updated_node
        target, names = found
        changes: dict[str, object] = {"module": dotted_expression(target)}
        if not isinstance(updated_node.names, cst.ImportStar):
            aliases = []
            for alias in updated_node.names:
                assert isinstance(alias.name, cst.Name)
                old = alias.name.value
                new = names[old]
                # A renamed class keeps the name the rest of the module uses (``import New as Old``).
                asname = alias.asname or (cst.AsName(name=cst.Name(old)) if new != old else None)
                aliases.append(alias.with_changes(name=cst.Name(new), asname=asname))
            changes["names"] = aliases
        return updated_node.with_changes(**changes)

    def leave_Import(self, original_node: cst.Import, updated_node: cst.Import) -> cst.Import:
        aliases = []
        for alias in updated_node.names:
            name = get_full_name_for_node(alias.name) or ""
            if name not in self.modules:
                aliases.append(alias)
                continue
            if alias.asname is None:
                self.plain_roots.add(name.split(".", 1)[0])
            aliases.append(alias.with_changes(name=dotted_expression(self.modules[name][0])))
        return updated_node.with_changes(names=aliases)


class PackageNames(cst.CSTTransformer):
    """Rename the package name (``corsheaders``) used in code after ``import corsheaders...``; ``new``: old -> new."""

    def __init__(self, new: Mapping[str, str]) -> None:
        super().__init__()
        self.new = dict(new)

    def visit_Import(self, node: cst.Import) -> bool:
        return False

    def visit_ImportFrom(self, node: cst.ImportFrom) -> bool:
        return False

    def leave_Attribute(self, original_node: cst.Attribute, updated_node: cst.Attribute) -> cst.Attribute:
        # Only the leftmost name of a chain is the package; ``x.corsheaders`` is something else.
        value = updated_node.value
        if isinstance(value, cst.Name) and value.value in self.new:
            return updated_node.with_changes(value=value.with_changes(value=self.new[value.value]))
        return updated_node


def is_settings_object(node: cst.BaseExpression) -> bool:
    """True for ``settings`` or ``something.settings`` (``django.conf.settings``): Django's settings object."""
    name = get_full_name_for_node(node) or ""
    return name == "settings" or name.endswith(".settings")


def is_settings_call(call: cst.Call) -> bool:
    """True for a call whose keywords are setting names: ``override_settings``, ``modify_settings``, ``self.settings``."""
    name = get_full_name_for_node(call.func) or ""
    return name.rpartition(".")[2] in _SETTINGS_CALLS or (
        isinstance(call.func, cst.Attribute) and name.endswith(".settings")
    )


def settings_name_argument(call: cst.Call) -> cst.SimpleString | None:
    """The name string of ``getattr(settings, "X", ...)`` (and has/set/delattr) on Django's settings; else None."""
    func = call.func
    if not (isinstance(func, cst.Name) and func.value in _ATTRIBUTE_FUNCTIONS and len(call.args) >= 2):
        return None
    name = call.args[1].value
    if is_settings_object(call.args[0].value) and isinstance(name, cst.SimpleString) and string_value(name) is not None:
        return name
    return None


class SettingNames(cst.CSTTransformer):
    """Rename old setting names (``CORS_ORIGIN_WHITELIST`` -> ``CORS_ALLOWED_ORIGINS``) where they are the setting.

    That is: in a settings module, its own names (assignments and reads); anywhere,
    ``settings.X``, ``getattr(settings, "X")`` and the keywords of ``override_settings``,
    ``modify_settings`` and ``self.settings``. The same name on another object
    (``configuration.X``, ``getattr(configuration, "X")``, a dict key) is that object's
    and keeps reading what it read; the report lists it.
    """

    def __init__(self, keep: frozenset[str] = frozenset(), settings_module: bool = True) -> None:
        super().__init__()
        self.renames = {old: new for old, new in RENAMED_SETTINGS.items() if old not in keep}
        self.settings_module = settings_module

    def leave_Name(self, original_node: cst.Name, updated_node: cst.Name) -> cst.Name:
        # A settings module's own names; the parents below put back what is not one.
        new = self.renames.get(updated_node.value) if self.settings_module else None
        return updated_node if new is None else updated_node.with_changes(value=new)

    def leave_Attribute(self, original_node: cst.Attribute, updated_node: cst.Attribute) -> cst.Attribute:
        new = self.renames.get(original_node.attr.value)
        if new is not None and is_settings_object(original_node.value):
            return updated_node.with_changes(attr=updated_node.attr.with_changes(value=new))
        return updated_node.with_changes(attr=original_node.attr)

    def leave_ImportAlias(self, original_node: cst.ImportAlias, updated_node: cst.ImportAlias) -> cst.ImportAlias:
        return original_node  # another module's name (the module keeps the name it imports: see keep)

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.Call:
        settings_call = is_settings_call(original_node)
        args = []
        for original, updated in zip(original_node.args, updated_node.args, strict=True):
            keyword = original.keyword
            new = self.renames.get(keyword.value) if keyword is not None and settings_call else None
            if keyword is not None:
                # Put back what leave_Name renamed: only a settings call's keywords are setting names.
                args.append(updated.with_changes(keyword=keyword if new is None else keyword.with_changes(value=new)))
            else:
                args.append(updated)
        name_arg = settings_name_argument(original_node)
        value = string_value(name_arg) if name_arg is not None else None
        if name_arg is not None and value in self.renames:
            args[1] = args[1].with_changes(value=with_value(name_arg, self.renames[value]))
        return updated_node.with_changes(args=args)


def top_level_statements(module: cst.Module) -> Iterator[cst.BaseSmallStatement]:
    """The simple statements at a module's top level (``X = 1``, imports), not inside blocks."""
    for statement in module.body:
        if isinstance(statement, cst.SimpleStatementLine):
            yield from statement.body


def assigned_settings(module: cst.Module) -> set[str]:
    """Upper-case names assigned at the top level of a module (``X = ...``, ``X: T = ...``, ``X += ...``)."""
    found: set[str] = set()
    for small in top_level_statements(module):
        targets: list[cst.BaseExpression] = []
        if isinstance(small, cst.Assign):
            targets = [t.target for t in small.targets]
        elif isinstance(small, (cst.AnnAssign, cst.AugAssign)):
            targets = [small.target]
        found.update(t.value for t in targets if isinstance(t, cst.Name) and t.value.isupper())
    return found


def imported_names(module: cst.Module) -> set[str]:
    """Names a module binds by ``from x import NAME``: another module's, so they keep their name here."""
    found: set[str] = set()
    for small in top_level_statements(module):
        if isinstance(small, cst.ImportFrom) and not isinstance(small.names, cst.ImportStar):
            for alias in small.names:
                local = alias.asname.name if alias.asname is not None else alias.name
                if isinstance(local, cst.Name):
                    found.add(local.value)
    return found
