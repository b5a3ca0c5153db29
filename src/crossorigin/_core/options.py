"""The options of one policy, and the validators that turn raw values into them.

The same validators serve the global ``CORS_*`` settings, each entry of
``CORS_URL_POLICIES`` and each ``@cors_policy(...)`` view, so a value means the same
wherever it is written and is reported by the same system check.

A validator never raises: it returns a usable value (bad entries left out, so a bad
setting fails closed) and the problems it found.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Final

from crossorigin._core.linear_regex import TOTAL_PROGRAM_BUDGET, LinearRegexError, compile_linear
from crossorigin._core.origins import OriginError, ParsedOrigin, parse_origin
from crossorigin._core.problems import Problem, error, info
from crossorigin.defaults import default_headers, default_methods

# RFC 9110 token: what a header name or a method may be made of.
TOKEN_RE: Final = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")


@dataclass(frozen=True)
class PolicyOptions:
    """Validated, normalised values for one policy (global, per-URL or per-view)."""

    allowed_origins: tuple[ParsedOrigin, ...] = ()
    allowed_origin_regexes: tuple[re.Pattern[str], ...] = ()
    allow_all_origins: bool = False
    allow_credentials: bool = False
    allow_methods: tuple[str, ...] = default_methods
    allow_headers: tuple[str, ...] = default_headers
    expose_headers: tuple[str, ...] = ()
    preflight_max_age: int = 86400
    allow_private_network: bool = False
    # django-dcors' CORS_ALLOW_ALL_HEADERS: reflect the requested headers.
    allow_all_requested_headers: bool = False
    # The raw origin strings as written, for messages and the explain command.
    origin_sources: tuple[str, ...] = field(default=(), compare=False)

    def merged(self, overrides: Mapping[str, object], where: str) -> tuple[PolicyOptions, list[Problem]]:
        """These options with ``overrides`` (keys of OVERRIDE_KEYS) applied on top."""
        problems: list[Problem] = []
        changes: dict[str, object] = {}
        for key, value in overrides.items():
            validator = VALIDATORS.get(key)
            if validator is None:
                problems.append(
                    error(
                        15,
                        f"{where} has an unknown key {key!r}.",
                        "Use one of: " + ", ".join(sorted(OVERRIDE_KEYS)) + ".",
                    )
                )
                continue
            normalised, found = validator(value, f"{where}[{key!r}]")
            problems.extend(found)
            if key == "allowed_origins":
                assert isinstance(normalised, tuple)
                changes["allowed_origins"], changes["origin_sources"] = normalised
            else:
                changes[key] = normalised
        return replace(self, **changes), problems  # type: ignore[arg-type]


Validator = Callable[[object, str], tuple[object, list[Problem]]]


def _is_sequence(value: object) -> bool:
    return isinstance(value, (list, tuple, set, frozenset))


def _string_list(value: object, name: str, code: int, what: str) -> tuple[list[str], list[Problem]]:
    """A list of strings; a bare string counts as one item, with one clear error."""
    if isinstance(value, str):
        return [value], [
            error(
                code,
                f"{name} should be a list or tuple of {what}, not a string.",
                f"Write {name} = [{value!r}] (a string is read one character at a time).",
            )
        ]
    if not _is_sequence(value):
        return [], [error(code, f"{name} should be a list or tuple of {what}, not {type(value).__name__}.")]
    items = list(value)  # type: ignore[call-overload]
    strings = [item for item in items if isinstance(item, str)]
    if len(strings) != len(items):
        bad = next(item for item in items if not isinstance(item, str))
        return strings, [error(code, f"{name} should contain only strings; found {bad!r}.")]
    return strings, []


# How an OriginError's message starts -> the check id. Matched on the start only: the
# messages' explanations mention "scheme://host" and would otherwise pick the wrong id.
_ORIGIN_ERROR_CODES: Final = {
    "is missing a scheme": 2,
    "has an invalid scheme": 2,
    "is missing a host": 2,
    "has an invalid host": 2,
    "has an invalid IPv6": 2,
    "has an unclosed '['": 2,
    "has characters after its IPv6": 2,
    "has a host that is not": 2,
    "should not": 3,
}


def _wildcard_hint(raw: str) -> str:
    scheme, sep, rest = raw.partition("://")
    if sep and rest.startswith("*") and not rest.startswith("*.") and len(rest) > 1 and "*" not in rest[1:]:
        # 'https://*example.com' would also match 'https://evilexample.com' (B5).
        return (
            f"Write {scheme}://*.{rest[1:]} for {rest[1:]} and its subdomains; a '*' glued to a name is not a wildcard."
        )
    return (
        "A '*' is accepted only as 'https://*.example.com' (the domain and its subdomains) or as a port, "
        "'http://localhost:*'; use CORS_ALLOWED_ORIGIN_REGEXES for other patterns, "
        "or CORS_ALLOW_ALL_ORIGINS = True for every origin."
    )


def validate_origins(
    value: object, name: str
) -> tuple[tuple[tuple[ParsedOrigin, ...], tuple[str, ...]], list[Problem]]:
    """CORS_ALLOWED_ORIGINS: parse each origin or wildcard pattern into normal form."""
    strings, problems = _string_list(value, name, 1, "origins such as 'https://example.com'")
    parsed: list[ParsedOrigin] = []
    seen: set[str] = set()
    for raw in strings:
        try:
            origin = parse_origin(raw)
        except OriginError as exc:
            text = str(exc)
            if "*" in raw:
                # Every misuse of '*' gets one id, whatever part of the origin it sits in
                # (the wildcard message itself mentions "localhost", so no word lookup).
                problems.append(error(4, f"Origin {raw!r} in {name} {text}.", _wildcard_hint(raw)))
                continue
            code = next((c for start, c in _ORIGIN_ERROR_CODES.items() if text.startswith(start)), 5)
            problems.append(
                error(
                    code,
                    f"Origin {raw!r} in {name} {text}.",
                    "Write origins as 'scheme://host[:port]', e.g. 'https://example.com'.",
                )
            )
            continue
        normal = origin.serialize()
        if normal != raw:
            problems.append(
                info(
                    43,
                    f"Origin {raw!r} in {name} is not in normal form; it is used as {normal!r}.",
                    f"Write {normal!r}: browsers send lower-case hosts, punycode and no default port.",
                )
            )
        if normal in seen:
            continue
        seen.add(normal)
        parsed.append(origin)
    return (tuple(parsed), tuple(strings)), problems


def validate_regexes(value: object, name: str) -> tuple[tuple[re.Pattern[str], ...], list[Problem]]:
    """CORS_ALLOWED_ORIGIN_REGEXES: strings or compiled patterns, compiled once."""
    if isinstance(value, (str, re.Pattern)):
        items: list[object] = [value]
        problems = [
            error(
                6, f"{name} should be a list of regular expressions, not a single one.", f"Write {name} = [{value!r}]."
            )
        ]
    elif _is_sequence(value):
        items, problems = list(value), []  # type: ignore[call-overload]
    else:
        return (), [error(6, f"{name} should be a list of regular expressions, not {type(value).__name__}.")]
    compiled: list[re.Pattern[str]] = []
    total = 0  # RE2 instructions of the patterns kept so far
    over: list[re.Pattern[str]] = []  # patterns past TOTAL_PROGRAM_BUDGET, refused together
    for item in items:
        pattern: re.Pattern[str] | None = None
        if isinstance(item, re.Pattern):
            if isinstance(item.pattern, str):
                pattern = item
            else:
                problems.append(error(6, f"{name} contains a bytes pattern {item.pattern!r}; use a str pattern."))
        elif isinstance(item, str):
            try:
                pattern = re.compile(item)
            except re.error as exc:
                problems.append(error(7, f"{name} contains {item!r}, which is not a valid regular expression: {exc}."))
        else:
            problems.append(error(6, f"{name} should contain only strings or compiled patterns; found {item!r}."))
        if pattern is None:
            continue
        try:
            size = compile_linear(pattern).program_size
        except LinearRegexError as exc:
            problems.append(_not_linear(pattern, name, str(exc)))  # left out: it matches no origin (fail closed)
            continue
        if over or total + size > TOTAL_PROGRAM_BUDGET:  # keep a prefix of the list, in order
            over.append(pattern)
            continue
        total += size
        compiled.append(pattern)
    if over:
        others = f" (and the {len(over) - 1} patterns after it)" if len(over) > 1 else ""
        reason = (
            f"with the patterns before it, the list compiles to more than {TOTAL_PROGRAM_BUDGET} RE2 "
            f"instructions, more than one request can afford to run; it is left out{others}"
        )
        problems.append(_not_linear(over[0], name, reason))
    return tuple(compiled), problems


def linear_problem(pattern: re.Pattern[str], name: str) -> Problem | None:
    """crossorigin.E025 if the linear-time engine cannot run ``pattern`` (from setting ``name``)."""
    try:
        compile_linear(pattern)
    except LinearRegexError as exc:
        return _not_linear(pattern, name, str(exc))
    return None


def _not_linear(pattern: re.Pattern[str], name: str, reason: str) -> Problem:
    return error(
        25,
        f"{name} contains {pattern.pattern!r}: {reason}. Without a linear-time match one request could cost "
        "seconds, so the pattern is not used (it matches nothing).",
        "Rewrite it without back-references, lookaround, conditionals or atomic groups, and keep the list "
        "short (use CORS_ORIGIN_CHECKER for origins kept in a database); an origin is "
        r"scheme://host[:port], e.g. r'^https://([a-z0-9-]+\.)*example\.com$'.",
    )


def validate_bool(value: object, name: str) -> tuple[bool, list[Problem]]:
    """A boolean setting; any other value is read for its truth, as the incumbent does."""
    if isinstance(value, bool):
        return value, []
    return bool(value), [error(13, f"{name} should be True or False, not {value!r}.")]


def _tokens(value: object, name: str, code: int, what: str) -> tuple[tuple[str, ...], list[Problem]]:
    strings, problems = _string_list(value, name, code, what)
    good = []
    for item in strings:
        if TOKEN_RE.fullmatch(item):
            good.append(item)
        else:
            problems.append(
                error(
                    code,
                    f"{name} contains {item!r}, which is not a valid {what[:-1]}.",
                    "Use letters, digits and -, without spaces or commas.",
                )
            )
    return tuple(dict.fromkeys(good)), problems


def validate_methods(value: object, name: str) -> tuple[tuple[str, ...], list[Problem]]:
    """CORS_ALLOW_METHODS: HTTP method tokens, sent as written."""
    return _tokens(value, name, 9, "methods")


def validate_allow_headers(value: object, name: str) -> tuple[tuple[str, ...], list[Problem]]:
    """CORS_ALLOW_HEADERS: header name tokens, compared case-insensitively."""
    return _tokens(value, name, 10, "header names")


def validate_expose_headers(value: object, name: str) -> tuple[tuple[str, ...], list[Problem]]:
    """CORS_EXPOSE_HEADERS: header name tokens."""
    return _tokens(value, name, 11, "header names")


def validate_max_age(value: object, name: str) -> tuple[int, list[Problem]]:
    """CORS_PREFLIGHT_MAX_AGE: seconds; 0 or None sends no Access-Control-Max-Age."""
    if value is None:
        return 0, []
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        return 0, [error(12, f"{name} should be a whole number of seconds (0 or more), not {value!r}.")]
    return value, []


VALIDATORS: Final[dict[str, Validator]] = {
    "allowed_origins": validate_origins,
    "allowed_origin_regexes": validate_regexes,
    "allow_all_origins": validate_bool,
    "allow_credentials": validate_bool,
    "allow_methods": validate_methods,
    "allow_headers": validate_allow_headers,
    "expose_headers": validate_expose_headers,
    "preflight_max_age": validate_max_age,
    "allow_private_network": validate_bool,
}

# The keys a URL or view policy may override, named like the global settings
# lower-cased without ``CORS_``.
OVERRIDE_KEYS: Final = frozenset(VALIDATORS)
