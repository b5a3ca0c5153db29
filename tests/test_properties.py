"""Properties that hold for every request and every valid configuration (hypothesis).

For arbitrary header values and arbitrary valid settings:

- an origin the settings do not allow never gets Access-Control-Allow-Origin, and the
  value sent is either the request's own Origin or '*';
- '*' never goes out together with credentials;
- every response of a URL where CORS is enabled carries ``Vary: origin``;
- no exception escapes the middleware;
- the sync and the async middleware answer with identical status and headers.

"Allowed" is judged by a reference written here from the documented rules, not by the
package's matchers. The hostile-input examples (B15, B16, B17) follow the properties.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory, override_settings
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from crossorigin._config import registry
from crossorigin._core.options import PolicyOptions
from crossorigin._core.origins import ORIGIN_MAX_LENGTH, OriginError, parse_origin
from crossorigin._core.policy import (
    MEMO_MAX_ENTRIES,
    REQUEST_HEADERS_MAX_COUNT,
    REQUEST_HEADERS_MAX_LENGTH,
    Policy,
    Reason,
    decide,
    parse_request_headers,
)
from crossorigin._http.logs import escape, log_decision
from crossorigin.middleware import CorsMiddleware

HOSTS = [
    "example.com",
    "a.example.com",
    "b.a.example.com",
    "example.org",
    "localhost",
    "127.0.0.1",
    "xn--bcher-kva.example",
]
SCHEMES = ["http", "https"]
PORTS = ["", ":8000", ":8443"]
REGEXES = [
    r"^https://[a-z0-9-]+\.example\.org$",
    r"https://localhost:[0-9]+",
    r"^http://127\.0\.0\.1(:[0-9]+)?$",
    r"^https://(www|api)\.example\.net$",
]
METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "*"]
HEADER_NAMES = ["content-type", "x-custom", "authorization", "x-requested-with", "*"]
PATHS = ["/api/items/", "/other/page", "/"]

settings_profile = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)


@dataclass(frozen=True)
class Config:
    """One valid configuration, as Django settings plus what the reference needs."""

    exact: tuple[str, ...]
    wildcards: tuple[tuple[str, str, str], ...]  # (scheme, host, port: '' / ':8000' / ':*'), subdomains
    any_port: tuple[tuple[str, str], ...]  # (scheme, host) allowed on every port
    regexes: tuple[str, ...]
    allow_all: bool
    credentials: bool
    methods: tuple[str, ...]
    headers: tuple[str, ...]
    expose: tuple[str, ...]
    max_age: int
    private_network: bool
    urls_regex: str | None

    def django_settings(self) -> dict[str, Any]:
        origins = list(self.exact)
        origins += [f"{scheme}://*.{host}{port}" for scheme, host, port in self.wildcards]
        origins += [f"{scheme}://{host}:*" for scheme, host in self.any_port]
        values: dict[str, Any] = {
            "CORS_ALLOWED_ORIGINS": origins,
            "CORS_ALLOWED_ORIGIN_REGEXES": list(self.regexes),
            "CORS_ALLOW_ALL_ORIGINS": self.allow_all,
            "CORS_ALLOW_CREDENTIALS": self.credentials,
            "CORS_ALLOW_METHODS": list(self.methods),
            "CORS_ALLOW_HEADERS": list(self.headers),
            "CORS_EXPOSE_HEADERS": list(self.expose),
            "CORS_PREFLIGHT_MAX_AGE": self.max_age,
            "CORS_ALLOW_PRIVATE_NETWORK": self.private_network,
        }
        if self.urls_regex is not None:
            values["CORS_URLS_REGEX"] = self.urls_regex
        return values

    def allows(self, origin: str | None) -> bool:
        """The reference: may this Origin header value be granted access at all?"""
        if not origin:
            return False
        if self.allow_all or origin in self.exact:
            return True
        if any(re.fullmatch(rx, origin) for rx in self.regexes):
            return True
        scheme, sep, rest = origin.partition("://")
        if not sep:
            return False
        host, _, port = rest.partition(":")
        port = f":{port}" if port else ""
        for w_scheme, w_host, w_port in self.wildcards:
            in_domain = host == w_host or host.endswith("." + w_host)
            if scheme == w_scheme and in_domain and (w_port in (port, ":*")):
                return True
        return any(scheme == a_scheme and host == a_host for a_scheme, a_host in self.any_port)

    def enabled(self, path: str) -> bool:
        return self.urls_regex is None or re.match(self.urls_regex, path) is not None


def _origin(scheme: str, host: str, port: str) -> str:
    return f"{scheme}://{host}{port}"


origins_in_pools = st.builds(_origin, st.sampled_from(SCHEMES), st.sampled_from(HOSTS), st.sampled_from(PORTS))

configs = st.builds(
    Config,
    exact=st.lists(st.one_of(origins_in_pools, st.just("null")), max_size=4, unique=True).map(tuple),
    wildcards=st.lists(
        st.tuples(st.sampled_from(SCHEMES), st.sampled_from(HOSTS[:4]), st.sampled_from(["", ":8000", ":*"])),
        max_size=2,
        unique=True,
    ).map(tuple),
    any_port=st.lists(st.tuples(st.sampled_from(SCHEMES), st.sampled_from(HOSTS)), max_size=2, unique=True).map(tuple),
    regexes=st.lists(st.sampled_from(REGEXES), max_size=2, unique=True).map(tuple),
    allow_all=st.booleans(),
    credentials=st.booleans(),
    methods=st.lists(st.sampled_from(METHODS), min_size=1, max_size=4, unique=True).map(tuple),
    headers=st.lists(st.sampled_from(HEADER_NAMES), max_size=4, unique=True).map(tuple),
    expose=st.lists(st.sampled_from(["x-total", "x-page", "*"]), max_size=2, unique=True).map(tuple),
    max_age=st.sampled_from([0, 600, 86400]),
    private_network=st.booleans(),
    urls_regex=st.sampled_from([None, r"^/api/", r"^.*$"]),
)


def _mutate(origin: str, how: str) -> str:
    return {
        "upper": origin.upper(),
        "slash": origin + "/",
        "suffix": origin + ".evil.net",
        "prefix": origin.replace("://", "://evil"),
        "bracket": origin + "]",
        "space": " " + origin,
        "crlf": origin + "\r\nX-Injected: 1",
        "long": origin + "a" * ORIGIN_MAX_LENGTH,
    }[how]


request_origins = st.one_of(
    st.none(),
    origins_in_pools,
    st.builds(_origin, st.sampled_from(SCHEMES), st.sampled_from(["x." + h for h in HOSTS]), st.sampled_from(PORTS)),
    st.builds(
        _mutate,
        origins_in_pools,
        st.sampled_from(["upper", "slash", "suffix", "prefix", "bracket", "space", "crlf", "long"]),
    ),
    st.sampled_from(["null", "file://", "", "*", "https://", "https://[::1]", "https://[::1", "https://a:99999"]),
    st.text(max_size=80),
)
header_values = st.one_of(
    st.none(),
    st.lists(st.sampled_from([*HEADER_NAMES, "x-other", "Content-Type", ""]), max_size=6).map(",".join),
    st.integers(min_value=0, max_value=20_000).map(lambda n: "," * n),
    st.text(max_size=60),
)


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    origin: str | None
    request_method: str | None
    request_headers: str | None
    private_network: str | None

    def build(self) -> HttpRequest:
        headers = {}
        for name, value in (
            ("origin", self.origin),
            ("access-control-request-method", self.request_method),
            ("access-control-request-headers", self.request_headers),
            ("access-control-request-private-network", self.private_network),
        ):
            if value is not None:
                headers[name] = value
        request = RequestFactory().generic(self.method, self.path)
        # Set in META directly: RequestFactory would refuse some hostile values, a server may not.
        for name, value in headers.items():
            request.META["HTTP_" + name.upper().replace("-", "_")] = value
        return request


requests = st.builds(
    Request,
    method=st.sampled_from(["GET", "POST", "OPTIONS", "OPTIONS", "PUT"]),
    path=st.sampled_from(PATHS),
    origin=request_origins,
    request_method=st.one_of(st.none(), st.sampled_from([*METHODS, "get", "TRACE"]), st.text(max_size=80)),
    request_headers=header_values,
    private_network=st.sampled_from([None, "true", "false"]),
)


def origins_for(config: Config) -> st.SearchStrategy[str]:
    """Origins a configuration allows (as a browser sends them), so grants are exercised too."""
    choices = [o for o in config.exact if o != "null"]
    choices += [f"{scheme}://x.{host}{'' if port == ':*' else port}" for scheme, host, port in config.wildcards]
    choices += [f"{scheme}://{host}:9000" for scheme, host in config.any_port]
    if r"^https://(www|api)\.example\.net$" in config.regexes:
        choices.append("https://api.example.net")
    return st.sampled_from(choices) if choices else origins_in_pools


def browser_requests(config: Config) -> st.SearchStrategy[Request]:
    """Well-formed actual requests and preflights from origins the configuration allows."""
    return st.builds(
        Request,
        method=st.sampled_from(["GET", "POST", "OPTIONS"]),
        path=st.sampled_from(PATHS),
        origin=origins_for(config),
        request_method=st.sampled_from(["GET", "PUT", "DELETE", "PATCH", "TRACE"]),
        request_headers=st.one_of(st.none(), st.lists(st.sampled_from(HEADER_NAMES[:4]), max_size=3).map(",".join)),
        private_network=st.sampled_from([None, "true"]),
    )


def view(request: HttpRequest) -> HttpResponse:
    return HttpResponse("view")


async def async_view(request: HttpRequest) -> HttpResponse:
    return HttpResponse("view")


def _answer(config: Config, request: Request) -> tuple[HttpResponse, HttpResponse]:
    with override_settings(**config.django_settings()):
        registry.reset()
        sync_response = CorsMiddleware(view)(request.build())
        async_response = async_to_sync(CorsMiddleware(async_view))(request.build())
    return sync_response, async_response


def _headers(response: HttpResponse) -> list[tuple[str, str]]:
    return sorted((name.lower(), value) for name, value in response.items())


@settings_profile
@given(config=configs, data=st.data())
def test_only_allowed_origins_are_granted_and_sync_equals_async(config: Config, data: st.DataObject) -> None:
    request = data.draw(st.one_of(requests, browser_requests(config)))
    sync_response, async_response = _answer(config, request)

    assert (sync_response.status_code, _headers(sync_response)) == (
        async_response.status_code,
        _headers(async_response),
    )

    granted = sync_response.get("access-control-allow-origin")
    credentials = sync_response.get("access-control-allow-credentials")
    if granted is not None:
        assert config.allows(request.origin), f"{request.origin!r} was granted under {config}"
        assert granted in (request.origin, "*")
        assert config.enabled(request.path)
    if granted == "*":
        assert credentials is None, "'*' went out with credentials"
        assert config.allow_all
        assert not config.credentials
    if credentials is not None:
        assert credentials == "true"
        assert granted == request.origin
    if config.enabled(request.path):
        vary = [v.strip().lower() for v in sync_response.get("Vary", "").split(",")]
        assert "origin" in vary
    else:
        assert not any(name.lower().startswith("access-control-") for name, _ in sync_response.items())


@settings_profile
@given(config=configs, data=st.data())
def test_listed_origins_are_granted(config: Config, data: st.DataObject) -> None:
    """The converse, so the property above cannot pass by granting nothing."""
    assume(any(o != "null" for o in config.exact))
    origin = data.draw(st.sampled_from([o for o in config.exact if o != "null"]))
    request = Request("GET", "/api/items/", origin, None, None, None)
    sync_response, _ = _answer(config, request)
    assert sync_response["access-control-allow-origin"] in (origin, "*")


@settings(max_examples=300, deadline=None)
@given(value=st.text(max_size=300))
@example(value="https://EXAMPLE.com:443")
@example(value="https://*.example.com:*")
def test_parse_origin_returns_a_normal_form_or_raises_origin_error(value: str) -> None:
    try:
        parsed = parse_origin(value)
    except OriginError:
        return
    normal = parsed.serialize()
    assert normal.isascii()
    assert normal.isprintable()
    assert parse_origin(normal) == parsed, "the normal form parses to itself"


# -- hostile input ---------------------------------------------------------------------


class _Unsplittable(str):
    """A header value that fails the test if anything splits or scans it."""

    __slots__ = ()

    def split(self, *args: Any, **kwargs: Any) -> list[str]:  # type: ignore[override]
        raise AssertionError("an over-long header was split")


@pytest.mark.parametrize(
    "value",
    [
        "," * (REQUEST_HEADERS_MAX_LENGTH + 1),
        "a," * REQUEST_HEADERS_MAX_COUNT,
        "x-a," * 1_000_000,
    ],
)
def test_b15_an_oversized_request_headers_list_is_refused_unread(value: str) -> None:
    assert parse_request_headers(_Unsplittable(value)) is None
    policy = Policy(PolicyOptions(allow_all_origins=True, allow_headers=("*",)))
    decision = decide(policy, "https://a.example", preflight=True, request_method="GET", request_headers=value)
    assert decision.reason is Reason.PREFLIGHT_INVALID
    assert not decision.allowed
    assert not decision.headers


def test_b15_the_caps_still_admit_what_browsers_send() -> None:
    names = ",".join(f"x-h{i}" for i in range(REQUEST_HEADERS_MAX_COUNT))
    assert parse_request_headers(names) == [f"x-h{i}" for i in range(REQUEST_HEADERS_MAX_COUNT)]


@pytest.mark.parametrize(
    "origin",
    [
        "https://" + "a" * ORIGIN_MAX_LENGTH + ".example",
        "https://example.com]",
        "https://exa mple.com",
        "https://example.com\r\nSet-Cookie: a=b",
        "https://example.com/",
        "https://user@example.com",
        "\x00",
    ],
)
def test_b15_malformed_origins_are_refused_even_when_all_origins_are_allowed(origin: str) -> None:
    policy = Policy(PolicyOptions(allow_all_origins=True))
    for preflight in (False, True):
        decision = decide(policy, origin, preflight=preflight, request_method="GET" if preflight else None)
        assert decision.reason is Reason.ORIGIN_INVALID
        assert not decision.headers


def test_b15_a_flood_of_distinct_origins_cannot_grow_the_policy() -> None:
    policy = Policy(PolicyOptions(allowed_origin_regexes=(re.compile(r"https://[a-z0-9]+\.example"),)))
    for i in range(MEMO_MAX_ENTRIES * 3):
        decide(policy, f"https://o{i}.example")
        decide(policy, f"https://o{i}.other")
    memos = [getattr(policy, slot) for slot in type(policy).__slots__ if slot.endswith("_memo")]
    assert memos
    assert all(len(memo) <= MEMO_MAX_ENTRIES for memo in memos)


@settings(max_examples=200, deadline=None)
@given(value=st.one_of(st.none(), st.text(max_size=400)))
@example(value="https://a.example\r\ncors allowed-exact policy=global origin=https://evil")
def test_b16_escaped_values_are_one_printable_ascii_line(value: str | None) -> None:
    text = escape(value)
    assert text.isascii()
    assert text.isprintable()
    assert "\n" not in text
    assert "\r" not in text
    assert len(text) <= 4 * 10 * 200 + 3  # at most ten characters of escape per character kept


def test_b16_a_forged_log_line_in_the_origin_stays_on_its_line(caplog: pytest.LogCaptureFixture) -> None:
    hostile = "https://a.example\ncors allowed-exact policy=global origin=https://evil.example"
    policy = Policy(PolicyOptions())
    with caplog.at_level(logging.DEBUG, logger="crossorigin"):
        log_decision(decide(policy, hostile), hostile, "/api/\r\nfake")
    (record,) = caplog.records
    line = record.getMessage()
    assert "\n" not in line
    assert "\r" not in line
    assert "\\x0a" in line
    assert "\\x0d" in line


def test_b17_a_later_middleware_mutating_a_response_cannot_change_the_next_one() -> None:
    def meddling_view(request: HttpRequest) -> HttpResponse:
        return HttpResponse("view")

    middleware = CorsMiddleware(meddling_view)
    factory = RequestFactory()
    preflight = {"origin": "https://example.com", "access-control-request-method": "PUT"}
    with override_settings(CORS_ALLOWED_ORIGINS=["https://example.com"], CORS_EXPOSE_HEADERS=["x-total"]):
        registry.reset()
        first = middleware(factory.options("/api/items/", headers=preflight))
        expected = _headers(first)
        # What a careless later middleware (or view) might do to the response it got.
        first["access-control-allow-methods"] += ", TRACE"
        first["access-control-allow-headers"] = "*"
        del first["access-control-max-age"]
        first.headers["access-control-allow-origin"] = "https://evil.example"
        second = middleware(factory.options("/api/items/", headers=preflight))
        assert _headers(second) == expected

        actual = middleware(factory.get("/api/items/", headers={"origin": "https://example.com"}))
        actual["access-control-expose-headers"] = "set-cookie"
        again = middleware(factory.get("/api/items/", headers={"origin": "https://example.com"}))
        assert again["access-control-expose-headers"] == "x-total"


def test_b17_precomputed_headers_are_immutable() -> None:
    policy = Policy(PolicyOptions(allowed_origins=(parse_origin("https://example.com"),), expose_headers=("x-total",)))
    decision = decide(policy, "https://example.com", preflight=True, request_method="PUT")
    assert isinstance(decision.headers, tuple)
    assert all(isinstance(pair, tuple) for pair in decision.headers)
    with pytest.raises(AttributeError):
        decision.headers.append(("x", "y"))  # type: ignore[attr-defined]
    with pytest.raises(AttributeError):
        decision.reason = Reason.ALLOWED_ALL_ORIGINS  # type: ignore[misc]
    with pytest.raises(TypeError):
        decision.headers[0][1] = "*"  # type: ignore[index]
