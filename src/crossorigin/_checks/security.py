"""Security checks on the compiled policies (misconfiguration classes B1-B17).

The rules for one policy live in ``crossorigin._core.security_rules`` (fail-closed asks them
too); this module finds every policy the site can serve and asks them of each.
Every policy is checked: the global settings, each ``CORS_URL_POLICIES`` entry and
each ``@cors_policy`` view (laid over the global settings). A URL or view policy
reports only what it adds to the global policy's findings, so one mistake in the
global settings is reported once. Messages name the setting the value comes from.

Errors here describe configurations that expose credentialed data to other origins.
They are reported, not acted upon: the compiled policy behaves as django-cors-headers
did with the same settings, so a project that silences an error through Django's
``SILENCED_SYSTEM_CHECKS`` keeps the incumbent's behaviour. The ids are stable and
documented in docs/security.md.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, Final

from crossorigin._checks.site import cookie_problems, csrf_problems, path_regex_problems, settings_module_problems
from crossorigin._checks.views import Route, routes, shadowed_action_policies
from crossorigin._config.registry import PolicySet
from crossorigin._config.selection import laid_over, select_policy
from crossorigin._core import regex_lint
from crossorigin._core.linear_regex import NeverMatches
from crossorigin._core.options import PolicyOptions
from crossorigin._core.problems import Problem, warning
from crossorigin._core.security_rules import GLOBAL_SCOPE, Scope, policy_findings


def security_problems(policies: PolicySet, django_settings: Any) -> list[Problem]:
    """Every security risk found in the policies, as each route of the site gets them."""
    problems: list[Problem] = []
    global_findings = list(policy_findings(policies.settings.options, GLOBAL_SCOPE))
    problems.extend(f.problem for f in global_findings)
    global_keys = {f.key for f in global_findings}
    reported = set(global_keys)
    all_options = [policies.settings.options]
    # What each URL policy is already reported for (with the global findings it inherits).
    url_keys: list[set[tuple[object, ...]]] = []
    for index, (pattern, policy, overrides) in enumerate(policies.url_policies):
        label = f"CORS_URL_POLICIES[{index}]"
        scope = Scope("url", f"{label} ({pattern.pattern!r})", overrides, label)
        all_options.append(policy.options)
        findings = list(policy_findings(policy.options, scope))
        url_keys.append(global_keys | {f.key for f in findings})
        for found in findings:
            if found.key not in reported:
                reported.add(found.key)
                problems.append(found.problem)
        problems.extend(useless_narrowing(overrides, policies.settings.options, label, "CORS_ALLOW_ALL_ORIGINS"))
    seen: set[tuple[object, ...]] = set()
    for route, index, options in effective_route_policies(policies):
        all_options.append(options)
        scope = route_scope(policies, route, index)
        base_keys = global_keys if index < 0 else url_keys[index]
        for found in policy_findings(options, scope):
            # A route reports what the view adds to the policy it is laid over, once per view and base.
            once = (route.overrides, index, found.key)
            if found.key not in base_keys and once not in seen:
                seen.add(once)
                problems.append(found.problem)
        assert route.overrides is not None
        base = policies.settings.options if index < 0 else policies.url_policies[index][1].options
        base_name = "CORS_ALLOW_ALL_ORIGINS" if index < 0 else f"CORS_URL_POLICIES[{index}]"
        once = (route.overrides, index, ("W041",))
        if once not in seen:
            found_narrowing = useless_narrowing(route.overrides.as_dict(), base, scope.label, base_name)
            if found_narrowing:
                seen.add(once)
                problems.extend(found_narrowing)
    problems.extend(shadowed_action_problems())
    problems.extend(cookie_problems(all_options, django_settings))
    problems.extend(csrf_problems(policies, all_options, django_settings))
    problems.extend(settings_module_problems(django_settings))
    problems.extend(path_regex_problems(policies))
    return problems


def effective_route_policies(policies: PolicySet) -> Iterator[tuple[Route, int, PolicyOptions]]:
    """Each decorated route with each URL policy (index, -1 for none) a request to it can get, merged.

    The options come from ``crossorigin._config.selection``, the code the middleware runs.
    """
    for route in routes():
        view = route.overrides
        if view is None or view.exempt:
            continue
        for index in url_policy_indexes(policies, route):
            yield route, index, laid_over(policies, index, view).policy.options


def url_policy_indexes(policies: PolicySet, route: Route) -> list[int]:
    """The URL policies (-1: none, the global settings) that some request to ``route`` can get.

    A route that serves one path gets exactly what the middleware picks for it. For a
    route with variable parts this errs on the side of reporting: its sample path's
    pick, every URL policy whose fixed start could overlap the route's paths, and the
    global settings unless an earlier URL policy covers every path of the route.
    """
    sample = route.sample_path
    picked = None if sample is None else select_policy(policies, sample, urlconf=route.urlconf, view=None).url_index
    if route.literal and picked is not None:
        return [picked]
    found = [] if picked is None else [picked]
    for index, (pattern, _policy, _overrides) in enumerate(policies.url_policies):
        if isinstance(pattern, NeverMatches):
            continue  # it matches nothing at run time
        start, _whole = regex_lint.literal_prefix(pattern.pattern, pattern.flags)
        if not (start.startswith(route.prefix) or route.prefix.startswith(start)):
            continue
        if index not in found:
            found.append(index)
        if route.prefix.startswith(start) and start == pattern.pattern.removeprefix("^"):
            return found  # a plain prefix every path of the route starts with: nothing after it applies
    if -1 not in found:
        found.append(-1)
    return found


def route_scope(policies: PolicySet, route: Route, index: int) -> Scope:
    """How messages name a route's effective policy: the route, the view and what it is laid over."""
    assert route.overrides is not None
    label = f"route {route.route!r} served by {route.view_name}"
    if index < 0:
        return Scope("route", label, route.overrides.as_dict(), route.overrides.name)
    setting = f"CORS_URL_POLICIES[{index}]"
    return Scope(
        "route",
        f"{label}, under {setting}",
        route.overrides.as_dict(),
        route.overrides.name,
        policies.url_policies[index][2],
        setting,
    )


