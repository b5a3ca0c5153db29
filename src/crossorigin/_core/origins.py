"""Origins: parsing what settings say, checking what requests send, and matching.

Configured origins are parsed once into a normal form, the form browsers send
(lower-case scheme and host, punycode, no default port), so that matching an exact
origin is a set lookup on the request's ``Origin`` header as it arrives.

Wildcard patterns have the meaning Django's ``CSRF_TRUSTED_ORIGINS`` gives them:
``https://*.example.com`` is example.com and every subdomain of it on the default
port; ``http://localhost:*`` is localhost on any port. They are matched by walking the
request host's parent domains through a dict, so the cost depends on the host's length,
not on how many patterns there are.

Nothing here imports Django's request or response classes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Final

from crossorigin._core.linear_regex import LinearRegexError, LinearSet, compile_linear

# A browser's Origin is scheme://host[:port] or "null"; a DNS name is at most 253
# characters and the schemes browsers send (http, https, chrome-extension,
# safari-web-extension, ...) are far below 32, so anything longer is hostile or broken.
# Bounding it bounds the work any regex does on it and what each remembered answer holds.
SCHEME_MAX_LENGTH: Final = 32
ORIGIN_MAX_LENGTH: Final = SCHEME_MAX_LENGTH + len("://") + 253 + len(":65535")

NULL_ORIGIN: Final = "null"
# Chrome on Android sends this from file:// pages; django-cors-headers accepts it
# when listed, so we do too.
FILE_ORIGIN: Final = "file://"
SPECIAL_ORIGINS: Final = frozenset({NULL_ORIGIN, FILE_ORIGIN})

DEFAULT_PORTS: Final = {"http": 80, "https": 443, "ws": 80, "wss": 443}
ANY_PORT: Final = "*"

# What a request's Origin may look like once it is known not to be "null". Hosts are
# registered names (ASCII, punycode) or bracketed IPv6; no spaces, no CR/LF, no path.
# Any value that fails this is refused before a regex, wildcard or checker sees it.
# Labels are non-empty (no '.example.com', 'a..b' or trailing '.'), a host has no '%'
# (browsers send hosts percent-decoded and punycoded), and the port is at most 65535
# (checked after the match).
_REQUEST_ORIGIN_RE: Final = re.compile(
    r"[A-Za-z][A-Za-z0-9+.\-]*://"
    r"(?:[A-Za-z0-9\-_~]+(?:\.[A-Za-z0-9\-_~]+)*|\[[0-9A-Fa-f:.]+\])?"
    r"(?::([0-9]{1,5}))?"
)
PORT_MAX: Final = 65535
_SCHEME_RE: Final = re.compile(r"[a-z][a-z0-9+.\-]*")
_LABEL_RE: Final = re.compile(r"(?!-)[a-z0-9_\-]{1,63}(?<!-)")
_IPV6_RE: Final = re.compile(r"\[[0-9a-f:.]+\]")
# A label a browser's URL parser reads as a number (decimal or 0x-hex), making the host IPv4.
_NUMERIC_LABEL_RE: Final = re.compile(r"[0-9]+|0x[0-9a-f]*")


class OriginError(ValueError):
    """A configured origin that cannot be used; the message says why and how to fix it."""


@dataclass(frozen=True, slots=True)
class ParsedOrigin:
    """One configured origin or wildcard pattern, in normal form.

    ``host`` is the full host for an exact origin, or the parent domain for a
    subdomain wildcard (``subdomains`` is then True). ``port`` is None for the
    scheme's default port, a number, or ``ANY_PORT``.
    """

    scheme: str
    host: str
    port: int | str | None
    subdomains: bool = False
    special: bool = False

    @property
    def is_wildcard(self) -> bool:
        """True for ``*.domain`` or ``:*`` patterns, which are not matched by a set lookup."""
        return self.subdomains or self.port == ANY_PORT

    def serialize(self) -> str:
        """The normal form, as it should be written in settings."""
        if self.special:
            return self.scheme
        host = f"*.{self.host}" if self.subdomains else self.host
        port = "" if self.port is None else f":{self.port}"
        return f"{self.scheme}://{host}{port}"

    def __str__(self) -> str:
        return self.serialize()


def parse_origin(value: str) -> ParsedOrigin:
    """Parse an origin or wildcard pattern from settings into normal form.

    Raises OriginError with a message meant for a system check.
    """
    if value in SPECIAL_ORIGINS:
        return ParsedOrigin(scheme=value, host="", port=None, special=True)
    stripped = value.strip()
    if stripped != value:
        raise OriginError("has white space around it; remove it")
    if value == "*":
        raise OriginError("is a bare '*'; to allow every origin set CORS_ALLOW_ALL_ORIGINS = True")
    scheme, sep, rest = value.partition("://")
    if not sep or not scheme:
        raise OriginError("is missing a scheme; write it as 'https://host[:port]'")
    scheme = scheme.lower()
    if not _SCHEME_RE.fullmatch(scheme):
        raise OriginError(f"has an invalid scheme {scheme!r}")
    for mark, part in (("/", "path"), ("?", "query"), ("#", "fragment")):
        if mark in rest:
            hint = " (remove the trailing slash)" if rest.endswith("/") and part == "path" else ""
            raise OriginError(f"should not have a {part}; an origin is scheme://host[:port]{hint}")
    if "@" in rest:
        raise OriginError("should not contain user information ('user@')")
    host, port = _split_host_port(rest)
    if not host:
        raise OriginError("is missing a host; write it as 'https://host[:port]'")
    subdomains = False
    if host.startswith("*."):
        subdomains = True
        host = host[2:]
    if "*" in host:
        raise OriginError(
            "uses '*' in a way that is not allowed; only a leading '*.' "
            "(https://*.example.com) or a port of '*' (http://localhost:*) is accepted"
        )
    host = _normalise_host(host)
    if subdomains and (host.startswith("[") or _NUMERIC_LABEL_RE.fullmatch(host.rpartition(".")[2])):
        # Browsers read a host that ends in a number as an IPv4 address, which has no
        # subdomains: 'https://*.0.0.1' would match 'https://10.0.0.1'.
        raise OriginError(
            f"puts '*.' in front of {host!r}, an IP address or numeric labels, which has no subdomains "
            f"(it would match other addresses such as '{scheme}://10.{host}'); list each address exactly"
        )
    if port is not None and port != ANY_PORT and DEFAULT_PORTS.get(scheme) == port:
        port = None
    return ParsedOrigin(scheme=scheme, host=host, port=port, subdomains=subdomains)


def _split_host_port(netloc: str) -> tuple[str, int | str | None]:
    if netloc.startswith("["):
        end = netloc.find("]")
        if end == -1:
            raise OriginError("has an unclosed '[' in its IPv6 host")
        host, tail = netloc[: end + 1], netloc[end + 1 :]
        if not tail:
            return host, None
        if not tail.startswith(":"):
            raise OriginError("has characters after its IPv6 host")
        port_text = tail[1:]
    else:
        host, sep, port_text = netloc.rpartition(":")
        if not sep:
            return netloc, None
    if port_text == ANY_PORT:
        return host, ANY_PORT
    if not port_text.isdigit() or not port_text.isascii() or int(port_text) > 65535:
        raise OriginError(f"has an invalid port {port_text!r}")
    return host, int(port_text)


def _normalise_host(host: str) -> str:
    lowered = host.lower()
    if lowered.startswith("["):
        if not _IPV6_RE.fullmatch(lowered):
            raise OriginError(f"has an invalid IPv6 host {host!r}")
        return lowered
    if not lowered.isascii():
        # Imported here: its tables cost every process tens of ms, and most hosts are ASCII.
        import idna

        # UTS 46 non-transitional, as browsers do: 'faß.de' is xn--fa-hia.de, not fass.de
        # (Python's own "idna" codec is IDNA 2003, which maps it to another domain).
        try:
            lowered = idna.encode(lowered, uts46=True, transitional=False).decode("ascii")
        except (idna.IDNAError, UnicodeError) as exc:
            raise OriginError(f"has a host that is not a valid domain name: {exc}") from None
    labels = lowered.split(".")
    if len(lowered) > 253 or not all(_LABEL_RE.fullmatch(label) for label in labels):
        raise OriginError(f"has an invalid host {host!r}")
    return lowered


def is_well_formed_request_origin(origin: str) -> bool:
    """True if a request's Origin header looks like something a browser sends."""
    if len(origin) > ORIGIN_MAX_LENGTH:
        return False
    if origin in SPECIAL_ORIGINS:
        return True
    found = _REQUEST_ORIGIN_RE.fullmatch(origin)
    if found is None:
        return False
    port = found.group(1)
    return port is None or int(port) <= PORT_MAX


