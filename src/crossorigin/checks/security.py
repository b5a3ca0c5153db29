"""Security checks on the compiled policies (misconfiguration classes B1-B17).

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

import ipaddress
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from crossorigin.checks import public_suffix, regex_lint, regex_probes
from crossorigin.checks.site import cookie_problems, csrf_problems, path_regex_problems, settings_module_problems
from crossorigin.checks.views import Route, routes, shadowed_action_policies
from crossorigin.fetch import FORBIDDEN_METHODS, FORBIDDEN_RESPONSE_HEADERS, is_forbidden_request_header
from crossorigin.linear_regex import NeverMatches
from crossorigin.options import PolicyOptions
from crossorigin.origins import FILE_ORIGIN, NULL_ORIGIN, split_request_origin
from crossorigin.problems import Problem, error, info, warning
from crossorigin.registry import PolicySet
from crossorigin.selection import laid_over, select_policy

LOOPBACK_NAMES: Final = frozenset({"localhost"})

# The global setting behind each policy key, for messages.
GLOBAL_NAMES: Final = {
    "allowed_origins": "CORS_ALLOWED_ORIGINS",
    "allowed_origin_regexes": "CORS_ALLOWED_ORIGIN_REGEXES",
    "allow_all_origins": "CORS_ALLOW_ALL_ORIGINS",
    "allow_credentials": "CORS_ALLOW_CREDENTIALS",
    "allow_methods": "CORS_ALLOW_METHODS",
    "allow_headers": "CORS_ALLOW_HEADERS",
    "expose_headers": "CORS_EXPOSE_HEADERS",
    "preflight_max_age": "CORS_PREFLIGHT_MAX_AGE",
    "allow_private_network": "CORS_ALLOW_PRIVATE_NETWORK",
}


@dataclass(frozen=True)
class Scope:
    """Where a policy comes from, so a message can name the exact setting."""

    kind: str  # "global", "url" or "route"
    label: str  # "CORS_URL_POLICIES[0] ('^/api/')" or "route '/api/<pk>/' served by app.views.v"
    overrides: Mapping[str, object]
    setting: str = ""  # "CORS_URL_POLICIES[0]" for a URL policy, the view's name for a route
    # For a route: the URL policy the view's overrides are laid over, if any.
    base_overrides: Mapping[str, object] = field(default_factory=dict)
    base_setting: str = ""

    def name(self, key: str) -> str:
        """The setting (or override) that gave ``key`` its value in this policy."""
        if self.kind == "global":
            return GLOBAL_NAMES[key]
        if key in self.overrides:
            if self.kind == "url":
                return f"{self.setting}[{key!r}]"
            return f"@cors_policy({key}=...) on {self.setting}"
        if key in self.base_overrides:
            return f"{self.base_setting}[{key!r}]"
        return GLOBAL_NAMES[key]


GLOBAL_SCOPE: Final = Scope("global", "the CORS settings", {})


@dataclass(frozen=True)
class Finding:
    """A problem plus what it is about, so a derived policy can skip what the global one reported."""

    key: tuple[object, ...]
    problem: Problem


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

    The options come from ``crossorigin.selection``, the code the middleware runs.
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


# -- one policy ----------------------------------------------------------------------


def policy_findings(options: PolicyOptions, scope: Scope) -> Iterator[Finding]:
    """Everything risky in one policy's options, each finding once."""
    seen: set[tuple[object, ...]] = set()
    for check in _POLICY_CHECKS:
        for found in check(options, scope):
            if found.key not in seen:
                seen.add(found.key)
                yield found


def _where(scope: Scope, *keys: str) -> str:
    """' (in CORS_URL_POLICIES[0] ...)' unless the message already names the policy through an override.

    A route's findings always name the route and its view.
    """
    if scope.kind == "route":
        return f" (for requests to {scope.label})"
    if scope.kind == "global" or any(key in scope.overrides for key in keys):
        return ""
    return f" (in {scope.label})"


def check_allow_all_with_credentials(options: PolicyOptions, scope: Scope) -> Iterator[Finding]:
    """B1: every origin may read credentialed responses."""
    if options.allow_all_origins and options.allow_credentials:
        yield Finding(
            ("E020",),
            error(
                20,
                f"{scope.name('allow_all_origins')} and {scope.name('allow_credentials')} are both on{_where(scope, 'allow_all_origins', 'allow_credentials')}: "
                "every website can read your users' logged-in responses (the Origin is reflected with credentials).",
                "List the trusted origins in CORS_ALLOWED_ORIGINS instead of allowing all, or turn credentials off.",
            ),
        )


