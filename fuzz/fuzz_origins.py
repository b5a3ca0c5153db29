"""Fuzz the origin parser and the request-origin matchers.

Input: the bytes of one origin (decoded as a WSGI server would, latin-1). Checks:

- ``parse_origin`` returns a normal form that parses to itself, or raises OriginError;
- ``is_well_formed_request_origin`` never raises; matchers see only well-formed origins
  and never raise;
- ``RegexMatcher`` (one RE2 set) agrees with trying each pattern alone with Python's re.
"""

from __future__ import annotations

import re
import sys

import _common  # noqa: F401  (sets sys.path)
import atheris

with atheris.instrument_imports(include=["crossorigin"]):
    from crossorigin._core.origins import (
        SPECIAL_ORIGINS,
        OriginError,
        RegexMatcher,
        WildcardMatcher,
        is_well_formed_request_origin,
        parse_origin,
        split_request_origin,
    )

PATTERNS = [
    re.compile(r"^https://[a-z0-9-]+\.example\.net$"),
    re.compile(r"https://(www|api)\.example\.com(:[0-9]+)?"),
    re.compile(r"(?P<scheme>https?)://localhost:\d+"),
    re.compile(r"^http://127\.0\.0\.1(:[0-9]{2,5})?$"),
]
REGEXES = RegexMatcher(PATTERNS)
WILDCARDS = WildcardMatcher(
    parse_origin(p)
    for p in ("https://*.example.org", "http://localhost:*", "https://*.example.com:8443", "http://*.a.b:*")
)


def test_one_input(data: bytes) -> None:
    text = data.decode("latin-1")
    try:
        parsed = parse_origin(text)
    except OriginError:
        pass
    else:
        normal = parsed.serialize()
        assert normal.isascii(), normal
        assert normal.isprintable(), normal
        assert parse_origin(normal) == parsed, (text, normal)

    if not is_well_formed_request_origin(text):
        return
    if text not in SPECIAL_ORIGINS:
        split_request_origin(text)
    matched = WILDCARDS.match(text)
    if matched is not None:
        scheme = text.partition("://")[0]
        assert matched.startswith(scheme + "://"), (text, matched)
    alone = next((p.pattern for p in PATTERNS if p.fullmatch(text)), None)
    joined = REGEXES.match(text)
    assert (joined is None) == (alone is None), (text, joined, alone)


def main() -> None:
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
