"""Parsing configured origins, checking request origins, and the two matchers."""

from __future__ import annotations

import re

import pytest

from crossorigin._core.origins import (
    ANY_PORT,
    ORIGIN_MAX_LENGTH,
    OriginError,
    ParsedOrigin,
    RegexMatcher,
    WildcardMatcher,
    is_well_formed_request_origin,
    parse_origin,
    split_request_origin,
)

# -- parse_origin: the normal form -------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "normal"),
    [
        ("https://example.com", "https://example.com"),
        ("https://Example.COM", "https://example.com"),
        ("HTTPS://example.com", "https://example.com"),
        ("https://example.com:443", "https://example.com"),
        ("http://example.com:80", "http://example.com"),
        ("wss://example.com:443", "wss://example.com"),
        ("https://example.com:8443", "https://example.com:8443"),
        ("http://example.com:443", "http://example.com:443"),
        ("http://localhost:8000", "http://localhost:8000"),
        ("http://127.0.0.1:8000", "http://127.0.0.1:8000"),
        ("http://[::1]:8000", "http://[::1]:8000"),
        ("http://[::1]", "http://[::1]"),
        ("http://[2001:DB8::1]:80", "http://[2001:db8::1]"),
        ("https://b\u00fccher.example", "https://xn--bcher-kva.example"),
        ("https://*.example.com", "https://*.example.com"),
        ("https://*.example.com:443", "https://*.example.com"),
        ("http://localhost:*", "http://localhost:*"),
        ("http://*.example.com:*", "http://*.example.com:*"),
        ("chrome-extension://abcdef", "chrome-extension://abcdef"),
        ("null", "null"),
        ("file://", "file://"),
    ],
)
def test_normal_form(written: str, normal: str) -> None:
    assert parse_origin(written).serialize() == normal
    assert str(parse_origin(written)) == normal


def test_parsed_parts() -> None:
    assert parse_origin("https://example.com:8443") == ParsedOrigin("https", "example.com", 8443)
    wildcard = parse_origin("https://*.example.com")
    assert (wildcard.host, wildcard.subdomains, wildcard.is_wildcard) == ("example.com", True, True)
    assert parse_origin("http://localhost:*").port == ANY_PORT
    assert parse_origin("http://localhost:*").is_wildcard
    assert not parse_origin("https://example.com").is_wildcard
    assert parse_origin("null").special


@pytest.mark.parametrize(
    ("written", "says"),
    [
        ("example.com", "missing a scheme"),
        ("//example.com", "missing a scheme"),
        ("://example.com", "missing a scheme"),
        ("https://", "missing a host"),
        ("https://:443", "missing a host"),
        ("https://example.com/", "trailing slash"),
        ("https://example.com/path", "path"),
        ("https://example.com?q=1", "query"),
        ("https://example.com#top", "fragment"),
        ("https://user@example.com", "user"),
        (" https://example.com", "white space"),
        ("https://example.com ", "white space"),
        ("*", "CORS_ALLOW_ALL_ORIGINS"),
        ("https://*example.com", "'*'"),
        ("https://api.*.example.com", "'*'"),
        ("https://*", "'*'"),
        ("1http://example.com", "scheme"),
        ("https://example.com:http", "port"),
        ("https://example.com:99999", "port"),
        ("https://example.com:\u0661\u0662", "port"),
        ("https://[::1", "IPv6"),
        ("https://[::1]x", "IPv6"),
        ("https://[zz::1]", "IPv6"),
        ("https://exa mple.com", "invalid host"),
        ("https://-example.com", "invalid host"),
        ("https://example..com", "invalid host"),
        ("https://" + "a" * 64 + ".com", "invalid host"),
        ("https://\u2060.com", "domain name"),
    ],
)
def test_invalid_configured_origins(written: str, says: str) -> None:
    with pytest.raises(OriginError, match=re.escape(says)):
        parse_origin(written)


# -- request origins: what a browser may send ---------------------------------------------


@pytest.mark.parametrize(
    "origin",
    [
        "https://example.com",
        "http://localhost:8000",
        "http://[::1]:8000",
        "null",
        "file://",
        "chrome-extension://abcdef",
        "https://xn--bcher-kva.example",
    ],
)
def test_well_formed_request_origins(origin: str) -> None:
    assert is_well_formed_request_origin(origin)


@pytest.mark.parametrize(
    "origin",
    [
        "https://example.com]",
        "https://example.com/",
        "https://example.com/path",
        "https://exa mple.com",
        "https://example.com\r\nX-Injected: 1",
        "example.com",
        "",
        "Null",
        "https://example.com:123456",
        "https://b\u00fccher.example",
        "https://" + "a" * ORIGIN_MAX_LENGTH,
    ],
)
def test_malformed_request_origins(origin: str) -> None:
    assert not is_well_formed_request_origin(origin)


def test_split_request_origin() -> None:
    assert split_request_origin("https://example.com") == ("https", "example.com", None)
    assert split_request_origin("http://localhost:8000") == ("http", "localhost", 8000)
    assert split_request_origin("http://[::1]:8000") == ("http", "[::1]", 8000)
    assert split_request_origin("http://[::1]") == ("http", "[::1]", None)
    assert split_request_origin("null") is None
    assert split_request_origin("file://") is None


# -- WildcardMatcher -------------------------------------------------------------------------


def wildcards(*patterns: str) -> WildcardMatcher:
    return WildcardMatcher(parse_origin(p) for p in patterns)


