"""The new name for an old dotted string: an app, a middleware, a module or a check id."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from crossorigin._config.incumbent import CHECK_IDS, DOTTED_NAMES, MODULES

OLD_ROOTS = frozenset(name.split(".", 1)[0] for name in MODULES)


def dotted_in(value: str, names: Mapping[str, str], modules: Mapping[str, tuple[str, Mapping[str, str]]]) -> str | None:
    """``value`` renamed by ``names`` (whole names), or through ``modules`` (a module, or one of its names)."""
    if value in names:
        return names[value]
    if value in modules:
        return modules[value][0]
    module, _, attribute = value.rpartition(".")
    if module in modules:
        target, attributes = modules[module]
        if attribute in attributes:
            return f"{target}.{attributes[attribute]}"
    return None


_WHOLE_NAMES: Final = {**DOTTED_NAMES, **CHECK_IDS}


def renamed_dotted(value: str) -> str | None:
    """Our name for an incumbent dotted name such as ``"corsheaders.middleware.CorsMiddleware"``; None if none."""
    return dotted_in(value, _WHOLE_NAMES, MODULES)


def names_old_package(value: str) -> bool:
    """True if a dotted string names something inside the incumbents' packages."""
    return value.split(".", 1)[0] in OLD_ROOTS and "." in value
