"""A ``CorsMiddleware`` subclass that overrides django-cors-headers' methods we never call.

Ported projects subclass the middleware to change one step (``origin_found_in_white_lists``,
``is_enabled``...). Our middleware has no such steps, so the override would be silently
ignored; this check makes it an error that names the class, each method and the
replacement. "Never called" means the name is defined nowhere on our class's MRO.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Final

from django.conf import settings
from django.core.checks import CheckMessage
from django.utils.module_loading import import_string

from crossorigin._config.incumbent import MIDDLEWARE_METHODS, POST_CSRF_MIDDLEWARE_METHODS
from crossorigin._core.problems import Problem, error

from .startup import to_messages

_OURS: Final = {
    "crossorigin.middleware.CorsMiddleware": MIDDLEWARE_METHODS,
    "crossorigin.middleware.CorsPostCsrfMiddleware": POST_CSRF_MIDDLEWARE_METHODS,
}


def _middleware_class(entry: object) -> type | None:
    if not isinstance(entry, str) or entry.startswith("django."):
        return None
    try:
        found = import_string(entry)
    except Exception:  # Django's own checks report a middleware that cannot be imported
        return None
    return found if isinstance(found, type) else None


def ignored_overrides(cls: type, ours: type, methods: Mapping[str, str]) -> list[str]:
    """The incumbent's methods that ``cls`` (a subclass of ``ours``) defines and ``ours`` never has."""
    own = [klass for klass in cls.__mro__ if klass not in ours.__mro__]
    return [name for name in methods if not hasattr(ours, name) and any(name in vars(k) for k in own)]


def subclass_problems(middleware: Sequence[object]) -> list[Problem]:
    """One error per middleware subclass whose incumbent-style overrides would never run."""
    found: list[Problem] = []
    # Our own classes, listed as themselves, are no subclass: importing the middleware
    # (and the request path behind it) only to learn that would slow every command.
    others = [entry for entry in middleware if entry not in _OURS]
    if not any(isinstance(entry, str) and not entry.startswith("django.") for entry in others):
        return found
    for dotted, methods in _OURS.items():
        ours = import_string(dotted)
        for entry in others:
            cls = _middleware_class(entry)
            if cls is None or cls is ours or not issubclass(cls, ours):
                continue
            ignored = ignored_overrides(cls, ours, methods)
            if not ignored:
                continue
            listed = ", ".join(f"{name}()" for name in ignored)
            fixes = "; ".join(f"instead of {name}(), {methods[name]}" for name in ignored)
            found.append(
                error(
                    40,
                    f"{entry} overrides {listed} of django-cors-headers' {ours.__name__}, which "
                    f"{dotted} never calls: the override is silently ignored.",
                    f"Remove the override: {fixes}.",
                )
            )
    return found


def check_middleware_subclasses(app_configs: Sequence[Any] | None = None, **kwargs: Any) -> list[CheckMessage]:
    """Report CorsMiddleware subclasses in MIDDLEWARE that override methods we never call."""
    return to_messages(subclass_problems(list(getattr(settings, "MIDDLEWARE", None) or [])))
