"""Per-view policies: ``@cors_policy(**overrides)`` and ``@cors_exempt``.

Both work on function views, on class-based views (decorate the class) and on Django
REST framework views and viewsets (decorate the class, or put the decorator above
``@api_view``). The overrides use the keys of ``CORS_URL_POLICIES`` and are laid over
the URL policy for the path, then the global settings. Nothing wraps the view: the
decorator only records the overrides, which the middleware reads from the view Django
resolved (or, for a preflight, from resolving the path itself).
"""

from __future__ import annotations

from typing import Any, Final, TypeVar

from django.core.exceptions import ImproperlyConfigured

from crossorigin.options import OVERRIDE_KEYS
from crossorigin.registry import ViewOverrides, freeze

# The attribute that carries a view's overrides; functools.wraps copies it along.
VIEW_ATTRIBUTE: Final = "cors_policy_overrides"

V = TypeVar("V")

# Set once any view is decorated: until then a preflight never needs URL resolving.
_registry = {"used": False}


def views_are_decorated() -> bool:
    """True once any view carries @cors_policy or @cors_exempt."""
    return _registry["used"]


def _name_of(view: Any) -> str:
    module = getattr(view, "__module__", "")
    name = getattr(view, "__qualname__", None) or getattr(view, "__name__", None) or repr(view)
    return f"{module}.{name}" if module else str(name)


def _attach(view: V, overrides: ViewOverrides) -> V:
    setattr(view, VIEW_ATTRIBUTE, overrides)
    _registry["used"] = True
    return view


def cors_policy(**overrides: Any) -> Any:
    """Give a view its own CORS policy, e.g. ``@cors_policy(allow_all_origins=True)``."""
    unknown = sorted(set(overrides) - OVERRIDE_KEYS)
    if unknown:
        raise ImproperlyConfigured(
            f"cors_policy() got unknown key(s) {', '.join(unknown)}; use: {', '.join(sorted(OVERRIDE_KEYS))}."
        )
    items = tuple(sorted((key, freeze(value)) for key, value in overrides.items()))

    def decorate(view: V) -> V:
        return _attach(view, ViewOverrides(items=items, name=_name_of(view)))

    return decorate


def cors_exempt(view: V) -> V:
    """Turn CORS off for a view: no CORS headers, and its preflights reach the view."""
    return _attach(view, ViewOverrides(items=(), exempt=True, name=_name_of(view)))


def view_overrides(view_func: Any) -> ViewOverrides | None:
    """The overrides recorded on a resolved view function, its class, or its viewset."""
    found = getattr(view_func, VIEW_ATTRIBUTE, None)
    if found is None:
        cls = getattr(view_func, "view_class", None) or getattr(view_func, "cls", None)
        if cls is not None:
            found = getattr(cls, VIEW_ATTRIBUTE, None)
    return found if isinstance(found, ViewOverrides) else None