# -- narrowing that does nothing (item 10) -------------------------------------------------------

_ORIGIN_LISTS: Final = ("allowed_origins", "allowed_origin_regexes")


def useless_narrowing(
    overrides: Mapping[str, object], base: PolicyOptions, where: str, base_name: str
) -> list[Problem]:
    """W041: a URL or view policy that lists origins while the policy under it allows every origin.

    ``allow_all_origins`` wins over any list, so unless the same overrides set it to
    False the listed origins narrow nothing: every origin is still allowed there.
    """
    listed = [key for key in _ORIGIN_LISTS if overrides.get(key)]
    if not listed or "allow_all_origins" in overrides or not base.allow_all_origins:
        return []
    return [
        warning(
            41,
            f"{where} lists {' and '.join(listed)}, but {base_name} allows every origin there and the list does "
            "not turn that off, so every origin is still allowed: the narrowing does nothing.",
            "Add 'allow_all_origins': False next to the list (allow_all_origins=False in @cors_policy).",
        )
    ]


def shadowed_action_problems() -> list[Problem]:
    """W042: @cors_policy / @cors_exempt on viewset actions that a router serves from a shared route."""
    found: list[Problem] = []
    seen: set[tuple[object, ...]] = set()
    for route in routes():
        names = shadowed_action_policies(route)
        key = (getattr(route.view, "cls", None), tuple(names))
        if not names or key in seen:
            continue
        seen.add(key)
        methods = ", ".join(f"{route.view_name}.{name}" for name in names)
        found.append(
            warning(
                42,
                f"@cors_policy/@cors_exempt on {methods} does nothing: the router serves route {route.route!r} "
                f"for several actions ({', '.join(sorted(set(route.view.actions.values())))}), and the policy is "
                "chosen from the route before DRF picks the action, so the viewset's own policy applies.",
                "Decorate the viewset class, or give the action its own route with @action; "
                "a policy on a method applies only to an @action that has a route of its own.",
            )
        )
    return found
