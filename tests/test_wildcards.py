"""Wildcard origins: ``https://*.example.com`` means what CSRF_TRUSTED_ORIGINS means.

The pattern allows the domain and all its subdomains, with the same scheme and port;
``http://localhost:*`` allows one host on any port. Any other ``*`` is an error
(crossorigin.E004). Matching is a walk up the request host's parent domains through a
dict, so its cost follows the host's length, never the number of patterns.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.test import RequestFactory, override_settings
from django.utils.http import is_same_domain
from hypothesis import given, settings
from hypothesis import strategies as st

from crossorigin._core.options import PolicyOptions, validate_origins
from crossorigin._core.origins import ANY_PORT, WildcardMatcher, is_well_formed_request_origin, parse_origin
from crossorigin._core.policy import Policy, Reason, decide
from crossorigin.checks import check_settings
from crossorigin.testing import assert_cors_allowed, assert_cors_denied, cors_headers
from tests.conftest import Send


def policy_for(*origins: str) -> Policy:
    (parsed, sources), problems = validate_origins(list(origins), "CORS_ALLOWED_ORIGINS")
    assert not problems
    return Policy(PolicyOptions(allowed_origins=parsed, origin_sources=sources))


def allowed(policy: Policy, origin: str) -> bool:
    return decide(policy, origin).allowed


# -- parsing --------------------------------------------------------------------------


def test_subdomain_pattern_parses_to_its_parent_domain() -> None:
    parsed = parse_origin("https://*.example.com")
    assert (parsed.scheme, parsed.host, parsed.port, parsed.subdomains) == ("https", "example.com", None, True)
    assert parsed.is_wildcard
    assert parsed.serialize() == "https://*.example.com"


def test_subdomain_pattern_keeps_its_port_and_drops_the_default_one() -> None:
    assert parse_origin("https://*.example.com:8443").port == 8443
    assert parse_origin("https://*.example.com:443").serialize() == "https://*.example.com"


def test_any_port_pattern() -> None:
    parsed = parse_origin("http://localhost:*")
    assert (parsed.host, parsed.port, parsed.subdomains) == ("localhost", ANY_PORT, False)
    assert parsed.is_wildcard


def test_wildcard_hosts_are_normalised_like_exact_ones() -> None:
    assert parse_origin("HTTPS://*.Bücher.Example").serialize() == "https://*.xn--bcher-kva.example"


@pytest.mark.parametrize(
    "origin",
    [
        "https://*example.com",
        "https://*-api.example.com",
        "https://a.*.example.com",
        "https://*.*.example.com",
        "https://example.*",
        "https://ex*ample.com",
        "https://*",
        "*",
        "*://example.com",
        "http://localhost:8*",
        "https://*.example.com/",
    ],
)
def test_every_other_use_of_star_is_error_e004(origin: str) -> None:
    with override_settings(CORS_ALLOWED_ORIGINS=[origin]):
        messages = check_settings()
    ids = [m.id for m in messages]
    assert "crossorigin.E004" in ids or (origin.endswith("/") and "crossorigin.E003" in ids), messages
    found = next(m for m in messages if m.id in ("crossorigin.E004", "crossorigin.E003"))
    assert repr(origin) in found.msg
    assert found.hint


def test_glued_star_hint_shows_the_dotted_pattern() -> None:
    with override_settings(CORS_ALLOWED_ORIGINS=["https://*example.com"]):
        (message,) = [m for m in check_settings() if m.id == "crossorigin.E004"]
    assert "https://*.example.com" in (message.hint or "")


def test_a_refused_pattern_allows_nothing() -> None:
    (parsed, _), problems = validate_origins(["https://*example.com"], "CORS_ALLOWED_ORIGINS")
    assert parsed == ()
    assert problems
    policy = Policy(PolicyOptions(allowed_origins=parsed))
    for origin in ("https://example.com", "https://evilexample.com", "https://a.example.com"):
        assert not allowed(policy, origin)


# -- meaning ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("origin", "expected"),
    [
        ("https://example.com", True),
        ("https://a.example.com", True),
        ("https://a.b.c.example.com", True),
        ("https://evilexample.com", False),
        ("https://example.com.evil.net", False),
        ("https://a.example.com.evil.net", False),
        ("https://example.org", False),
        ("http://a.example.com", False),  # the scheme must match
        ("wss://a.example.com", False),
        ("https://a.example.com:8443", False),  # the port must match
        ("https://a.example.co", False),
        ("https://xample.com", False),
    ],
)
def test_subdomain_pattern_meaning(origin: str, expected: bool) -> None:
    assert allowed(policy_for("https://*.example.com"), origin) is expected


@pytest.mark.parametrize(
    ("origin", "expected"),
    [
        ("https://example.com:8443", True),
        ("https://api.example.com:8443", True),
        ("https://api.example.com", False),
        ("https://api.example.com:8444", False),
    ],
)
def test_subdomain_pattern_with_port(origin: str, expected: bool) -> None:
    assert allowed(policy_for("https://*.example.com:8443"), origin) is expected


@pytest.mark.parametrize(
    ("origin", "expected"),
    [
        ("http://localhost", True),
        ("http://localhost:3000", True),
        ("http://localhost:65535", True),
        ("https://localhost:3000", False),  # the scheme must match
        ("http://127.0.0.1:3000", False),  # a different origin to a browser
        ("http://sub.localhost:3000", False),
        ("http://localhost.evil.net:3000", False),
        ("http://evillocalhost:3000", False),
    ],
)
def test_any_port_pattern_meaning(origin: str, expected: bool) -> None:
    assert allowed(policy_for("http://localhost:*"), origin) is expected


def test_subdomains_on_any_port() -> None:
    policy = policy_for("https://*.example.com:*")
    assert allowed(policy, "https://a.example.com:1234")
    assert allowed(policy, "https://example.com")
    assert not allowed(policy, "http://a.example.com:1234")


def test_ipv6_host_on_any_port() -> None:
    policy = policy_for("http://[::1]:*")
    assert allowed(policy, "http://[::1]:8000")
    assert not allowed(policy, "http://[::2]:8000")


def test_decision_names_the_pattern_and_reflects_the_origin() -> None:
    decision = decide(policy_for("https://*.example.com"), "https://api.example.com")
    assert decision.reason is Reason.ALLOWED_WILDCARD
    assert decision.matched == "https://*.example.com"
    assert ("access-control-allow-origin", "https://api.example.com") in decision.headers


def test_patterns_with_the_same_domain_and_different_schemes_or_ports_coexist() -> None:
    policy = policy_for("https://*.example.com", "http://*.example.com:8080", "https://*.example.com:9000")
    assert allowed(policy, "https://a.example.com")
    assert allowed(policy, "http://a.example.com:8080")
    assert allowed(policy, "https://a.example.com:9000")
    assert not allowed(policy, "http://a.example.com")
    assert not allowed(policy, "https://a.example.com:8080")


# -- the same meaning as Django's CSRF_TRUSTED_ORIGINS -------------------------------------


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW for the comparison: says why Django refused."""
    return HttpResponse(reason, status=403)