def test_subdomain_wildcard() -> None:
    matcher = wildcards("https://*.example.com")
    assert matcher
    assert matcher.match("https://api.example.com") == "https://*.example.com"
    assert matcher.match("https://a.b.example.com") == "https://*.example.com"
    # The parent domain itself, as CSRF_TRUSTED_ORIGINS reads it.
    assert matcher.match("https://example.com") == "https://*.example.com"
    for refused in (
        "https://evilexample.com",  # B5: no glob on a label
        "https://example.com.evil.net",
        "http://api.example.com",  # scheme matters
        "https://api.example.com:8443",  # the default port only
        "https://com",
        "null",
        "https://[::1]",
    ):
        assert matcher.match(refused) is None, refused


def test_subdomain_wildcard_with_a_port() -> None:
    matcher = wildcards("https://*.example.com:8443", "http://*.dev.example:*")
    assert matcher.match("https://a.example.com:8443") == "https://*.example.com:8443"
    assert matcher.match("https://a.example.com") is None
    assert matcher.match("http://x.dev.example:1234") == "http://*.dev.example:*"
    assert matcher.match("http://x.dev.example") == "http://*.dev.example:*"


def test_any_port_host() -> None:
    matcher = wildcards("http://localhost:*")
    assert matcher.match("http://localhost:3000") == "http://localhost:*"
    assert matcher.match("http://localhost") == "http://localhost:*"
    assert matcher.match("https://localhost:3000") is None
    assert matcher.match("http://127.0.0.1:3000") is None


def test_empty_wildcard_matcher() -> None:
    matcher = WildcardMatcher([])
    assert not matcher
    assert matcher.match("https://example.com") is None


# -- RegexMatcher ------------------------------------------------------------------------------


def test_regexes_fullmatch() -> None:
    matcher = RegexMatcher([re.compile(r"https://\w+\.example\.com"), re.compile(r"^http://localhost:\d+$")])
    assert matcher
    assert matcher.match("https://api.example.com") == r"https://\w+\.example\.com"
    assert matcher.match("http://localhost:3000") == r"^http://localhost:\d+$"
    # Unanchored at the end, yet the whole origin must match (B3).
    assert matcher.match("https://api.example.com.evil.net") is None
    assert matcher.match("https://api.example.comx") is None


def test_regex_with_groups_names_the_right_pattern() -> None:
    patterns = [
        re.compile(r"https://(a|b)\.example"),
        re.compile(r"https://(?P<sub>c)\.example"),
        re.compile(r"https://d\.example"),
    ]
    matcher = RegexMatcher(patterns)
    assert matcher.match("https://b.example") == patterns[0].pattern
    assert matcher.match("https://c.example") == patterns[1].pattern
    assert matcher.match("https://d.example") == patterns[2].pattern


def test_flagged_patterns_keep_their_flags_and_unrunnable_ones_match_nothing() -> None:
    flagged = re.compile(r"https://API\.example", re.IGNORECASE)
    backref = re.compile(r"https://(\w)\1\.example")
    named_ref = re.compile(r"https://(?P<x>\w)(?P=x)\.example")
    matcher = RegexMatcher([flagged, backref, named_ref, re.compile(r"https://plain\.example")])
    assert matcher.match("https://api.example") == flagged.pattern
    # RE2 cannot run back-references: refused (crossorigin.E025) and failing closed.
    assert matcher.match("https://aa.example") is None
    assert matcher.match("https://plain.example") == r"https://plain\.example"


def test_clashing_group_names_fall_back_to_one_by_one() -> None:
    first, second = re.compile(r"https://(?P<h>a)\.example"), re.compile(r"https://(?P<h>b)\.example")
    matcher = RegexMatcher([first, second])
    assert matcher.match("https://a.example") == first.pattern
    assert matcher.match("https://b.example") == second.pattern
    assert matcher.match("https://c.example") is None


def test_empty_regex_matcher() -> None:
    matcher = RegexMatcher([])
    assert not matcher
    assert matcher.match("https://example.com") is None


# -- issue 13 item 7: UTS 46 non-transitional IDNA, as browsers ----------------------------------


@pytest.mark.parametrize(
    ("configured", "normal"),
    [
        ("https://faß.de", "https://xn--fa-hia.de"),  # IDNA 2003 made this fass.de, another domain
        ("https://FAß.de", "https://xn--fa-hia.de"),
        ("https://*.faß.de", "https://*.xn--fa-hia.de"),
        ("https://βόλος.com", "https://xn--nxasmm1c.com"),  # the final sigma is kept (IDNA 2003 mapped it)
        ("https://bücher.example", "https://xn--bcher-kva.example"),
    ],
)
def test_unicode_hosts_are_converted_with_uts46_non_transitional(configured: str, normal: str) -> None:
    assert parse_origin(configured).serialize() == normal


# -- issue 13 item 9: numeric wildcards, malformed request origins --------------------------------


@pytest.mark.parametrize(
    "pattern", ["https://*.0.0.1", "https://*.10.0.0.1", "http://*.1:*", "https://*.example.123", "https://*.0x7f"]
)
def test_a_wildcard_over_numeric_labels_is_refused(pattern: str) -> None:
    with pytest.raises(OriginError, match="IP address or numeric labels"):
        parse_origin(pattern)


@pytest.mark.parametrize(
    "origin",
    [
        "https://.example.com",
        "https://a..example.com",
        "https://example.com.",
        "https://exa%6dple.com",
        "https://%2e",
        "https://example.com:65536",
        "https://example.com:99999",
    ],
)
def test_request_origins_with_empty_labels_percent_or_big_ports_are_malformed(origin: str) -> None:
    assert not is_well_formed_request_origin(origin)


@pytest.mark.parametrize("origin", ["https://example.com:65535", "https://a-b.example.com:1", "http://[::1]:8000"])
def test_request_origins_at_the_edges_stay_well_formed(origin: str) -> None:
    assert is_well_formed_request_origin(origin)