def split_request_origin(origin: str) -> tuple[str, str, int | None] | None:
    """Scheme, host and port of a well-formed request origin; None if it has no host."""
    scheme, sep, rest = origin.partition("://")
    if not sep or not rest:
        return None
    if rest.startswith("["):
        end = rest.find("]")
        host, tail = rest[: end + 1], rest[end + 1 :]
        port_text = tail[1:] if tail else ""
    else:
        host, _, port_text = rest.partition(":")
    return scheme, host, int(port_text) if port_text else None


class WildcardMatcher:
    """Matches request origins against ``*.domain`` and ``:*`` patterns by lookup."""

    __slots__ = ("_any_port_hosts", "_subdomains", "patterns")

    def __init__(self, patterns: Iterable[ParsedOrigin]) -> None:
        self.patterns: tuple[ParsedOrigin, ...] = tuple(patterns)
        # (scheme, parent domain) -> {port or ANY_PORT: pattern text}.
        self._subdomains: dict[tuple[str, str], dict[int | str | None, str]] = {}
        # (scheme, host) -> pattern text, for exact hosts allowed on any port.
        self._any_port_hosts: dict[tuple[str, str], str] = {}
        for pattern in self.patterns:
            key = (pattern.scheme, pattern.host)
            if pattern.subdomains:
                self._subdomains.setdefault(key, {})[pattern.port] = pattern.serialize()
            else:
                self._any_port_hosts[key] = pattern.serialize()

    def __bool__(self) -> bool:
        return bool(self.patterns)

    def match(self, origin: str) -> str | None:
        """The pattern (in normal form) that allows a well-formed origin, or None."""
        parts = split_request_origin(origin)
        if parts is None:
            return None
        scheme, host, port = parts
        found = self._any_port_hosts.get((scheme, host))
        if found is not None or not self._subdomains or host.startswith("["):
            return found
        domain = host
        while True:
            ports = self._subdomains.get((scheme, domain))
            if ports is not None:
                found = ports.get(port) or ports.get(ANY_PORT)
                if found is not None:
                    return found
            dot = domain.find(".")
            if dot == -1:
                return None
            domain = domain[dot + 1 :]


class RegexMatcher:
    """Matches request origins against configured regexes, each against the whole origin.

    The patterns run side by side in one RE2 set (``crossorigin._core.linear_regex``), so one
    linear pass tests them all, each keeps its own groups (nothing is joined into one
    source whose group numbers would shift), and the first configured pattern that
    matched is named. A pattern RE2 cannot run is left out: it matches nothing, and the
    settings check reports it (crossorigin.E025).
    """

    __slots__ = ("_set", "patterns")

    def __init__(self, patterns: Sequence[re.Pattern[str]]) -> None:
        self.patterns: tuple[re.Pattern[str], ...] = tuple(patterns)
        usable: list[re.Pattern[str]] = []
        for pattern in self.patterns:
            try:
                compile_linear(pattern)
            except LinearRegexError:
                continue  # the settings check reports it; here it fails closed
            usable.append(pattern)
        self._set = LinearSet(usable)

    def __bool__(self) -> bool:
        return bool(self.patterns)

    def match(self, origin: str) -> str | None:
        """The source of a pattern that fully matches the origin, or None."""
        return self._set.match(origin)
