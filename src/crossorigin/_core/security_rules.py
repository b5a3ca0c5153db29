"""The security rules for one compiled policy: the misconfiguration classes B1-B17.

Plain functions of a policy's options (``policy_findings``) with no Django request and no
system-check machinery, so both the start-up checks (``crossorigin._checks.security``,
which also walks the site's routes) and fail-closed (``crossorigin._config.fail_closed``, which
closes a policy whose finding is an Error) ask the same rules, and the request path never
imports the checks.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Final

from crossorigin._core import public_suffix, regex_lint, regex_probes
from crossorigin._core.fetch import FORBIDDEN_METHODS, FORBIDDEN_RESPONSE_HEADERS, is_forbidden_request_header
from crossorigin._core.options import PolicyOptions
from crossorigin._core.origins import ANY_PORT, FILE_ORIGIN, NULL_ORIGIN, split_request_origin
from crossorigin._core.problems import Problem, danger, info, warning

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
            danger(
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
            ("W051",),
            warning(
                51,
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
    # Useless rather than dangerous: a Warning (W052 and W053 were E022 and E023).
    for key, code in (("allow_headers", 52), ("allow_methods", 52), ("expose_headers", 53)):
        values: tuple[str, ...] = getattr(options, key)
        if "*" in values:
            yield Finding(
                (f"W0{code}", key),
                warning(
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
            danger(
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
    """I054: an origin regex not anchored at the end, a note for projects coming from ``re.match``.

    Every other regex mistake is found by what the pattern accepts (``check_regex_behaviour``):
    measured on 128 patterns from the tests and docs, the text rules that used to look for
    unescaped dots, glued names and ``http`` schemes found nothing the probes missed.
    """
    name = scope.name("allowed_origin_regexes")
    for pattern in options.allowed_origin_regexes:
        source = pattern.pattern
        if not regex_lint.is_anchored_at_end(pattern):
            yield Finding(
                ("I054", source),
                info(
                    54,
                    f"Origin regex {source!r} in {name} is not anchored at the end{_where(scope, 'allowed_origin_regexes')}. "
                    "django-cors-headers matched it as a prefix (re.match), so it also accepted any origin that "
                    "merely starts with a match, such as '<match>.evil.example'; crossorigin matches the whole "
                    "origin (fullmatch) and no longer does.",
                    f"End the pattern with '$' to make the intent explicit: {_raw(regex_lint.with_end_anchor(source))}. "
                    "If you relied on prefix matching (a port, for one), write it out: "
                    f"{_raw(regex_lint.with_end_anchor(source, '(:[0-9]+)?'))}.",
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
                danger(
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
                    danger(
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
        if found.file:
            yield Finding(
                ("W020", FILE_ORIGIN, source),
                warning(
                    20,
                    f"Origin regex {source!r} in {name} accepts 'file://'{where}: any local HTML file "
                    "(a downloaded attachment, for one) gets that origin.",
                    "Take 'file://' out of the pattern unless every response on these URLs is public.",
                ),
            )
        # A mistake that lets another owner's site in: with credentials it reads logged-in
        # responses (a danger, an Error), without them it changes what the pattern means.
        mistakes = (
            (
                found.attacker_suffix,
                21,
                55,
                "after your host it lets anything follow, so anyone's domain that merely starts with your host "
                "name matches",
                "End the host with '$' (or an explicit port) instead of letting anything follow it: "
                f"{_raw(_closed_end(source))}, or {_raw(_closed_end(source, '(:[0-9]+)?'))}.",
            ),
            (
                found.any_character_dot,
                22,
                56,
                "a bare '.' in the host matches any character",
                r"Escape the dots: 'api\.example\.com'.",
            ),
            (
                found.glued_name,
                23,
                57,
                "another owner's host that merely ends in your domain's name",
                r"Require a dot before the domain: r'^https://([a-z0-9-]+\.)*example\.com$'.",
            ),
            (
                found.sibling_site,
                25,
                58,
                "it matches every site under a public suffix, where anyone can register a name",
                r"Match your own sites one by one (r'^https://yourname\.github\.io$'), not the whole suffix.",
            ),
            (
                found.other_tld,
                63,
                64,
                "it matches your name under any top-level domain, and anyone can register it under another one",
                r"List the top-level domains you own: r'^https://app\.mycompany\.(com|net)$'.",
            ),
        )
        for accepted, warn_code, danger_code, why, fix in mistakes:
            if not accepted:
                continue
            if credentials:
                message = (
                    f"Origin regex {source!r} in {name} accepts {accepted!r} while "
                    f"{scope.name('allow_credentials')} is on{where_credentials}: {why}, and that site could read "
                    "your users' logged-in responses."
                )
                yield Finding((f"W{warn_code:03}", source), danger(danger_code, message, fix))
            else:
                message = f"Origin regex {source!r} in {name} accepts {accepted!r}{where}: {why}."
                yield Finding((f"W{warn_code:03}", source), warning(warn_code, message, fix))
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
        if single_label:
            what = "a whole top-level name: every site under it, of any owner, matches"
        elif public_suffix.is_public_suffix(origin.host):
            what = "a public suffix: anyone can register a site under it"
        elif public_suffix.is_user_content_host(origin.host):
            what = "a host where anyone can publish a site under it (a tunnel, sandbox or hosting service)"
        else:
            continue
        text = origin.serialize()
        fix = f"List your own sites under {origin.host!r} one by one (e.g. '{origin.scheme}://yourname.{origin.host}')."
        where = _where(scope, "allowed_origins", *(("allow_credentials",) if options.allow_credentials else ()))
        message = f"{scope.name('allowed_origins')} has {text!r}{where}, but {origin.host!r} is {what}"
        if options.allow_credentials:
            message += f"; with {scope.name('allow_credentials')} on, any of those sites can read your users' logged-in responses."
            yield Finding(("W025", text), danger(58, message, fix))
        else:
            yield Finding(("W025", text), warning(25, message + ".", fix))


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


def check_private_network(options: PolicyOptions, scope: Scope) -> Iterator[Finding]:
    """Every origin allowed into the private network: any website can reach the server from a visitor's LAN."""
    if options.allow_all_origins and options.allow_private_network:
        yield Finding(
            ("E060",),
            danger(
                60,
                f"{scope.name('allow_all_origins')} and {scope.name('allow_private_network')} are both on"
                f"{_where(scope, 'allow_all_origins', 'allow_private_network')}: every website a visitor opens can "
                "call this server from inside their private network and read the answers.",
                "List the public origins that may reach the private network in CORS_ALLOWED_ORIGINS instead of "
                "allowing all, or turn CORS_ALLOW_PRIVATE_NETWORK off.",
            ),
        )


def check_loopback_any_port(options: PolicyOptions, scope: Scope) -> Iterator[Finding]:
    """Loopback on any port with credentials: any program on a visitor's machine that serves a page."""
    if not options.allow_credentials:
        return
    for origin in options.allowed_origins:
        if origin.special or origin.port != ANY_PORT or not _is_loopback(origin.host):
            continue
        text = origin.serialize()
        yield Finding(
            ("E062", text),
            danger(
                62,
                f"{scope.name('allowed_origins')} has {text!r} while {scope.name('allow_credentials')} is on"
                f"{_where(scope, 'allowed_origins', 'allow_credentials')}: any program on a visitor's machine that "
                "serves a page on any port (another app's local server, a browser extension's helper) can read "
                "their logged-in responses.",
                "Allow loopback origins only in development settings (for example "
                f"CORS_ALLOWED_ORIGINS += [{text!r}] under 'if DEBUG:'), or name the one port your dev server uses.",
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
    check_private_network,
    check_loopback_any_port,
)
