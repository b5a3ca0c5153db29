"""Per-view policies: ``@cors_policy(**overrides)`` and ``@cors_exempt``.

Both work on function views, on class-based views (decorate the class, or its
``dispatch`` with ``method_decorator``) and on Django REST framework views and viewsets
(decorate the class, or an ``@action`` method for that action's own route; with
``@api_view`` put it above or below, where DRF's own decorators go). The overrides use
the keys of ``CORS_URL_POLICIES`` and are laid over the URL policy for the path, then
the global settings. The decorator returns a new view (a wrapper, or a subclass for a
class) that carries the overrides, so the view it was given is never changed; the
middleware reads them from the view Django resolved (or, for a preflight, from
resolving the path itself).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, Final, TypeVar, cast

from asgiref.sync import iscoroutinefunction, markcoroutinefunction
from django.core.exceptions import ImproperlyConfigured

from crossorigin._config.registry import ViewOverrides, freeze, register_view
from crossorigin._core.options import OVERRIDE_KEYS

# The attribute that carries a view's overrides; functools.wraps copies it along.
VIEW_ATTRIBUTE: Final = "cors_policy_overrides"

V = TypeVar("V")

# Set once any view is decorated: until then a preflight never needs URL resolving.
# A dict, so the middleware reads it with no function call on every request.
DECORATED: Final = {"used": False}


def views_are_decorated() -> bool:
    """True once any view carries @cors_policy or @cors_exempt."""
    return DECORATED["used"]


def name_of(view: Any) -> str:
    """A view's dotted name for messages; an ``as_view()`` result is named by its class."""
    view = getattr(view, "view_class", None) or getattr(view, "cls", None) or view
    module = getattr(view, "__module__", "")
    name = getattr(view, "__qualname__", None) or getattr(view, "__name__", None) or repr(view)
    if name == _DRF_WRAPPED or "<locals>" in str(name):
        # DRF's @api_view builds a class named WrappedAPIView and gives it the function's
        # __name__ (not its __qualname__): name it by the function the project wrote.
        name = getattr(view, "__name__", name)
    return f"{module}.{name}" if module else str(name)


def _attach(view: V, overrides: ViewOverrides) -> V:
    """A new view carrying ``overrides``; the view passed in is left as it was.

    A function (or an ``as_view()`` result, or a method) is wrapped as Django's own view
    decorators do, ``functools.wraps`` carrying along what Django and DRF set on it
    (``view_class``, ``cls``, ``actions``, ``csrf_exempt``, an ``@action``'s
    ``mapping``). A class is subclassed under the same name. So decorating a shared
    view for one route in ``urls.py`` leaves every other route that serves it alone.
    """
    wrapped: Any
    if isinstance(view, type):
        wrapped = type(
            view.__name__,
            (view,),
            {VIEW_ATTRIBUTE: overrides, "__module__": view.__module__, "__qualname__": view.__qualname__},
        )
    elif callable(view):
        wrapped = _wrap(view)
        setattr(wrapped, VIEW_ATTRIBUTE, overrides)
    else:
        raise TypeError(f"@cors_policy and @cors_exempt decorate views, not {type(view).__name__} objects.")
    DECORATED["used"] = True
    register_view(overrides)
    return cast("V", wrapped)


def _wrap(view: Callable[..., Any]) -> Callable[..., Any]:
    """A function that calls ``view``, sync or async as the view is, with its metadata."""
    if iscoroutinefunction(view):

        async def async_wrapper(*args: Any, **kwargs: Any) -> Any:
            return await view(*args, **kwargs)

        return markcoroutinefunction(functools.wraps(view)(async_wrapper))

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        return view(*args, **kwargs)

    return functools.wraps(view)(wrapper)


def cors_policy(**overrides: Any) -> Callable[[V], V]:
    """Give a view its own CORS policy, e.g. ``@cors_policy(allow_all_origins=True)``."""
    unknown = sorted(set(overrides) - OVERRIDE_KEYS)
    if unknown:
        raise ImproperlyConfigured(
            f"cors_policy() got unknown key(s) {', '.join(unknown)}; use: {', '.join(sorted(OVERRIDE_KEYS))}."
        )
    items = tuple(sorted((key, freeze(value)) for key, value in overrides.items()))

    def decorate(view: V) -> V:
        return _attach(view, ViewOverrides(items=items, name=name_of(view)))

    return decorate


def cors_exempt(view: V) -> V:
    """Turn CORS off for a view: no CORS headers, and its preflights reach the view."""
    return _attach(view, ViewOverrides(items=(), exempt=True, name=name_of(view)))


def view_overrides(view_func: Any) -> ViewOverrides | None:
    """The overrides recorded on a resolved view function, its class, or its viewset."""
    found = getattr(view_func, VIEW_ATTRIBUTE, None)
    if found is None:
        cls = getattr(view_func, "view_class", None) or getattr(view_func, "cls", None)
        if cls is not None:
            actions = getattr(view_func, "actions", None)
            if isinstance(actions, dict) and actions:
                found = _from_viewset_action(cls, actions)
            if found is None:
                found = getattr(cls, VIEW_ATTRIBUTE, None)
            if found is None and getattr(cls, "__qualname__", None) == _DRF_WRAPPED:
                found = _from_api_view(cls)
    return found if isinstance(found, ViewOverrides) else None


def _from_viewset_action(cls: type, actions: dict[str, str]) -> ViewOverrides | None:
    """The overrides on a DRF viewset action, for a route that serves that action only.

    A router gives each ``@action`` its own route, so a policy on the action's method
    applies there. The standard actions share routes (``list`` and ``create`` on one
    path), so a policy on one of them alone cannot be told apart before the view runs
    and is not used: the viewset's own policy applies.
    """
    names = set(actions.values())
    if len(names) != 1:
        return None
    found = getattr(getattr(cls, names.pop(), None), VIEW_ATTRIBUTE, None)
    return found if isinstance(found, ViewOverrides) else None


# The class name DRF's @api_view gives the APIView it builds around a function.
_DRF_WRAPPED: Final = "WrappedAPIView"


def _from_api_view(cls: type) -> ViewOverrides | bool:
    """Overrides of a function decorated *below* DRF's ``@api_view``.

    DRF users put their per-view decorators under ``@api_view`` (as DRF's own
    ``@permission_classes`` must be), where ours lands on the inner function, which
    the generated class reaches only through its handler methods. It is looked up
    once per class and the answer (False for none) is stored on the class.
    """
    found: ViewOverrides | bool = False
    for name in getattr(cls, "http_method_names", ()):
        for cell in getattr(cls.__dict__.get(name), "__closure__", None) or ():
            try:
                contents = cell.cell_contents
            except ValueError:  # an empty cell
                continue
            inner = getattr(contents, VIEW_ATTRIBUTE, None)
            if isinstance(inner, ViewOverrides):
                found = inner
                break
        if found:
            break
    setattr(cls, VIEW_ATTRIBUTE, found)
    return found
