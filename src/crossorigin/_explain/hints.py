"""Hints for near misses: the likely cause of a refusal, and the setting to change.

A refused request is most often a small slip in the settings: an origin that differs
by scheme, port, trailing slash or case, a regex that matches only part of the origin,
a method or header not listed, credentials not allowed. This module compares the
request with the policy's configuration (taking origins apart leniently, as written in
the settings) and words each slip as a ``Hint`` with a stable code and the fix.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from crossorigin._config.registry import PolicySet, ViewOverrides
from crossorigin._config.selection import select_policy
from crossorigin._core.origins import is_well_formed_request_origin
from crossorigin._core.policy import Policy, Reason
from crossorigin._explain.model import Hint, RequestExplanation
from crossorigin._explain.naming import raw, setting_name
from crossorigin._explain.query import Query


@dataclass(frozen=True)
class LooseOrigin:
    """An origin taken apart leniently, so near misses can be compared part by part."""

    scheme: str
    host: str
    port: int | str | None
    has_path: bool
    raw: str

    @property
    def effective_port(self) -> int | str | None:
        """The port, with the scheme's default filled in."""
        if self.port is not None:
            return self.port
        return {"http": 80, "https": 443, "ws": 80, "wss": 443}.get(self.scheme.lower())


_LOOSE_RE: Final = re.compile(
    r"(?P<scheme>[A-Za-z][A-Za-z0-9+.\-]*)://(?P<host>\[[^\]]*\]|[^:/?#]*)(?::(?P<port>[^/?#]*))?(?P<rest>.*)"
)


def loose_origin(value: str) -> LooseOrigin | None:
    """Scheme, host, port and whether a path follows; None if it has no scheme://host."""
    found = _LOOSE_RE.fullmatch(value.strip())
    if found is None or not found["host"]:
        return None
    port_text = found["port"]
    port: int | str | None = None
    if port_text == "*":
        port = "*"
    elif port_text and port_text.isdigit():
        port = int(port_text)
    return LooseOrigin(found["scheme"], found["host"], port, bool(found["rest"]), value)


def origin_differences(origin: str, candidate: str) -> list[str] | None:
    """How a request origin differs from a configured one, if only by scheme, port, slash or case.

    Returns None when the hosts differ (not a near miss), [] when equal in every part compared.
    """
    got, want = loose_origin(origin), loose_origin(candidate)
    if got is None or want is None:
        return None
    want_host = want.host.lower()
    got_host = got.host.lower()
    if want_host.startswith("*."):
        parent = want_host[2:]
        if got_host != parent and not got_host.endswith("." + parent):
            return None
    elif got_host != want_host:
        return None
    found = []
    scheme_differs = got.scheme.lower() != want.scheme.lower()
    if scheme_differs:
        found.append("scheme")
    # Between http and https the default ports differ too; that is the scheme's doing.
    explicit = got.port is not None or want.port is not None
    if want.port != "*" and got.effective_port != want.effective_port and (explicit or not scheme_differs):
        found.append("port")
    if got.has_path or want.has_path:
        found.append("trailing slash" if got.raw.endswith("/") or candidate.endswith("/") else "path")
    if any(part != part.lower() for part in (got.scheme, got.host, want.scheme, want.host)):
        found.append("case")
    return found


def origin_candidates(policy: Policy) -> list[str]:
    """The origins a policy was configured with: as written, then in normal form."""
    written = list(policy.options.origin_sources)
    normal = [o.serialize() for o in policy.options.allowed_origins]
    return list(dict.fromkeys([*written, *normal]))


_DIFFERENCE_ADVICE: Final = {
    "scheme": "the scheme differs (http and https are different origins)",
    "port": "the port differs (a port is part of the origin; the default port is left out)",
    "trailing slash": "of a trailing slash (an origin has no path: scheme://host[:port])",
    "path": "of a path (an origin has no path: scheme://host[:port])",
    "case": "of letter case (browsers send the scheme and host in lower case)",
}


def near_miss_hints(q: Query, view: ViewOverrides | None, items: Sequence[RequestExplanation]) -> list[Hint]:
    """Hints for what probably went wrong, from the decisions and the policy's configuration."""
    policies, path, origin, method = q.policies, q.path, q.origin, q.method
    policy = select_policy(policies, path, view=view).policy
    hints: list[Hint] = []
    reasons = {item.decision.reason for item in items}
    if Reason.URL_NOT_ENABLED in reasons:
        hints.extend(_url_hints(policies, path))
    if reasons & {Reason.ORIGIN_NOT_ALLOWED, Reason.ORIGIN_INVALID}:
        hints.extend(_origin_hints(policies, path, view, origin, policy))
    for item in items:
        if item.decision.reason is Reason.PREFLIGHT_METHOD_NOT_ALLOWED:
            hints.extend(_method_hints(policies, path, view, method, policy))
        if item.decision.reason is Reason.PREFLIGHT_HEADERS_NOT_ALLOWED:
            hints.extend(_header_hints(policies, path, view, item.decision.refused, policy))
    if q.credentials:
        hints.extend(_credential_hints(policies, path, view, items))
    return hints