def check_star_origin(options: PolicyOptions, scope: Scope) -> Iterator[Finding]:
    """B9: a literal '*' among the origins together with credentials."""
    if options.allow_credentials and "*" in options.origin_sources:
        yield Finding(
            ("E021",),
            error(
                21,
                f"{scope.name('allowed_origins')} contains '*' while {scope.name('allow_credentials')} is on{_where(scope, 'allowed_origins', 'allow_credentials')}; "
                "browsers never accept '*' with credentials, and it does not mean 'every origin'.",
                "Remove '*' and list the trusted origins; never combine a wildcard origin with credentials.",
            ),
        )


def check_star_lists(options: PolicyOptions, scope: Scope) -> Iterator[Finding]:
    """B10: '*' in the allowed methods/headers or exposed headers is a literal name with credentials."""
    if not options.allow_credentials:
        if "*" in options.allow_headers and "authorization" not in {h.lower() for h in options.allow_headers}:
            yield Finding(
                ("I022",),
                info(
                    22,
                    f"{scope.name('allow_headers')} contains '*', which never covers Authorization{_where(scope, 'allow_headers')}.",
                    "Add 'authorization' to the list if your front end sends it.",
                ),
            )
        return
    for key, code in (("allow_headers", 22), ("allow_methods", 22), ("expose_headers", 23)):
        values: tuple[str, ...] = getattr(options, key)
        if "*" in values:
            yield Finding(
                (f"E0{code}", key),
                error(
                    code,
                    f"{scope.name(key)} contains '*' while {scope.name('allow_credentials')} is on{_where(scope, key, 'allow_credentials')}; "
                    "with credentials browsers read '*' as a header or method literally named '*', so it allows nothing.",
                    f"Replace '*' in {scope.name(key)} with the names you need.",
                ),
            )


def check_special_origins(options: PolicyOptions, scope: Scope) -> Iterator[Finding]:
    """B2: 'null' (any sandboxed iframe, data: URL or file sends it) and 'file://'."""
    sources = {o.scheme for o in options.allowed_origins if o.special}
    if NULL_ORIGIN in sources and options.allow_credentials:
        yield Finding(
            ("E024",),
            error(
                24,
                f"{scope.name('allowed_origins')} allows the 'null' origin while {scope.name('allow_credentials')} "
                f"is on{_where(scope, 'allowed_origins', 'allow_credentials')}: any sandboxed iframe or data: document, on any site, sends 'null' and could "
                "read your users' logged-in responses.",
                "Remove 'null' from the allowed origins; serve the calling page from a real origin and list that.",
            ),
        )
    elif NULL_ORIGIN in sources:
        yield Finding(
            ("W020", NULL_ORIGIN),
            warning(
                20,
                f"{scope.name('allowed_origins')} allows the 'null' origin{_where(scope, 'allowed_origins')}: "
                "any sandboxed iframe or data: document on any website sends 'null'.",
                "Remove 'null' unless every response on these URLs is public.",
            ),
        )
    if FILE_ORIGIN in sources:
        yield Finding(
            ("W020", FILE_ORIGIN),
            warning(
                20,
                f"{scope.name('allowed_origins')} allows 'file://'{_where(scope, 'allowed_origins')}: any local HTML file "
                "(a downloaded attachment, for one) gets that origin.",
                "Remove 'file://' unless every response on these URLs is public.",
            ),
        )


def check_regexes(options: PolicyOptions, scope: Scope) -> Iterator[Finding]:
    """B3, B4, B5 and B6 in origin regexes."""
    name = scope.name("allowed_origin_regexes")
    for pattern in options.allowed_origin_regexes:
        source = pattern.pattern
        if not regex_lint.is_anchored_at_end(pattern):
            yield Finding(
                ("W021", source),
                warning(
                    21,
                    f"Origin regex {source!r} in {name} is not anchored at the end{_where(scope, 'allowed_origin_regexes')}. "
                    "django-cors-headers matched it as a prefix (re.match), so it also accepted any origin that "
                    "merely starts with a match, such as '<match>.evil.example'; crossorigin matches the whole "
                    "origin (fullmatch) and no longer does.",
                    f"End the pattern with '$' to make the intent explicit: {_raw(regex_lint.with_end_anchor(source))}. "
                    "If you relied on prefix matching (a port, for one), write it out: "
                    f"{_raw(regex_lint.with_end_anchor(source, '(:[0-9]+)?'))}.",
                ),
            )
        dots = regex_lint.unescaped_host_dots(source)
        if dots:
            yield Finding(
                ("W022", source),
                warning(
                    22,
                    f"Origin regex {source!r} in {name} has {dots} unescaped '.' in its host part{_where(scope, 'allowed_origin_regexes')}; "
                    r"a bare '.' matches any character, so r'^https://api.example\.com$' also accepts "
                    "'https://apixexample.com'.",
                    r"Escape the dots: 'api\.example\.com'.",
                ),
            )
        glued = regex_lint.glued_wildcard(source)
        if glued:
            yield Finding(
                ("W023", source),
                warning(
                    23,
                    f"Origin regex {source!r} in {name} lets a repeat run straight into a name ({glued!r})"
                    f"{_where(scope, 'allowed_origin_regexes')}, so another owner's host that merely ends in that name matches too "
                    r"('https://.*example\.com' accepts 'https://evilexample.com').",
                    r"Require a dot before the domain: r'^https://([a-z0-9-]+\.)*example\.com$'.",
                ),
            )
        if options.allow_credentials and regex_lint.admits_http(source) and not regex_lint.has_loopback_host(source):
            yield Finding(
                ("W024", source),
                warning(
                    24,
                    f"Origin regex {source!r} in {name} accepts http:// origins while {scope.name('allow_credentials')} "
                    f"is on{_where(scope, 'allowed_origin_regexes', 'allow_credentials')}; anyone on the network path can impersonate a plain-HTTP origin.",
                    "Match https:// only (drop 'https?'), or turn credentials off.",
                ),
            )


