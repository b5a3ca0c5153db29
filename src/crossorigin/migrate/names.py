"""The new name for an old dotted string: an app, a middleware, a module or a check id."""

from __future__ import annotations

from crossorigin.incumbent import CHECK_IDS, DOTTED_NAMES, MODULES

OLD_ROOTS = frozenset(name.split(".", 1)[0] for name in MODULES)


def renamed_dotted(value: str) -> str | None:
    """Our name for an incumbent dotted name such as ``"corsheaders.middleware.CorsMiddleware"``; None if none."""
    if value in DOTTED_NAMES:
        return DOTTED_NAMES[value]
    if value in CHECK_IDS:
        return CHECK_IDS[value]
    if value in MODULES:
        return MODULES[value][0]
    module, _, attribute = value.rpartition(".")
    if module in MODULES:
        target, names = MODULES[module]
        if attribute in names:
            return f"{target}.{names[attribute]}"
    return None


def names_old_package(value: str) -> bool:
    """True if a dotted string names something inside the incumbents' packages."""
    return value.split(".", 1)[0] in OLD_ROOTS and "." in value