def _url_hints(policies: PolicySet, path: str) -> list[Hint]:
    regex = policies.urls_regex
    if regex is None:
        return []
    message = (
        f"The path {path!r} is outside CORS_URLS_REGEX {raw(regex.pattern)}, so CORS is off for it. "
        "Widen CORS_URLS_REGEX or add a CORS_URL_POLICIES entry for it."
    )
    if regex.match(path.lstrip("/")) is not None:
        message += (
            " The regex matches the path without its leading '/': path_info starts with '/', so write it as r'^/...'."
        )
    return [Hint("url-outside-regex", message)]


def _origin_hints(
    policies: PolicySet, path: str, view: ViewOverrides | None, origin: str, policy: Policy
) -> list[Hint]:
    hints: list[Hint] = []
    compiled = {o.serialize() for o in policy.options.allowed_origins}
    for candidate in origin_candidates(policy):
        differences = origin_differences(origin, candidate)
        if differences is None:
            continue
        if not differences:
            if candidate not in compiled and origin not in compiled:
                hints.append(
                    Hint(
                        "origin-dropped",
                        f"{candidate!r} is in the settings but was dropped as invalid; run manage.py check.",
                    )
                )
            continue
        why = " and ".join(_DIFFERENCE_ADVICE[d] for d in differences)
        dropped = "" if candidate in compiled else " That entry was dropped as invalid; run manage.py check."
        hints.append(
            Hint(
                "origin-near-miss",
                f"The origin {origin!r} differs from the allowed {candidate!r} only because {why}.{dropped}",
            )
        )
    for pattern in policy.options.allowed_origin_regexes:
        if pattern.search(origin) is not None and pattern.fullmatch(origin) is None:
            hints.append(
                Hint(
                    "origin-regex-partial",
                    f"The regex {raw(pattern.pattern)} matches part of {origin!r} but not all of it; "
                    "origin regexes must match the whole origin.",
                )
            )
    if origin == "null":
        hints.append(
            Hint(
                "origin-null",
                "'null' is sent by sandboxed iframes, file: pages and some redirects; "
                "any site can produce it, so allowing it is as good as allowing everyone.",
            )
        )
    elif "://" not in origin and not is_well_formed_request_origin(origin):
        hints.append(
            Hint(
                "origin-no-scheme",
                f"{origin!r} has no scheme: a browser's Origin is scheme://host[:port], e.g. 'https://{origin}'.",
            )
        )
    if not hints:
        hints.append(
            Hint(
                "origin-not-listed",
                f"Add {origin!r} to {setting_name(policies, path, view, 'allowed_origins')} if it should be allowed.",
            )
        )
    return hints


def _method_hints(
    policies: PolicySet, path: str, view: ViewOverrides | None, method: str, policy: Policy
) -> list[Hint]:
    where = setting_name(policies, path, view, "allow_methods")
    if method != method.upper() and policy.refused_request(method.upper(), [])[0] is None:
        return [
            Hint(
                "method-case",
                f"Methods are case-sensitive and browsers upper-case only DELETE, GET, HEAD, OPTIONS, POST and PUT: "
                f"{method!r} is not allowed but {method.upper()!r} is; send {method.upper()!r} from the script.",
            )
        ]
    return [Hint("method-not-allowed", f"The method {method!r} is not allowed; add it to {where}.")]


def _header_hints(
    policies: PolicySet, path: str, view: ViewOverrides | None, refused: Sequence[str], policy: Policy
) -> list[Hint]:
    where = setting_name(policies, path, view, "allow_headers")
    hints = []
    star = "*" in policy.options.allow_headers
    for name in refused:
        if star and policy.options.allow_credentials:
            extra = " ('*' is read as a literal header name when credentials are allowed.)"
        elif star and name == "authorization":
            extra = " ('*' never covers Authorization; list it by name.)"
        else:
            extra = ""
        example = f"CORS_ALLOW_HEADERS = (*default_headers, {name!r})" if where.startswith("CORS_") else ""
        hints.append(
            Hint(
                "header-not-allowed",
                f"The header {name!r} is not allowed; add it to {where}"
                + (f", e.g. {example} (default_headers from crossorigin.defaults)" if example else "")
                + f".{extra}",
            )
        )
    return hints


def _credential_hints(
    policies: PolicySet, path: str, view: ViewOverrides | None, items: Sequence[RequestExplanation]
) -> list[Hint]:
    hints = []
    for item in items:
        headers = {name.lower(): value for name, value in item.response_headers}
        if "access-control-allow-origin" not in headers:
            continue
        if headers.get("access-control-allow-credentials") != "true":
            hints.append(
                Hint(
                    "credentials-not-allowed",
                    "The response does not allow credentials (no Access-Control-Allow-Credentials: true), so a "
                    "fetch() with credentials: 'include' cannot read it; set "
                    f"{setting_name(policies, path, view, 'allow_credentials')} = True, "
                    "with the origins listed explicitly.",
                )
            )
            break
    return hints