def _closed_end(source: str, suffix: str = "") -> str:
    """The pattern with its open end (``.*$``, ``.+``) replaced by ``$``: the user's own regex, corrected."""
    body = source.removesuffix("$")
    while body.endswith((".*", ".+")):
        body = body[:-2]
    return regex_lint.with_end_anchor(body, suffix)


def _raw(pattern: str) -> str:
    """A regex as it is written in settings: r'...' (repr would double every backslash)."""
    return f"r'{pattern}'" if "'" not in pattern and not pattern.endswith("\\") else repr(pattern)


def check_regex_behaviour(options: PolicyOptions, scope: Scope) -> Iterator[Finding]:
    """B1-B7 in origin regexes, found by running probe origins through the compiled matcher.

    Reported with the ids of the same mistakes in the settings' text checks; a finding
    the text checks already made for the pattern is not repeated (same key).
    """
    name = scope.name("allowed_origin_regexes")
    credentials = options.allow_credentials
    where = _where(scope, "allowed_origin_regexes")
    where_credentials = _where(scope, "allowed_origin_regexes", "allow_credentials")
    for pattern in options.allowed_origin_regexes:
        source = pattern.pattern
        found = regex_probes.probe(pattern)
        if found.unrelated and credentials:
            yield Finding(
                ("E020", source),
                error(
                    20,
                    f"Origin regex {source!r} in {name} accepts {found.unrelated!r}, an unrelated site, while "
                    f"{scope.name('allow_credentials')} is on{where_credentials}: it is as good as allowing every "
                    "origin with credentials, so every website can read your users' logged-in responses.",
                    r"Match your own hosts only, e.g. r'^https://([a-z0-9-]+\.)*example\.com$', or turn credentials off.",
                ),
            )
        if found.null:
            if credentials:
                yield Finding(
                    ("E024", source),
                    error(
                        24,
                        f"Origin regex {source!r} in {name} accepts the 'null' origin while "
                        f"{scope.name('allow_credentials')} is on{where_credentials}: any sandboxed iframe or data: "
                        "document, on any site, sends 'null' and could read your users' logged-in responses.",
                        "Take 'null' out of the pattern; serve the calling page from a real origin and match that.",
                    ),
                )
            else:
                yield Finding(
                    ("W020", NULL_ORIGIN, source),
                    warning(
                        20,
                        f"Origin regex {source!r} in {name} accepts the 'null' origin{where}: any sandboxed iframe "
                        "or data: document on any website sends 'null'.",
                        "Take 'null' out of the pattern unless every response on these URLs is public.",
                    ),
                )
        if found.attacker_suffix:
            yield Finding(
                ("W021", source),
                warning(
                    21,
                    f"Origin regex {source!r} in {name} accepts {found.attacker_suffix!r}{where}: after your host "
                    "it lets anything follow, so anyone's domain that merely starts with your host name matches.",
                    "End the host with '$' (or an explicit port) instead of letting anything follow it: "
                    f"{_raw(_closed_end(source))}, or {_raw(_closed_end(source, '(:[0-9]+)?'))}.",
                ),
            )
        if found.any_character_dot:
            yield Finding(
                ("W022", source),
                warning(
                    22,
                    f"Origin regex {source!r} in {name} accepts {found.any_character_dot!r}{where}: "
                    "a bare '.' in the host matches any character.",
                    r"Escape the dots: 'api\.example\.com'.",
                ),
            )
        if found.glued_name:
            yield Finding(
                ("W023", source),
                warning(
                    23,
                    f"Origin regex {source!r} in {name} accepts {found.glued_name!r}{where}, another owner's "
                    "host that merely ends in your domain's name.",
                    r"Require a dot before the domain: r'^https://([a-z0-9-]+\.)*example\.com$'.",
                ),
            )
        if found.plain_http and credentials and not _is_loopback(_host_of(found.plain_http)):
            yield Finding(
                ("W024", source),
                warning(
                    24,
                    f"Origin regex {source!r} in {name} accepts {found.plain_http!r} while "
                    f"{scope.name('allow_credentials')} is on{where_credentials}; anyone on the network path can "
                    "impersonate a plain-HTTP origin.",
                    "Match https:// only (drop 'https?'), or turn credentials off.",
                ),
            )
        if found.sibling_site:
            yield Finding(
                ("W025", source),
                warning(
                    25,
                    f"Origin regex {source!r} in {name} accepts {found.sibling_site!r}{where}: it matches every "
                    "site under a public suffix, where anyone can register a name.",
                    r"Match your own sites one by one (r'^https://yourname\.github\.io$'), not the whole suffix.",
                ),
            )


