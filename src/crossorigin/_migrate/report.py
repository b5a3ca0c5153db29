"""What the command cannot rewrite safely, found in the original source with its line numbers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

import libcst as cst
from libcst.helpers import get_full_name_for_node
from libcst.metadata import MetadataWrapper, PositionProvider

from crossorigin._config.incumbent import (
    CHANGED_SETTINGS,
    MIDDLEWARE_METHODS,
    MODULES,
    POST_CSRF_MIDDLEWARE_METHODS,
    RENAMED_SETTINGS,
)
from crossorigin._config.incumbent import UNREAD_SETTINGS as INCUMBENT_UNREAD
from crossorigin._migrate.names import OLD_ROOTS, names_old_package, renamed_dotted
from crossorigin._migrate.transformers import (
    assigned_settings,
    imported_names,
    is_settings_call,
    is_settings_object,
    once_key,
    rewritable_import,
    settings_name_argument,
    string_value,
)

# django-dcors names: they work here, but their values need rewriting by hand.
DCORS_SETTINGS = {
    "CORS_ALLOW_ORIGIN": "write CORS_ALLOWED_ORIGINS = ['<origin>'] (or CORS_ALLOW_ALL_ORIGINS = True for '*')",
    "CORS_ALLOW_ALL_ORIGIN": "write CORS_ALLOW_ALL_ORIGINS = True (its mere presence allowed every origin)",
    "CORS_ALLOW_ALL_HEADERS": "list the headers your front end sends in CORS_ALLOW_HEADERS",
    "CORS_MAX_AGE": "rename it CORS_PREFLIGHT_MAX_AGE, with a whole number of seconds",
}

RECEIVER_ADVICE = (
    "a check_request_enabled receiver: it works unchanged (a true return enables CORS for the request and "
    "allows its origin), but crossorigin sends the signal at most once per request, only when the settings "
    "alone do not allow it, and synchronously under ASGI. Check that it does not count on being called on "
    "every request; for origin checks prefer CORS_ORIGIN_CHECKER (it may be async and its answers cached)"
)

# What a base class expression must name to be the incumbent's (or, on a second run, our) middleware.
MIDDLEWARE_CLASSES = {
    "CorsMiddleware": MIDDLEWARE_METHODS,
    "CorsPostCsrfMiddleware": POST_CSRF_MIDDLEWARE_METHODS,
}
MIDDLEWARE_MODULES = frozenset({"corsheaders.middleware", "dcors.dcorsmiddleware", "crossorigin.middleware"})


@dataclass(frozen=True, order=True)
class Finding:
    """One thing to do by hand: where, and what."""

    path: str
    line: int
    message: str
    # True for a note of what the command did (a duplicate removed), False for something to do by hand.
    done: bool = False

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


@cache
def methods_we_lack(class_name: str) -> frozenset[str]:
    """Incumbent methods of ``class_name`` that our class of that name does not define at all."""
    try:
        from crossorigin._http import middleware

        ours = getattr(middleware, class_name)
    except Exception:  # Django missing or broken: assume none of them is ours
        return frozenset(MIDDLEWARE_CLASSES[class_name])
    return frozenset(name for name in MIDDLEWARE_CLASSES[class_name] if not hasattr(ours, name))


class FindingCollector(cst.CSTVisitor):
    """Collect what needs a human, with the line it is on."""

    METADATA_DEPENDENCIES = (PositionProvider,)

    def __init__(
        self, path: str, rename_settings: bool, assigned: set[str], settings_module: bool, imported: set[str]
    ) -> None:
        super().__init__()
        self.path = path
        self.rename_settings = rename_settings
        self.assigned = assigned
        self.settings_module = settings_module
        self.imported_settings = imported
        # String literals that are setting names on Django's settings object (renamed, not reported).
        self.setting_strings: set[cst.SimpleString] = set()
        self.findings: list[Finding] = []
        # Local name -> the dotted name it was imported as.
        self.imported: dict[str, str] = {}

    def add(self, node: cst.CSTNode, message: str, done: bool = False) -> None:
        line = self.get_metadata(PositionProvider, node).start.line
        self.findings.append(Finding(self.path, line, message, done))

    def dotted_name(self, node: cst.BaseExpression) -> str | None:
        """The dotted name an expression refers to, through this module's imports."""
        name = get_full_name_for_node(node)
        if name is None:
            return None
        head, _, rest = name.partition(".")
        base = self.imported.get(head, head)
        return f"{base}.{rest}" if rest else base

    # -- imports --------------------------------------------------------------------------

    def visit_Import(self, node: cst.Import) -> None:
        for alias in node.names:
            name = get_full_name_for_node(alias.name) or ""
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                self.imported[alias.asname.name.value] = name
            else:
                root = name.split(".", 1)[0]
                self.imported[root] = root

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        if node.relative or node.module is None:
            return
        module = get_full_name_for_node(node.module) or ""
        if not isinstance(node.names, cst.ImportStar):
            for alias in node.names:
                bound = alias.evaluated_alias or alias.evaluated_name
                if self.rename_settings and self.settings_module and bound in RENAMED_SETTINGS:
                    self.add(
                        alias,
                        f"{bound} was not renamed: this settings module imports it from {module}. "
                        f"Rename it there and here together, if that module is yours.",
                    )
                name = get_full_name_for_node(alias.name) or ""
                local = alias.asname.name if alias.asname is not None else alias.name
                if isinstance(local, cst.Name):
                    self.imported[local.value] = f"{module}.{name}"
        if module in MODULES and rewritable_import(node) is None:
            assert not isinstance(node.names, cst.ImportStar)
            provided = MODULES[module][1]
            missing = [
                get_full_name_for_node(a.name) or "?"
                for a in node.names
                if get_full_name_for_node(a.name) not in provided
            ]
            ours = MODULES[module][0]
            self.add(
                node,
                f"'from {module} import {', '.join(missing)}': {ours} has no such name, so this import was left "
                f"as it is. Replace what it is used for (see docs/migrating.md); {ours} provides: "
                + (", ".join(sorted(provided)) or "nothing to import by name"),
            )

    # -- middleware subclasses --------------------------------------------------------------

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        for base in node.bases:
            dotted = self.dotted_name(base.value) or ""
            module, _, class_name = dotted.rpartition(".")
            if module not in MIDDLEWARE_MODULES or class_name not in MIDDLEWARE_CLASSES:
                continue
            methods = MIDDLEWARE_CLASSES[class_name]
            lacking = methods_we_lack(class_name)
            for statement in node.body.body:
                if isinstance(statement, cst.FunctionDef) and statement.name.value in lacking:
                    method = statement.name.value
                    self.add(
                        statement,
                        f"{node.name.value}.{method} overrides django-cors-headers' {class_name}.{method}, which "
                        f"crossorigin's {class_name} never calls, so the override would be silently ignored "
                        f"(system check crossorigin.E040): {methods[method]}",
                    )

    # -- signal receivers -------------------------------------------------------------------

    def _is_signal(self, node: cst.BaseExpression) -> bool:
        dotted = self.dotted_name(node) or ""
        return dotted.endswith("check_request_enabled") and dotted.split(".", 1)[0] in {
            "corsheaders",
            "crossorigin",
            "check_request_enabled",
        }

    def visit_Decorator(self, node: cst.Decorator) -> None:
        call = node.decorator
        if isinstance(call, cst.Call) and (self.dotted_name(call.func) or "").endswith("receiver") and call.args:
            first = call.args[0].value
            signals = [e.value for e in first.elements] if isinstance(first, (cst.List, cst.Tuple)) else [first]
            if any(self._is_signal(s) for s in signals):
                self.add(node, RECEIVER_ADVICE)

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if isinstance(func, cst.Attribute) and func.attr.value == "connect" and self._is_signal(func.value):
            self.add(node, RECEIVER_ADVICE)
        settings_call = is_settings_call(node)
        for arg in node.args:
            keyword = arg.keyword.value if arg.keyword is not None else None
            if keyword is not None:
                self._setting_name(arg, keyword, "" if settings_call else f"the keyword {keyword}= of a call")
        name_arg = settings_name_argument(node)
        if name_arg is not None:
            self.setting_strings.add(name_arg)

    def visit_Attribute(self, node: cst.Attribute) -> None:
        if node.attr.value in RENAMED_SETTINGS and not is_settings_object(node.value):
            owner = get_full_name_for_node(node.value) or "an object"
            self._setting_name(node, node.attr.value, f"an attribute of {owner}")

    # -- settings ---------------------------------------------------------------------------

    def _setting_name(self, node: cst.CSTNode, name: str, elsewhere: str = "", assigned: bool = False) -> None:
        """Report what a setting name needs; ``elsewhere`` says where it names something else than the setting."""
        if name in INCUMBENT_UNREAD:
            self.add(node, INCUMBENT_UNREAD[name] + ".")
        elif name in CHANGED_SETTINGS:
            self.add(node, CHANGED_SETTINGS[name] + ".")
        elif name in DCORS_SETTINGS:
            self.add(node, f"{name} is a django-dcors setting; it still works, but {DCORS_SETTINGS[name]}.")
        elif name in RENAMED_SETTINGS:
            new = RENAMED_SETTINGS[name]
            if elsewhere and not self.rename_settings:
                return  # nothing is renamed, so nothing can disagree
            if not self.rename_settings:
                self.add(
                    node,
                    f"{name} still works (crossorigin.I040); rename it {new}, or run again with --rename-settings.",
                )
            elif elsewhere:
                self.add(
                    node,
                    f"{name} here is {elsewhere}, not Django's setting, so it was left as it is and keeps reading "
                    f"the same value (as getattr(configuration, {name!r}, ...) reads a configuration module's "
                    f"name). If that name is yours, nothing to do; to rename it to {new}, rename both sides by hand.",
                )
            elif assigned and not self.settings_module:
                self.add(
                    node,
                    f"{name} is set in a module that is not a settings module (none named by DJANGO_SETTINGS_MODULE "
                    f"imports it with *), so it was not renamed: a module that reads it by this name keeps working. "
                    f"If Django reads this module as its settings, rename it {new} by hand.",
                )
            elif new in self.assigned:
                self.add(node, f"{name} was not renamed: this module also sets {new}, which wins. Remove {name}.")

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            if isinstance(target.target, cst.Name):
                self._assigned(target.target, node.value)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if isinstance(node.target, cst.Name):
            self._assigned(node.target, node.value)

    def visit_DictElement(self, node: cst.DictElement) -> None:
        key = string_value(node.key)
        if key is not None and (names_old_package(key) or key in OLD_ROOTS):
            self.add(
                node.key,
                f"the dictionary key {key!r} was left as it is: a key is the project's data, not a setting. If it "
                "names django-cors-headers (a LOGGING logger, say), change it by hand.",
            )

    def _assigned(self, target: cst.Name, value: cst.BaseExpression | None) -> None:
        self._setting_name(target, target.value, assigned=True)
        if target.value == "CORS_ALLOW_CREDENTIALS" and value is not None and string_value(value) is not None:
            self.add(target, "CORS_ALLOW_CREDENTIALS is a string (a django-dcors form); write True or False.")

    # -- lists that name both packages -------------------------------------------------------

    def _duplicates(self, elements: Sequence[cst.BaseElement]) -> None:
        seen: set[str] = set()
        for element in elements:
            value = string_value(element.value) if isinstance(element, cst.Element) else None
            new = renamed_dotted(value) or value if value is not None else None
            key = once_key(new)
            if key is None:
                continue
            if key in seen:
                self.add(element, f"{value!r} named the {key} a second time after the rename: removed.", done=True)
            seen.add(key)

    def visit_List(self, node: cst.List) -> None:
        self._duplicates(node.elements)

    def visit_Tuple(self, node: cst.Tuple) -> None:
        self._duplicates(node.elements)

    # -- anything else still naming the incumbent ---------------------------------------------

    def visit_SimpleString(self, node: cst.SimpleString) -> None:
        value = string_value(node)
        if value is None:
            return
        if value in RENAMED_SETTINGS and node not in self.setting_strings:
            self._setting_name(node, value, "a string, the name of another object's attribute or key")
        if names_old_package(value) and renamed_dotted(value) is None:
            self.add(node, f"{value!r} names something crossorigin does not provide; replace it by hand.")
        elif value == "dcors.dcorsmiddleware.CorsMiddleware":
            self.add(
                node,
                "django-dcors had no app: also add 'crossorigin' to INSTALLED_APPS, so its start-up checks run.",
            )
        elif value.lower().replace("_", "-").startswith(("django-cors-headers", "django-dcors")):
            self.add(node, f"{value!r} is a dependency on the old package; replace it with 'django-crossorigin'.")


def collect_findings(
    module: cst.Module, path: str, rename_settings: bool, settings_module: bool = True
) -> Sequence[Finding]:
    """Everything in one parsed module that needs a human."""
    collector = FindingCollector(
        path, rename_settings, assigned_settings(module), settings_module, imported_names(module)
    )
    MetadataWrapper(module, unsafe_skip_copy=True).visit(collector)
    return collector.findings
