"""The views reachable from ROOT_URLCONF that carry a per-view CORS policy."""

from __future__ import annotations

from collections.abc import Iterator

from crossorigin.decorators import view_overrides
from crossorigin.registry import ViewOverrides


def decorated_views() -> Iterator[ViewOverrides]:
    """The overrides of every decorated view reachable from ROOT_URLCONF."""
    try:
        from django.urls import get_resolver

        patterns = list(get_resolver().url_patterns)
    except Exception:  # Django's own URL checks report a broken URLconf.
        return
    stack = patterns
    while stack:
        entry = stack.pop()
        children = getattr(entry, "url_patterns", None)
        if children is not None:
            stack.extend(children)
            continue
        overrides = view_overrides(getattr(entry, "callback", None))
        if overrides is not None:
            yield overrides
