"""The rules an origin must pass before it is stored, the same ones settings follow.

An origin is parsed by ``crossorigin._core.origins.parse_origin``, the parser the settings
use, and kept in its normal form. On top of parsing, the security rules of the
settings apply (misconfiguration classes in docs): no ``null`` / ``file://`` when any
policy allows credentials, no wildcard over a public suffix or a bare top-level domain
or an IP address, and a warning for plain ``http://`` hosts trusted with credentials.

Findings are ``crossorigin._core.problems.Problem`` values: errors stop a save (they become
``ValidationError`` in ``full_clean`` and the admin), warnings are shown but allowed.
"""

from __future__ import annotations

import ipaddress
from typing import Final

from django.core.exceptions import ValidationError

from crossorigin._core import public_suffix
from crossorigin._core.origins import OriginError, ParsedOrigin, parse_origin
from crossorigin._core.problems import Level, Problem

# The longest normal form: a 253-character host with "*." plus scheme and port.
ORIGIN_MAX_LENGTH: Final = 300


def is_public_suffix(domain: str) -> bool:
    """True if anyone may register names directly under ``domain`` (``com``, ``co.uk``, ``github.io``).

    Any single label counts, known to the Public Suffix List or not (an intranet's ``corp``).
    """
    domain = domain.lower().rstrip(".")
    return "." not in domain or public_suffix.is_public_suffix(domain)


def is_ip_address(host: str) -> bool:
    """True for an IPv4 address or a bracketed IPv6 address."""
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def is_loopback(host: str) -> bool:
    """True for names and addresses that always mean this machine."""
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _error(code: int, msg: str, hint: str | None = None) -> Problem:
    return Problem(Level.ERROR, f"crossorigin_origins.E{code:03}", msg, hint)


def _warning(code: int, msg: str, hint: str | None = None) -> Problem:
    return Problem(Level.WARNING, f"crossorigin_origins.W{code:03}", msg, hint)


def origin_problems(origin: ParsedOrigin, *, credentials: bool) -> list[Problem]:
    """What is wrong with storing ``origin`` as allowed, given whether credentials are on."""
    found: list[Problem] = []
    text = origin.serialize()
    if origin.special:
        if credentials:
            found.append(
                _error(
                    101,
                    f"'{text}' cannot be allowed while credentials are allowed: any sandboxed iframe or "
                    "local file sends it, so any site could read your users' data.",
                    "Leave it out, or turn CORS_ALLOW_CREDENTIALS off in every policy.",
                )
            )
        else:
            found.append(
                _warning(
                    101,
                    f"'{text}' is sent by any sandboxed iframe and local file, not by one site.",
                    "Allow it only for public, read-only data.",
                )
            )
        return found
    if origin.subdomains:
        if is_ip_address(origin.host):
            found.append(
                _error(
                    102,
                    f"'{text}' puts a wildcard in front of an IP address, which has no subdomains.",
                    f"Write '{origin.scheme}://{origin.host}' without '*.'.",
                )
            )
        elif origin.host != "localhost" and is_public_suffix(origin.host):
            found.append(
                _error(
                    103,
                    f"'{text}' trusts every subdomain of '{origin.host}', a public suffix under which "
                    "anyone can register a name.",
                    "List your own domain instead, e.g. 'https://*.your-company.com' or each exact origin.",
                )
            )
    if credentials and origin.scheme in ("http", "ws") and not is_loopback(origin.host):
        found.append(
            _warning(
                104,
                f"'{text}' is plain {origin.scheme}:// and credentials are allowed: anyone on the network "
                "path can act as this origin.",
                f"Use {origin.scheme}s:// for it.",
            )
        )
    return found


def checked_origin(value: str, *, credentials: bool) -> tuple[str, list[Problem]]:
    """The normal form of ``value`` and its warnings; raises ValidationError on any error."""
    if not isinstance(value, str) or not value:
        raise ValidationError("Enter an origin such as 'https://example.com'.", code="required")
    try:
        parsed = parse_origin(value)
    except OriginError as exc:
        raise ValidationError(
            "%(value)s %(reason)s.",
            code="invalid_origin",
            params={"value": repr(value), "reason": str(exc)},
        ) from None
    normal = parsed.serialize()
    if len(normal) > ORIGIN_MAX_LENGTH:
        raise ValidationError(
            "The origin is longer than %(limit)d characters.", code="too_long", params={"limit": ORIGIN_MAX_LENGTH}
        )
    problems = origin_problems(parsed, credentials=credentials)
    errors = [p for p in problems if p.level is Level.ERROR]
    if errors:
        raise ValidationError(
            [
                ValidationError("%(msg)s %(hint)s", code=p.id, params={"msg": p.msg, "hint": p.hint or ""})
                for p in errors
            ]
        )
    return normal, [p for p in problems if p.level is not Level.ERROR]


def credentials_in_use() -> bool:
    """True if the global policy, a URL policy or a decorated view allows credentials."""
    from crossorigin._checks import decorated_views
    from crossorigin._config import registry

    policies = registry.current()
    if policies.global_policy.options.allow_credentials:
        return True
    if any(policy.options.allow_credentials for _, policy, _ in policies.url_policies):
        return True
    return any(bool(view.as_dict().get("allow_credentials")) for view in decorated_views())