def django_trusts(pattern: str, origin: str) -> bool:
    """Whether Django's CsrfViewMiddleware accepts ``origin`` with CSRF_TRUSTED_ORIGINS = [pattern]."""
    with override_settings(CSRF_TRUSTED_ORIGINS=[pattern], CSRF_FAILURE_VIEW=f"{__name__}.csrf_failure"):
        middleware = CsrfViewMiddleware(lambda request: HttpResponse())
        request = RequestFactory().post("/", HTTP_ORIGIN=origin)
        response = middleware.process_view(request, csrf_failure, (), {})
    # The origin check runs first; past it Django refuses for the missing CSRF cookie.
    assert response is not None
    return not response.content.decode().startswith("Origin checking failed")


# Patterns both sides accept as written (Django compares the port text literally, so a
# pattern with the scheme's default port is left out: see the test after this one).
CSRF_PATTERNS = [
    "https://*.example.com",
    "http://*.example.com",
    "https://*.example.com:8443",
    "https://*.a.example.com",
    "https://*.xn--bcher-kva.example",
]
_labels = st.sampled_from(["a", "b", "example", "com", "evil", "a-b", "xn--bcher-kva", "examplecom"])
_hosts = st.lists(_labels, min_size=1, max_size=5).map(".".join)
_ports = st.sampled_from(["", ":8443", ":443", ":80", ":8080"])
_origins = st.builds(
    lambda scheme, host, port: f"{scheme}://{host}{port}", st.sampled_from(["http", "https"]), _hosts, _ports
)


@settings(max_examples=300, deadline=None)
@given(pattern=st.sampled_from(CSRF_PATTERNS), origin=_origins)
def test_same_answer_as_django_csrf_trusted_origins(pattern: str, origin: str) -> None:
    assert is_well_formed_request_origin(origin)
    assert allowed(policy_for(pattern), origin) is django_trusts(pattern, origin), (pattern, origin)


@pytest.mark.parametrize(
    ("pattern", "origin"),
    [
        ("https://*.example.com", "https://example.com"),
        ("https://*.example.com", "https://deep.sub.example.com"),
        ("https://*.example.com", "https://evilexample.com"),
        ("https://*.example.com", "http://sub.example.com"),
        ("https://*.example.com:8443", "https://sub.example.com:8443"),
        ("https://*.example.com:8443", "https://sub.example.com"),
    ],
)
def test_same_answer_as_is_same_domain(pattern: str, origin: str) -> None:
    # is_same_domain is the primitive CsrfViewMiddleware uses, on netlocs of one scheme.
    pattern_scheme, _, pattern_netloc = pattern.partition("://")
    scheme, _, netloc = origin.partition("://")
    expected = scheme == pattern_scheme and is_same_domain(netloc, pattern_netloc.lstrip("*"))
    assert allowed(policy_for(pattern), origin) is expected
    assert django_trusts(pattern, origin) is expected


