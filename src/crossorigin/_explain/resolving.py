"""Which view a path reaches, resolved as a request would be.

The policy a request gets can depend on its view (``@cors_policy``, ``@cors_exempt``),
and an actual request and its preflight do not always reach the same one: the
middleware answers a preflight with the policy of ``path + '/'`` when only that
resolves, while an actual request gets the view of an exact match only. This module
keeps those two answers side by side (``naming.view_name`` names the view).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import ResolverMatch

from crossorigin._config.selection import resolved_match


@dataclass(frozen=True)
class Resolved:
    """The view a path maps to: exactly, or only once APPEND_SLASH adds its slash."""

    match: ResolverMatch | None
    slash_match: ResolverMatch | None

    @property
    def actual(self) -> ResolverMatch | None:
        """The view an actual request reaches (process_view sees only an exact match)."""
        return self.match

    @property
    def preflight(self) -> ResolverMatch | None:
        """The view whose policy a preflight gets (the middleware also tries path + '/')."""
        return self.match or self.slash_match


def resolve_path(path: str) -> Resolved:
    """Resolve ``path`` as the middleware does (``crossorigin._config.selection``): exactly, then with a slash."""
    match = resolved_match(path, exact=True)
    slash = resolved_match(path + "/", exact=True) if match is None and not path.endswith("/") else None
    return Resolved(match, slash)
