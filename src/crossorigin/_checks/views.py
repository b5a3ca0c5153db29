"""The routes requests can reach, with the view each serves and its CORS overrides.

Found: ROOT_URLCONF and, with django-hosts, each host's URLconf. Not found: a URLconf
that some other middleware sets per request (django-tenants' tenant URLconfs, a
project's own routing); a decorated view routed only from one of those is still
checked, from the registry the decorators fill, under every URL policy.

The checks need to know which policy a request to each route gets, and that depends on
the path (``CORS_URL_POLICIES`` are matched against it). A route is a pattern, not a
path, so each is described by a sample path derived from its patterns (a path the route
serves) and by the literal text every one of its paths starts with.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any, Final

from crossorigin._config.decorators import VIEW_ATTRIBUTE, name_of, view_overrides
from crossorigin._config.registry import ViewOverrides, registered_views
from crossorigin._core.regex_lint import literal_prefix, sample_text


@dataclass(frozen=True)
class Route:
    """One URL pattern: how it is written, the paths it serves, and its view."""

    route: str  # "/api/<int:pk>/", each level's pattern as written, joined
    sample_path: str | None  # a path this route serves, or None when none could be derived
    prefix: str  # the literal text every path of the route starts with ("/api/")
    literal: bool  # True when the route serves exactly one path (``prefix``)
    view: Any
    overrides: ViewOverrides | None
    urlconf: str | None = None  # None: ROOT_URLCONF

    @property
    def view_name(self) -> str:
        """The view's dotted name, for messages."""
        if self.overrides is not None:
            return self.overrides.name
        return name_of(self.view)


def routes() -> Iterator[Route]:
    """Every route of every URLconf found, then each decorated view found on none of them."""
    seen: set[ViewOverrides] = set()
    for urlconf in urlconfs():
        try:
            from django.urls import get_resolver

            patterns = list(get_resolver(urlconf).url_patterns)
        except Exception:  # Django's own URL checks report a broken URLconf.
            continue
        for route in _walk(patterns, "/", "/", "/", True):
            if route.overrides is not None:
                seen.add(route.overrides)
            yield _in(route, urlconf)
    for overrides in registered_views():
        if overrides not in seen:
            # Routed by a URLconf the checks cannot find: any path, so every URL policy.
            yield Route(UNROUTED, None, "", False, None, overrides)


# How a decorated view that no URLconf found routes to is named in messages.
UNROUTED: Final = "<a URLconf the checks cannot find>"


def _in(route: Route, urlconf: str | None) -> Route:
    return route if urlconf is None else replace(route, urlconf=urlconf)


def urlconfs() -> list[str | None]:
    """ROOT_URLCONF (None), then each django-hosts host's URLconf when ROOT_HOSTCONF is set."""
    from django.conf import settings

    found: list[str | None] = [None]
    if getattr(settings, "ROOT_HOSTCONF", None):
        try:
            from django_hosts.resolvers import get_host_patterns  # type: ignore[import-untyped,import-not-found,unused-ignore]
        except ImportError:
            return found
        for host in get_host_patterns():
            if host.urlconf not in found and host.urlconf != settings.ROOT_URLCONF:
                found.append(host.urlconf)
    return found


def _walk(entries: list[Any], route: str, sample: str | None, prefix: str, literal: bool) -> Iterator[Route]:
    for entry in entries:
        pattern = getattr(entry, "pattern", None)
        regex = getattr(pattern, "regex", None)
        source = regex.pattern if regex is not None else ""
        flags = regex.flags if regex is not None else 0
        level_sample = sample_text(source, flags)
        level_prefix, level_literal = literal_prefix(source, flags)
        child_route = route + str(pattern or "").removeprefix("^")
        child_sample = None if sample is None or level_sample is None else sample + level_sample
        child_prefix, child_literal = (prefix + level_prefix, level_literal) if literal else (prefix, False)
        children = getattr(entry, "url_patterns", None)
        if children is not None:
            # An include's pattern is a prefix: its paths stay literal if it has no variable part.
            include_literal = literal and level_prefix == source.removeprefix("^")
            yield from _walk(list(children), child_route, child_sample, child_prefix, include_literal)
            continue
        callback = getattr(entry, "callback", None)
        yield Route(child_route, child_sample, child_prefix, child_literal, callback, view_overrides(callback))


def decorated_views() -> Iterator[ViewOverrides]:
    """The overrides of every decorated view: routed from a URLconf found, or registered by the decorators."""
    for route in routes():
        if route.overrides is not None:
            yield route.overrides


def shadowed_action_policies(route: Route) -> list[str]:
    """Viewset methods with their own policy that the router serves from a route shared by several actions.

    The policy of such a method cannot apply: the route (``list`` and ``create`` on one
    path) is chosen before DRF picks the action, so the viewset's policy applies instead.
    """
    actions = getattr(route.view, "actions", None)
    cls = getattr(route.view, "cls", None)
    if not isinstance(actions, dict) or cls is None or len(set(actions.values())) < 2:
        return []
    return sorted(
        {
            name
            for name in actions.values()
            if isinstance(getattr(getattr(cls, name, None), VIEW_ATTRIBUTE, None), ViewOverrides)
        }
    )