def test_deliberate_difference_default_port_in_the_pattern() -> None:
    # Browsers never send a default port, so Django's literal ':443' never matches one;
    # we read the pattern in normal form (and note it with I043), so it matches.
    assert not django_trusts("https://*.example.com:443", "https://a.example.com")
    assert allowed(policy_for("https://*.example.com"), "https://a.example.com")
    (parsed, _), problems = validate_origins(["https://*.example.com:443"], "X")
    assert [p.id for p in problems] == ["crossorigin.I043"]
    assert allowed(Policy(PolicyOptions(allowed_origins=parsed)), "https://a.example.com")


def test_deliberate_difference_any_port() -> None:
    # CSRF_TRUSTED_ORIGINS has no any-port form; ours is an explicit, documented addition.
    assert not django_trusts("http://localhost:*", "http://localhost:3000")
    assert allowed(policy_for("http://localhost:*"), "http://localhost:3000")


# -- through the middleware ---------------------------------------------------------------


@override_settings(CORS_ALLOWED_ORIGINS=["https://*.example.com", "http://localhost:*"])
@pytest.mark.parametrize("origin", ["https://api.example.com", "https://example.com", "http://localhost:5173"])
def test_middleware_reflects_a_wildcard_match(send: Send, origin: str) -> None:
    response = send("GET", "/api/items/", {"origin": origin})
    assert_cors_allowed(response, origin)
    assert cors_headers(response)["access-control-allow-origin"] == origin
    assert "origin" in response["Vary"]
    preflight = send.preflight("/api/items/", origin, "PUT")
    assert preflight.status_code == 200
    assert_cors_allowed(preflight, origin)
    assert cors_headers(preflight)["access-control-allow-origin"] == origin


@override_settings(CORS_ALLOWED_ORIGINS=["https://*.example.com", "http://localhost:*"])
@pytest.mark.parametrize("origin", ["https://evilexample.com", "http://api.example.com", "https://localhost:5173"])
def test_middleware_refuses_a_near_miss(send: Send, origin: str) -> None:
    response = send("GET", "/api/items/", {"origin": origin})
    assert_cors_denied(response)
    assert set(cors_headers(response)) == {"vary"}  # no Access-Control-* header
    assert "origin" in response["Vary"]


# -- cost: flat in the number of patterns ---------------------------------------------------


class Accesses:
    """Counts every element a matcher touches in its tables."""

    count = 0


class CountingDict(dict[Any, Any]):
    """A dict that counts lookups, and every entry visited when iterated."""

    def get(self, key: Any, default: Any = None) -> Any:
        Accesses.count += 1
        return super().get(key, default)

    def __getitem__(self, key: Any) -> Any:
        Accesses.count += 1
        return super().__getitem__(key)

    def __contains__(self, key: object) -> bool:
        Accesses.count += 1
        return super().__contains__(key)

    def __iter__(self) -> Any:
        Accesses.count += len(self)
        return super().__iter__()

    def items(self) -> Any:
        Accesses.count += len(self)
        return super().items()

    def values(self) -> Any:
        Accesses.count += len(self)
        return super().values()


class CountingTuple(tuple[Any, ...]):
    """The pattern list: a scan over it counts one access per pattern."""

    def __iter__(self) -> Any:
        Accesses.count += len(self)
        return super().__iter__()


def accesses_for(patterns: int, origin: str) -> int:
    parsed = [parse_origin(f"https://*.tenant{i}.example.net") for i in range(patterns)]
    parsed += [parse_origin(f"http://host{i}:*") for i in range(patterns)]
    parsed.append(parse_origin("https://*.example.com"))
    matcher = WildcardMatcher(parsed)
    matcher._subdomains = CountingDict(matcher._subdomains)
    matcher._any_port_hosts = CountingDict(matcher._any_port_hosts)
    matcher.patterns = CountingTuple(matcher.patterns)
    Accesses.count = 0
    assert (matcher.match(origin) is not None) is origin.endswith(("example.com", ":80"))
    return Accesses.count


@pytest.mark.parametrize("origin", ["https://a.b.c.example.com", "https://nowhere.example.org", "http://host0:80"])
def test_lookups_do_not_grow_with_the_number_of_patterns(origin: str) -> None:
    counts = {n: accesses_for(n, origin) for n in (1, 100, 10_000)}
    assert len(set(counts.values())) == 1, counts
    # One lookup in the any-port table, then one per parent domain of the host.
    host = origin.partition("://")[2].partition(":")[0]
    assert 1 <= counts[1] <= 1 + host.count(".") + 1


def test_a_match_among_ten_thousand_patterns_is_found() -> None:
    policy = policy_for(*[f"https://*.tenant{i}.example.net" for i in range(10_000)])
    assert allowed(policy, "https://app.tenant9999.example.net")
    assert not allowed(policy, "https://app.tenant10000.example.net")