def _host_of(origin: str) -> str:
    parts = split_request_origin(origin)
    return parts[1] if parts else ""


def _is_loopback(host: str) -> bool:
    if host in LOOPBACK_NAMES or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_plain_http(options: PolicyOptions, scope: Scope) -> Iterator[Finding]:
    """B6: http:// origins trusted with credentials, loopback excepted."""
    if not options.allow_credentials:
        return
    for origin in options.allowed_origins:
        if origin.special or origin.scheme != "http" or _is_loopback(origin.host):
            continue
        text = origin.serialize()
        yield Finding(
            ("W024", text),
            warning(
                24,
                f"{scope.name('allowed_origins')} trusts {text!r} over plain HTTP while "
                f"{scope.name('allow_credentials')} is on{_where(scope, 'allowed_origins', 'allow_credentials')}; anyone on the network path can "
                "impersonate it and read your users' logged-in responses.",
                f"Serve that site over HTTPS and list {'https' + text[len(origin.scheme) :]!r} instead.",
            ),
        )


def check_public_suffix(options: PolicyOptions, scope: Scope) -> Iterator[Finding]:
    """B7: a wildcard over a public suffix (``*.github.io``, ``*.co.uk``): sites of many owners."""
    for origin in options.allowed_origins:
        if not origin.subdomains or _is_loopback(origin.host):
            continue
        single_label = "." not in origin.host
        if single_label or public_suffix.is_public_suffix(origin.host):
            text = origin.serialize()
            what = (
                "a whole top-level name: every site under it, of any owner, matches"
                if single_label
                else "a public suffix: anyone can register a site under it"
            )
            yield Finding(
                ("W025", text),
                warning(
                    25,
                    f"{scope.name('allowed_origins')} has {text!r}{_where(scope, 'allowed_origins')}, but {origin.host!r} is {what}.",
                    f"List your own sites under {origin.host!r} one by one (e.g. "
                    f"'{origin.scheme}://yourname.{origin.host}').",
                ),
            )


def check_forbidden_names(options: PolicyOptions, scope: Scope) -> Iterator[Finding]:
    """Header names and methods browsers never let a script send, or never expose."""
    headers = tuple(h for h in options.allow_headers if is_forbidden_request_header(h))
    if headers:
        yield Finding(
            ("W026", headers),
            warning(
                26,
                f"{scope.name('allow_headers')} lists {', '.join(headers)}{_where(scope, 'allow_headers')}; browsers never let a "
                "script send these (Fetch's forbidden request headers), so listing them allows nothing.",
                "Remove them. Cookies travel with credentials (CORS_ALLOW_CREDENTIALS), not as an allowed header.",
            ),
        )
    methods = tuple(m for m in options.allow_methods if m.upper() in FORBIDDEN_METHODS)
    if methods:
        yield Finding(
            ("W027", methods),
            warning(
                27,
                f"{scope.name('allow_methods')} lists {', '.join(methods)}{_where(scope, 'allow_methods')}; browsers never let a "
                "script use these methods.",
                "Remove them.",
            ),
        )
    exposed = tuple(h for h in options.expose_headers if h.lower() in FORBIDDEN_RESPONSE_HEADERS)
    if exposed:
        yield Finding(
            ("W030", exposed),
            warning(
                30,
                f"{scope.name('expose_headers')} lists {', '.join(exposed)}{_where(scope, 'expose_headers')}; browsers never expose "
                "Set-Cookie to a script.",
                "Remove it; return what the script needs in the body or another header.",
            ),
        )


_POLICY_CHECKS: Final[tuple[Callable[[PolicyOptions, Scope], Iterator[Finding]], ...]] = (
    check_allow_all_with_credentials,
    check_star_origin,
    check_star_lists,
    check_special_origins,
    check_regexes,
    check_regex_behaviour,
    check_plain_http,
    check_public_suffix,
    check_forbidden_names,
)
