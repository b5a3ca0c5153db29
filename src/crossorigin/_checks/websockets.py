"""Checks of the project's WebSocket routes (``ASGI_APPLICATION``) against the CORS policies.

A browser sends the site's cookies with every WebSocket handshake, so a socket that
authenticates by cookie behind an allow-all policy can be driven by a page on any
site: with credentials allowed, every origin opens it (cross-site WebSocket
hijacking); without, ``CorsOriginValidator`` refuses every other origin, and the
policy says something it does not do. Either way it is reported, whatever
``CORS_ALLOW_CREDENTIALS`` says.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import Any, Final

from django.conf import settings
from django.core.checks import CheckMessage
from django.urls.resolvers import RoutePattern
from django.utils.module_loading import import_string

from crossorigin._config import registry
from crossorigin._core.policy import Policy
from crossorigin._core.problems import Problem, danger, info
from crossorigin._http.websocket import policy_for_socket
from crossorigin.channels import CorsOriginValidator, authenticates_by_cookie, inner_apps, is_cookie_middleware, walk

from .startup import to_messages


def cookie_socket_problem(msg: str, hint: str) -> Problem:
    """The cookie-socket finding: a danger, so the level rule (``problems.as_seen``) makes it
    ``crossorigin.E080`` as deployed and ``crossorigin.W180`` under ``DEBUG``."""
    return danger(80, msg, hint)


def cookie_sockets(app: object) -> Iterator[CorsOriginValidator]:
    """Each ``CorsOriginValidator`` in ``app`` whose socket authenticates by cookie.

    Channels' cookie, session or auth middleware may sit inside the validator or
    around it: either way the handshake's cookies authenticate the socket.
    """
    for found, above in walk(app):
        if isinstance(found, CorsOriginValidator) and (
            found.credentials or authenticates_by_cookie(found) or any(is_cookie_middleware(a) for a in above)
        ):
            yield found


# A path converter in a path() route, e.g. <int:pk> or <room>.
_CONVERTER: Final = re.compile(r"<(?:(?P<kind>[^>:]+):)?[^>]+>")
_SAMPLES: Final = {"int": "1", "uuid": "00000000-0000-0000-0000-000000000000"}


def _sample(match: re.Match[str]) -> str:
    return _SAMPLES.get(match["kind"] or "str", "x")


def route_paths(app: object, prefix: str = "/") -> list[str] | None:
    """One path for each route below ``app`` (a sample value for each converter).

    None when a route's paths cannot be written out (a ``re_path`` regex), so the
    caller must assume any path.
    """
    routes = getattr(app, "routes", None)
    if routes is None:
        inner = list(inner_apps(app))
        if not inner:  # a consumer: it serves the path routed to it
            return [prefix]
        found: list[str] = []
        for each in inner:
            paths = route_paths(each, prefix)
            if paths is None:
                return None
            found.extend(paths)
        return found
    found = []
    for route in routes:
        pattern = getattr(route, "pattern", None)
        if not isinstance(pattern, RoutePattern):
            return None
        paths = route_paths(getattr(route, "callback", None), prefix + _CONVERTER.sub(_sample, str(pattern)))
        if paths is None:
            return None
        found.extend(paths)
    return found


def allow_all_policies(paths: list[str] | None) -> list[Policy]:
    """The policies that allow every origin and cover one of ``paths`` (None: any path)."""
    policies = registry.current()
    if paths is None:
        found = [policies.global_policy] + [policy for _pattern, policy, _overrides in policies.url_policies]
    else:
        found = [policy for policy, enabled in map(policy_for_socket, paths) if enabled]
    unique = {id(policy): policy for policy in found}
    return [policy for policy in unique.values() if policy.options.allow_all_origins]


def websocket_problems(application_path: str | None) -> list[Problem]:
    """What is dangerous about the WebSocket routes of the ASGI application at ``application_path``."""
    if not application_path:
        return []
    try:
        app = import_string(application_path)
    except Exception as exc:  # any failure: say so rather than guess
        return [
            info(
                80,
                f"ASGI_APPLICATION {application_path!r} cannot be imported at check time ({type(exc).__name__}: {exc}), "
                "so its WebSocket routes were not checked against the CORS policies.",
                "Run the checks where the ASGI application imports (its dependencies installed), e.g. in CI.",
            )
        ]
    dangerous: dict[int, Policy] = {}
    for validator in cookie_sockets(app):
        for policy in allow_all_policies(route_paths(validator.application)):
            dangerous[id(policy)] = policy
    return [
        cookie_socket_problem(
            f"A WebSocket route that authenticates by cookie sits behind the allow-all policy {policy.name!r}: "
            "a browser sends the site's cookies with every handshake, so a page on any site could drive a "
            "logged-in user's socket (with CORS_ALLOW_CREDENTIALS) or no other origin can open it (without).",
            "List the front ends' origins (CORS_ALLOWED_ORIGINS) instead of allowing all, or give the WebSocket "
            "paths a URL policy of their own (CORS_URL_POLICIES) that lists them.",
        )
        for policy in dangerous.values()
    ]


def check_websockets(app_configs: Sequence[Any] | None = None, **kwargs: Any) -> list[CheckMessage]:
    """Report WebSocket routes that authenticate by cookie behind an allow-all policy."""
    return to_messages(websocket_problems(getattr(settings, "ASGI_APPLICATION", None)))
