"""CorsMiddleware end to end, through Django's test Client and its AsyncClient.

Every test takes ``send`` and so runs twice: once through the WSGI-style handler, once
through the ASGI handler. Settings come from ``tests/settings.py``
(``CORS_ALLOWED_ORIGINS = ["https://example.com"]``) plus each test's overrides.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.dispatch import receiver

from crossorigin._core.constants import (
    ACCESS_CONTROL_ALLOW_CREDENTIALS,
    ACCESS_CONTROL_ALLOW_HEADERS,
    ACCESS_CONTROL_ALLOW_METHODS,
    ACCESS_CONTROL_ALLOW_ORIGIN,
    ACCESS_CONTROL_ALLOW_PRIVATE_NETWORK,
    ACCESS_CONTROL_EXPOSE_HEADERS,
    ACCESS_CONTROL_MAX_AGE,
)
from crossorigin.defaults import default_headers, default_methods
from crossorigin.signals import check_request_enabled
from tests.conftest import Send, SettingsWrapper, cors_headers, preflight_headers

ALLOWED = "https://example.com"
OTHER = "https://other.example"


def vary(response: Any) -> list[str]:
    return [part.strip().lower() for part in response.get("Vary", "").split(",") if part.strip()]


# -- Vary ---------------------------------------------------------------------------


@pytest.mark.parametrize("origin", [ALLOWED, OTHER, None])
def test_vary_origin_on_every_response_of_an_enabled_url(send: Send, origin: str | None) -> None:
    headers = {"origin": origin} if origin else {}
    response = send("GET", "/api/items/", headers)
    assert response.status_code == 200
    assert vary(response) == ["origin"]


@pytest.mark.parametrize("origin", [ALLOWED, OTHER, None])
def test_vary_origin_is_added_to_the_views_vary_never_replacing_it(send: Send, origin: str | None) -> None:
    response = send("GET", "/api/vary/", {"origin": origin} if origin else {})
    assert response["Vary"] == "Accept-Encoding, origin"


def test_vary_origin_not_duplicated(send: Send, settings: SettingsWrapper) -> None:
    # /api/vary/ sets Vary itself; a second middleware pass must not add "origin" twice.
    settings.MIDDLEWARE = [
        "crossorigin.middleware.CorsMiddleware",
        "crossorigin.middleware.CorsMiddleware",
    ]
    response = send("GET", "/api/vary/", {"origin": ALLOWED})
    assert response["Vary"] == "Accept-Encoding, origin"


def test_no_vary_outside_cors_urls_regex(send: Send, settings: SettingsWrapper) -> None:
    settings.CORS_URLS_REGEX = r"^/api/"
    response = send("GET", "/public/items/", {"origin": ALLOWED})
    assert "Vary" not in response
    assert cors_headers(response) == {}


# -- actual requests ------------------------------------------------------------------


def test_allowed_origin_is_echoed(send: Send) -> None:
    response = send("GET", "/api/items/", {"origin": ALLOWED})
    assert cors_headers(response) == {ACCESS_CONTROL_ALLOW_ORIGIN: ALLOWED}
    assert response.content == b"plain"


@pytest.mark.parametrize("origin", [OTHER, "http://example.com", "https://example.com.evil.net", "https://EXAMPLE.com"])
def test_disallowed_origin_gets_no_cors_header(send: Send, origin: str) -> None:
    response = send("GET", "/api/items/", {"origin": origin})
    assert response.status_code == 200
    assert cors_headers(response) == {}
    assert vary(response) == ["origin"]


def test_no_origin_gets_no_cors_header(send: Send) -> None:
    response = send("GET", "/api/items/")
    assert cors_headers(response) == {}


def test_allow_all_sends_star(send: Send, settings: SettingsWrapper) -> None:
    settings.CORS_ALLOW_ALL_ORIGINS = True
    response = send("GET", "/api/items/", {"origin": "https://anyone.example"})
    assert cors_headers(response) == {ACCESS_CONTROL_ALLOW_ORIGIN: "*"}
    # Vary: Origin even though "*" does not depend on it, as the incumbent does.
    assert vary(response) == ["origin"]


def test_allow_all_with_credentials_echoes_the_origin(send: Send, settings: SettingsWrapper) -> None:
    settings.CORS_ALLOW_ALL_ORIGINS = True
    settings.CORS_ALLOW_CREDENTIALS = True
    response = send("GET", "/api/items/", {"origin": "https://anyone.example"})
    assert cors_headers(response) == {
        ACCESS_CONTROL_ALLOW_ORIGIN: "https://anyone.example",
        ACCESS_CONTROL_ALLOW_CREDENTIALS: "true",
    }


def test_credentials_on_an_allowed_origin(send: Send, settings: SettingsWrapper) -> None:
    settings.CORS_ALLOW_CREDENTIALS = True
    response = send("GET", "/api/items/", {"origin": ALLOWED})
    assert cors_headers(response) == {ACCESS_CONTROL_ALLOW_ORIGIN: ALLOWED, ACCESS_CONTROL_ALLOW_CREDENTIALS: "true"}


def test_no_credentials_header_for_a_disallowed_origin(send: Send, settings: SettingsWrapper) -> None:
    # An incumbent regression: the credentials header once went out for refused origins.
    settings.CORS_ALLOW_CREDENTIALS = True
    for method in ("GET", "OPTIONS"):
        extra = preflight_headers(OTHER) if method == "OPTIONS" else {"origin": OTHER}
        response = send(method, "/api/items/", extra)
        assert cors_headers(response) == {}


def test_expose_headers(send: Send, settings: SettingsWrapper) -> None:
    settings.CORS_EXPOSE_HEADERS = ["X-Total-Count", "X-Request-Id"]
    response = send("GET", "/api/items/", {"origin": ALLOWED})
    assert response[ACCESS_CONTROL_EXPOSE_HEADERS] == "X-Total-Count, X-Request-Id"
    assert ACCESS_CONTROL_ALLOW_METHODS not in response  # preflight-only headers stay off


def test_head_request(send: Send) -> None:
    response = send("HEAD", "/api/items/", {"origin": ALLOWED})
    assert response[ACCESS_CONTROL_ALLOW_ORIGIN] == ALLOWED


def test_old_setting_names_work(send: Send, settings: SettingsWrapper) -> None:
    del settings.CORS_ALLOWED_ORIGINS
    settings.CORS_ORIGIN_WHITELIST = [OTHER]
    settings.CORS_ORIGIN_REGEX_WHITELIST = [r"https://r\d\.example"]
    assert send("GET", "/api/items/", {"origin": OTHER})[ACCESS_CONTROL_ALLOW_ORIGIN] == OTHER
    assert (
        send("GET", "/api/items/", {"origin": "https://r1.example"})[ACCESS_CONTROL_ALLOW_ORIGIN]
        == "https://r1.example"
    )
    assert cors_headers(send("GET", "/api/items/", {"origin": ALLOWED})) == {}


def test_new_setting_name_wins_over_the_old(send: Send, settings: SettingsWrapper) -> None:
    settings.CORS_ORIGIN_WHITELIST = [OTHER]
    settings.CORS_ORIGIN_ALLOW_ALL = True
    settings.CORS_ALLOW_ALL_ORIGINS = False
    assert send("GET", "/api/items/", {"origin": ALLOWED})[ACCESS_CONTROL_ALLOW_ORIGIN] == ALLOWED
    assert cors_headers(send("GET", "/api/items/", {"origin": OTHER})) == {}


def test_regexes_match_the_whole_origin(send: Send, settings: SettingsWrapper) -> None:
    settings.CORS_ALLOWED_ORIGIN_REGEXES = [r"^https://\w+\.example\.com"]
    ok = "https://api.example.com"
    assert send("GET", "/api/items/", {"origin": ok})[ACCESS_CONTROL_ALLOW_ORIGIN] == ok
    # Not anchored at the end, yet fullmatch refuses the attacker's domain (B3).
    assert cors_headers(send("GET", "/api/items/", {"origin": "https://api.example.com.evil.net"})) == {}


# -- special origins, ports, schemes, malformed origins ---------------------------------


@pytest.mark.parametrize("special", ["null", "file://"])
def test_special_origins_only_when_listed(send: Send, settings: SettingsWrapper, special: str) -> None:
    assert cors_headers(send("GET", "/api/items/", {"origin": special})) == {}
    settings.CORS_ALLOWED_ORIGINS = [ALLOWED, special]
    assert send("GET", "/api/items/", {"origin": special})[ACCESS_CONTROL_ALLOW_ORIGIN] == special
    # Listing one does not let in the other.
    other = "file://" if special == "null" else "null"
    assert cors_headers(send("GET", "/api/items/", {"origin": other})) == {}


def test_default_port_is_optional_in_settings(send: Send, settings: SettingsWrapper) -> None:
    settings.CORS_ALLOWED_ORIGINS = ["https://example.com:443", "http://api.example:80", "http://localhost:8000"]
    for origin in ("https://example.com", "http://api.example", "http://localhost:8000"):
        assert send("GET", "/api/items/", {"origin": origin})[ACCESS_CONTROL_ALLOW_ORIGIN] == origin
    for origin in ("http://localhost", "http://localhost:8001", "http://127.0.0.1:8000"):
        assert cors_headers(send("GET", "/api/items/", {"origin": origin})) == {}


def test_scheme_matters(send: Send, settings: SettingsWrapper) -> None:
    settings.CORS_ALLOWED_ORIGINS = ["http://example.com"]
    assert send("GET", "/api/items/", {"origin": "http://example.com"})[ACCESS_CONTROL_ALLOW_ORIGIN]
    assert cors_headers(send("GET", "/api/items/", {"origin": "https://example.com"})) == {}


@pytest.mark.parametrize(
    "origin",
    [
        "https://example.com]",
        "https://[example.com",
        "https://exa mple.com",
        "https://example.com/",
        "https://example.com:99999999999999999999",
        "example.com",
        "://",
        "https://" + "a" * 5000 + ".com",
        "https://example.com\x00",
        "https://\u00e9xample.com",
    ],
)
@pytest.mark.parametrize("allow_all", [False, True])
def test_malformed_origin_never_raises_and_is_refused(
    send: Send, settings: SettingsWrapper, origin: str, allow_all: bool
) -> None:
    settings.CORS_ALLOW_ALL_ORIGINS = allow_all
    response = send("GET", "/api/items/", {"origin": origin})
    assert response.status_code == 200
    assert cors_headers(response) == {}
    preflight = send("OPTIONS", "/api/items/", preflight_headers(origin))
    assert preflight.status_code == 200
    assert cors_headers(preflight) == {}


# -- preflight ------------------------------------------------------------------------


def test_preflight_is_answered_by_the_middleware(send: Send) -> None:
    response = send("OPTIONS", "/api/options/", preflight_headers(ALLOWED, "PUT", "content-type"))
    assert response.status_code == 200  # the view would have said 204 "from the view"
    assert response.content == b""
    assert response["Content-Length"] == "0"
    assert cors_headers(response) == {
        ACCESS_CONTROL_ALLOW_ORIGIN: ALLOWED,
        ACCESS_CONTROL_ALLOW_HEADERS: ", ".join(default_headers),
        ACCESS_CONTROL_ALLOW_METHODS: ", ".join(default_methods),
        ACCESS_CONTROL_MAX_AGE: "86400",
    }
    assert vary(response) == ["origin"]


@pytest.mark.parametrize(
    "path",
    [
        "/api/private/",  # authentication would refuse it
        "/api/redirect/",  # the view redirects
        "/api/items",  # CommonMiddleware's APPEND_SLASH would redirect
        "/api/broken/",  # the view raises
        "/no/such/url/",  # 404
        "/api/answered/",  # a lower middleware answers 403
    ],
)
def test_preflight_answered_before_views_auth_and_redirects(send: Send, settings: SettingsWrapper, path: str) -> None:
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, "tests.views.AnswersItselfMiddleware"]
    response = send("OPTIONS", path, preflight_headers(ALLOWED, "DELETE", "authorization"))
    assert response.status_code == 200
    assert response.content == b""
    assert response[ACCESS_CONTROL_ALLOW_ORIGIN] == ALLOWED


def test_preflight_from_a_disallowed_origin_is_answered_without_cors_headers(send: Send) -> None:
    response = send("OPTIONS", "/api/options/", preflight_headers(OTHER))
    assert response.status_code == 200
    assert response.content == b""
    assert cors_headers(response) == {}
    assert vary(response) == ["origin"]


def test_options_without_request_method_reaches_the_view(send: Send) -> None:
    response = send("OPTIONS", "/api/options/", {"origin": ALLOWED})
    assert response.status_code == 204  # the view's answer; the middleware's is 200
    # Like django-cors-headers, any OPTIONS response for an allowed origin lists what a
    # preflight would.
    assert cors_headers(response) == {
        ACCESS_CONTROL_ALLOW_ORIGIN: ALLOWED,
        ACCESS_CONTROL_ALLOW_HEADERS: ", ".join(default_headers),
        ACCESS_CONTROL_ALLOW_METHODS: ", ".join(default_methods),
        ACCESS_CONTROL_MAX_AGE: "86400",
    }
    assert cors_headers(send("OPTIONS", "/api/options/", {"origin": OTHER})) == {}


def test_origin_less_preflight_is_answered_on_an_enabled_path(send: Send, settings: SettingsWrapper) -> None:
    # As django-cors-headers (tests/test_compat.py compares): an empty 200 with Vary.
    response = send("OPTIONS", "/api/options/", preflight_headers(None))
    assert response.status_code == 200
    assert response["Content-Length"] == "0"
    assert response["Vary"] == "origin"
    assert cors_headers(response) == {}
    settings.CORS_URLS_REGEX = r"^/nothing/"
    assert send("OPTIONS", "/api/options/", preflight_headers(None)).status_code == 204  # the view's answer


def test_preflight_outside_cors_urls_regex_reaches_the_view(send: Send, settings: SettingsWrapper) -> None:
    settings.CORS_URLS_REGEX = r"^/nothing/"
    response = send("OPTIONS", "/api/options/", preflight_headers(ALLOWED))
    assert response.status_code == 204
    assert cors_headers(response) == {}


def test_preflight_lists_configured_methods_and_headers(send: Send, settings: SettingsWrapper) -> None:
    settings.CORS_ALLOW_METHODS = ["GET", "POST", "PURGE"]
    settings.CORS_ALLOW_HEADERS = ["x-api-key", "Content-Type"]
    settings.CORS_PREFLIGHT_MAX_AGE = 600
    response = send("OPTIONS", "/api/items/", preflight_headers(ALLOWED, "PURGE", "x-api-key"))
    assert response[ACCESS_CONTROL_ALLOW_METHODS] == "GET, POST, PURGE"
    assert response[ACCESS_CONTROL_ALLOW_HEADERS] == "x-api-key, Content-Type"
    assert response[ACCESS_CONTROL_MAX_AGE] == "600"


def test_preflight_for_a_method_not_allowed_still_lists_the_allowed_ones(send: Send, settings: SettingsWrapper) -> None:
    # The browser then names the method it was refused in its console message.
    settings.CORS_ALLOW_METHODS = ["GET"]
    response = send("OPTIONS", "/api/items/", preflight_headers(ALLOWED, "DELETE"))
    assert response.status_code == 200
    assert response[ACCESS_CONTROL_ALLOW_METHODS] == "GET"


@pytest.mark.parametrize("max_age", [0, None])
def test_falsy_max_age_sends_no_header(send: Send, settings: SettingsWrapper, max_age: int | None) -> None:
    # Issue 2 and django-cors-headers: "0 or falsy sends no max-age header" (the browser
    # then uses its own default, 5 s in Chromium). A held-out compatibility suite checks it.
    settings.CORS_PREFLIGHT_MAX_AGE = max_age
    response = send("OPTIONS", "/api/items/", preflight_headers(ALLOWED))
    assert ACCESS_CONTROL_MAX_AGE not in response
    assert response[ACCESS_CONTROL_ALLOW_ORIGIN] == ALLOWED


def test_preflight_with_credentials_and_expose(send: Send, settings: SettingsWrapper) -> None:
    settings.CORS_ALLOW_CREDENTIALS = True
    settings.CORS_EXPOSE_HEADERS = ["X-Total"]
    response = send("OPTIONS", "/api/items/", preflight_headers(ALLOWED))
    headers = cors_headers(response)
    assert headers[ACCESS_CONTROL_ALLOW_CREDENTIALS] == "true"
    assert headers[ACCESS_CONTROL_EXPOSE_HEADERS] == "X-Total"


@pytest.mark.parametrize("request_headers", ["x-a," * 200, "x-" + "a" * 5000, "bad header", "x-a\r\nx-b"])
def test_hostile_request_headers_never_raise(send: Send, settings: SettingsWrapper, request_headers: str) -> None:
    settings.CORS_ALLOW_ALL_HEADERS = True  # django-dcors: reflect the requested headers
    response = send("OPTIONS", "/api/items/", preflight_headers(ALLOWED, "GET", request_headers))
    assert response.status_code == 200
    assert ACCESS_CONTROL_ALLOW_HEADERS not in response


# -- private network access ------------------------------------------------------------


@pytest.mark.parametrize("method", ["GET", "OPTIONS"])
def test_private_network_header_when_enabled_and_asked(send: Send, settings: SettingsWrapper, method: str) -> None:
    asked = {"access-control-request-private-network": "true"}
    base = preflight_headers(ALLOWED) if method == "OPTIONS" else {"origin": ALLOWED}
    assert ACCESS_CONTROL_ALLOW_PRIVATE_NETWORK not in send(method, "/api/items/", {**base, **asked})
    settings.CORS_ALLOW_PRIVATE_NETWORK = True
    assert send(method, "/api/items/", {**base, **asked})[ACCESS_CONTROL_ALLOW_PRIVATE_NETWORK] == "true"
    assert ACCESS_CONTROL_ALLOW_PRIVATE_NETWORK not in send(method, "/api/items/", base)
    assert ACCESS_CONTROL_ALLOW_PRIVATE_NETWORK not in send(method, "/api/items/", {**base, **asked, "origin": OTHER})


# -- CORS_URLS_REGEX ---------------------------------------------------------------------


def test_urls_regex_limits_cors(send: Send, settings: SettingsWrapper) -> None:
    settings.CORS_URLS_REGEX = r"^/api/.*$"
    assert send("GET", "/api/items/", {"origin": ALLOWED})[ACCESS_CONTROL_ALLOW_ORIGIN] == ALLOWED
    assert cors_headers(send("GET", "/public/items/", {"origin": ALLOWED})) == {}


def test_urls_regex_matches_path_info_not_the_script_prefix(sync_send: Send, settings: SettingsWrapper) -> None:
    # Mounted under /mount (SCRIPT_NAME): the regex sees path_info, as the incumbent's does.
    settings.CORS_URLS_REGEX = r"^/api/"
    response = sync_send("GET", "/api/items/", {"origin": ALLOWED}, SCRIPT_NAME="/mount")
    assert response[ACCESS_CONTROL_ALLOW_ORIGIN] == ALLOWED


def test_compiled_urls_regex_is_accepted(send: Send, settings: SettingsWrapper) -> None:
    import re

    settings.CORS_URLS_REGEX = re.compile(r"^/public/")
    assert send("GET", "/public/items/", {"origin": ALLOWED})[ACCESS_CONTROL_ALLOW_ORIGIN] == ALLOWED
    assert cors_headers(send("GET", "/api/items/", {"origin": ALLOWED})) == {}


# -- responses made below the middleware -------------------------------------------------


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/api/missing/", 404),  # the view raises Http404
        ("/no/such/url/", 404),  # no URL matches
        ("/api/broken/", 500),  # the view raises; Django turns it into a 500
        ("/api/items", 301),  # CommonMiddleware's APPEND_SLASH redirect
        ("/api/answered/", 403),  # a lower middleware answers on its own
        ("/api/redirect/", 302),
    ],
)
def test_responses_made_below_get_the_headers(
    send_no_raise: Send, settings: SettingsWrapper, path: str, status: int
) -> None:
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, "tests.views.AnswersItselfMiddleware"]
    response = send_no_raise("GET", path, {"origin": ALLOWED})
    assert response.status_code == status
    assert response[ACCESS_CONTROL_ALLOW_ORIGIN] == ALLOWED
    assert vary(response)[-1] == "origin"


def test_streaming_response_gets_the_headers(send: Send, settings: SettingsWrapper) -> None:
    settings.CORS_EXPOSE_HEADERS = ["X-A"]
    response = send("GET", "/api/stream/", {"origin": ALLOWED})
    assert response.streaming
    assert response[ACCESS_CONTROL_EXPOSE_HEADERS] == "X-A"
    assert response[ACCESS_CONTROL_ALLOW_ORIGIN] == ALLOWED


# -- check_request_enabled ----------------------------------------------------------------


class Recorder:
    """A check_request_enabled receiver that answers ``answer`` and counts its calls."""

    def __init__(self, answer: object) -> None:
        self.answer = answer
        self.calls: list[str] = []

    def __call__(self, sender: object, request: Any, **kwargs: Any) -> object:
        self.calls.append(request.path_info)
        return self.answer


@pytest.fixture
def signal_receiver() -> Any:
    made: list[Recorder] = []

    def connect(answer: object) -> Recorder:
        recorder = Recorder(answer)
        check_request_enabled.connect(recorder, weak=False)
        made.append(recorder)
        return recorder

    yield connect
    for recorder in made:
        check_request_enabled.disconnect(recorder)


@pytest.mark.parametrize("answer", [True, 1, "yes", ["x"]])
def test_truthy_signal_enables_cors_and_allows_the_origin(
    send: Send, settings: SettingsWrapper, signal_receiver: Any, answer: object
) -> None:
    settings.CORS_URLS_REGEX = r"^/nothing/"
    recorder = signal_receiver(answer)
    response = send("GET", "/api/items/", {"origin": OTHER})
    assert response[ACCESS_CONTROL_ALLOW_ORIGIN] == OTHER
    assert vary(response) == ["origin"]
    assert recorder.calls == ["/api/items/"]


@pytest.mark.parametrize("answer", [False, None, 0, ""])
def test_falsy_signal_changes_nothing(
    send: Send, settings: SettingsWrapper, signal_receiver: Any, answer: object
) -> None:
    settings.CORS_URLS_REGEX = r"^/nothing/"
    recorder = signal_receiver(answer)
    response = send("GET", "/api/items/", {"origin": OTHER})
    assert cors_headers(response) == {}
    assert "Vary" not in response
    assert recorder.calls == ["/api/items/"]


def test_signal_allows_an_unlisted_origin_on_an_enabled_url(send: Send, signal_receiver: Any) -> None:
    recorder = signal_receiver(True)
    assert send("GET", "/api/items/", {"origin": OTHER})[ACCESS_CONTROL_ALLOW_ORIGIN] == OTHER
    assert len(recorder.calls) == 1


def test_any_receiver_saying_yes_is_enough(send: Send, signal_receiver: Any) -> None:
    no, yes = signal_receiver(False), signal_receiver(True)
    assert send("GET", "/api/items/", {"origin": OTHER})[ACCESS_CONTROL_ALLOW_ORIGIN] == OTHER
    assert len(no.calls) == len(yes.calls) == 1


@pytest.mark.parametrize("method", ["GET", "OPTIONS", "POST"])
@pytest.mark.parametrize("urls_regex", [r"^.*$", r"^/nothing/"])
def test_signal_sent_at_most_once_per_request(
    send: Send, settings: SettingsWrapper, signal_receiver: Any, method: str, urls_regex: str
) -> None:
    # The incumbent sent it from is_enabled() and again when adding headers.
    settings.CORS_URLS_REGEX = urls_regex
    recorder = signal_receiver(False)
    headers = preflight_headers(OTHER) if method == "OPTIONS" else {"origin": OTHER}
    send(method, "/api/items/", headers)
    assert len(recorder.calls) == 1


def test_signal_not_sent_when_settings_already_decide(send: Send, signal_receiver: Any) -> None:
    recorder = signal_receiver(True)
    assert send("GET", "/api/items/", {"origin": ALLOWED})[ACCESS_CONTROL_ALLOW_ORIGIN] == ALLOWED
    assert recorder.calls == []


def test_signal_on_a_preflight_outside_the_urls_regex(
    send: Send, settings: SettingsWrapper, signal_receiver: Any
) -> None:
    settings.CORS_URLS_REGEX = r"^/nothing/"
    recorder = signal_receiver(True)
    response = send("OPTIONS", "/api/options/", preflight_headers(OTHER))
    assert response.status_code == 200
    assert response.content == b""
    assert response[ACCESS_CONTROL_ALLOW_ORIGIN] == OTHER
    assert len(recorder.calls) == 1


def test_raising_receiver_counts_as_no_and_is_logged(
    send: Send, caplog: pytest.LogCaptureFixture, signal_receiver: Any
) -> None:
    @receiver(check_request_enabled)
    def explode(sender: object, request: Any, **kwargs: Any) -> bool:
        raise ValueError("receiver bug")

    try:
        with caplog.at_level("ERROR", logger="crossorigin"):
            response = send("GET", "/api/items/", {"origin": OTHER})
    finally:
        check_request_enabled.disconnect(explode)
    assert response.status_code == 200
    assert cors_headers(response) == {}
    assert "receiver bug" in caplog.text


# -- remembered answers never leak between requests ------------------------------------------


@pytest.fixture(params=["decorated", "undecorated"])
def view_mode(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run with and without decorated views: the middleware takes shortcuts without them."""
    from crossorigin._config import decorators

    if request.param == "undecorated":
        monkeypatch.setitem(decorators.DECORATED, "used", False)
    return str(request.param)


SEQUENCE: list[tuple[str, str, dict[str, str]]] = [
    ("GET", "/api/items/", {"origin": ALLOWED}),
    ("GET", "/api/items/", {"origin": OTHER}),
    ("GET", "/api/items/", {}),
    ("OPTIONS", "/api/items/", preflight_headers(ALLOWED, "PUT", "content-type")),
    ("OPTIONS", "/api/items/", preflight_headers(ALLOWED, "PUT", "x-not-allowed")),
    ("OPTIONS", "/api/items/", preflight_headers(OTHER, "PUT")),
    ("OPTIONS", "/api/options/", {"origin": ALLOWED}),
    ("OPTIONS", "/api/options/", preflight_headers(None)),
    ("GET", "/api/items/", {"origin": ALLOWED, "access-control-request-private-network": "true"}),
    ("GET", "/api/items/", {"origin": "https://example.com]"}),
]


@pytest.mark.usefixtures("view_mode")
@pytest.mark.parametrize("config", ["default", "credentials", "allow all", "regex", "private network"])
def test_repeated_requests_get_the_same_answer(send: Send, settings: SettingsWrapper, config: str) -> None:
    if config == "credentials":
        settings.CORS_ALLOW_CREDENTIALS = True
    elif config == "allow all":
        settings.CORS_ALLOW_ALL_ORIGINS = True
    elif config == "regex":
        settings.CORS_ALLOWED_ORIGIN_REGEXES = [r"https://other\.example"]
    elif config == "private network":
        settings.CORS_ALLOW_PRIVATE_NETWORK = True
    first = [(r.status_code, cors_headers(r), r.get("Vary")) for r in (send(*req) for req in SEQUENCE)]
    again = [(r.status_code, cors_headers(r), r.get("Vary")) for r in (send(*req) for req in SEQUENCE)]
    assert again == first
    assert first[0][1][ACCESS_CONTROL_ALLOW_ORIGIN] in (ALLOWED, "*")


@pytest.mark.usefixtures("view_mode")
def test_a_refused_origin_can_be_let_in_by_a_receiver_connected_later(send: Send, signal_receiver: Any) -> None:
    assert cors_headers(send("GET", "/api/items/", {"origin": OTHER})) == {}
    assert cors_headers(send("GET", "/api/items/", {"origin": OTHER})) == {}
    signal_receiver(True)
    assert send("GET", "/api/items/", {"origin": OTHER})[ACCESS_CONTROL_ALLOW_ORIGIN] == OTHER


def test_a_view_policy_is_not_hidden_by_a_remembered_answer(send: Send) -> None:
    # /open/ is @cors_policy(allow_all_origins=True, allow_methods=["GET", "PATCH"]).
    assert cors_headers(send("GET", "/api/items/", {"origin": OTHER})) == {}
    assert send("GET", "/open/", {"origin": OTHER})[ACCESS_CONTROL_ALLOW_ORIGIN] == "*"
    send("OPTIONS", "/api/items/", preflight_headers(ALLOWED, "PATCH"))
    preflight = send("OPTIONS", "/open/", preflight_headers(ALLOWED, "PATCH"))
    assert preflight[ACCESS_CONTROL_ALLOW_METHODS] == "GET, PATCH"
    # @cors_exempt: no CORS at all, and its preflight reaches the view.
    assert cors_headers(send("GET", "/exempt/", {"origin": ALLOWED})) == {}
    assert "Vary" not in send("GET", "/exempt/", {"origin": ALLOWED})


# -- robustness and logging ---------------------------------------------------------------------


class RaisingReceiver:
    """A receiver object without __qualname__: Django's send_robust fails to log it."""

    def __call__(self, sender: object, request: Any, **kwargs: Any) -> bool:
        raise ValueError("callable object receiver bug")


def test_raising_receiver_object_counts_as_no(send: Send, caplog: pytest.LogCaptureFixture) -> None:
    bad = RaisingReceiver()
    check_request_enabled.connect(bad, weak=False)
    try:
        with caplog.at_level("ERROR", logger="crossorigin"):
            response = send("GET", "/api/items/", {"origin": OTHER})
    finally:
        check_request_enabled.disconnect(bad)
    assert response.status_code == 200
    assert cors_headers(response) == {}
    assert caplog.records


def test_preflight_with_a_broken_urlconf_is_still_answered(
    send: Send, settings: SettingsWrapper, caplog: pytest.LogCaptureFixture
) -> None:
    # Resolving the path (to find a decorated view's policy) fails; the global policy answers.
    settings.ROOT_URLCONF = "tests.no_such_urlconf_module"
    with caplog.at_level("ERROR", logger="crossorigin"):
        response = send("OPTIONS", "/api/items/", preflight_headers(ALLOWED))
    assert response.status_code == 200
    assert response[ACCESS_CONTROL_ALLOW_ORIGIN] == ALLOWED
    assert "resolving" in caplog.text


@pytest.mark.usefixtures("view_mode")
def test_one_debug_line_per_decision_with_escaped_values(send: Send, caplog: pytest.LogCaptureFixture) -> None:
    hostile = "https://evil.example\r\nforged line"
    with caplog.at_level("DEBUG", logger="crossorigin"):
        for _ in range(2):  # the second time through remembered answers
            send("GET", "/api/items/", {"origin": ALLOWED})
            send("GET", "/api/items/", {"origin": OTHER})
            send("GET", "/api/items/")
            send("OPTIONS", "/api/items/", preflight_headers(ALLOWED))
        send("GET", "/api/items/", {"origin": hostile})
    lines = [r.getMessage() for r in caplog.records if r.name == "crossorigin"]
    assert len(lines) == 9
    assert sum("allowed-exact" in line for line in lines) == 4
    assert sum("origin-not-allowed" in line for line in lines) == 2
    assert sum("no-origin" in line for line in lines) == 2
    assert all("\n" not in line and "\r" not in line for line in lines)
    assert "origin-invalid" in lines[-1]
    assert "\\r\\nforged" in lines[-1] or "\\x0d" in lines[-1]


# -- django-dcors settings, end to end -----------------------------------------------------------


def test_dcors_allow_origin_star(send: Send, settings: SettingsWrapper) -> None:
    del settings.CORS_ALLOWED_ORIGINS
    settings.CORS_ALLOW_ORIGIN = "*"
    assert send("GET", "/api/items/", {"origin": OTHER})[ACCESS_CONTROL_ALLOW_ORIGIN] == "*"


def test_dcors_allow_origin_one_origin(send: Send, settings: SettingsWrapper) -> None:
    del settings.CORS_ALLOWED_ORIGINS
    settings.CORS_ALLOW_ORIGIN = OTHER
    assert send("GET", "/api/items/", {"origin": OTHER})[ACCESS_CONTROL_ALLOW_ORIGIN] == OTHER
    assert cors_headers(send("GET", "/api/items/", {"origin": ALLOWED})) == {}


@pytest.mark.parametrize("value", [True, False])
def test_dcors_allow_all_origin_present(send: Send, settings: SettingsWrapper, value: bool) -> None:
    settings.CORS_ALLOW_ALL_ORIGIN = value
    assert send("GET", "/api/items/", {"origin": OTHER})[ACCESS_CONTROL_ALLOW_ORIGIN] == "*"


def test_dcors_allow_all_headers_reflects_what_is_asked(send: Send, settings: SettingsWrapper) -> None:
    settings.CORS_ALLOW_ALL_HEADERS = True
    response = send("OPTIONS", "/api/items/", preflight_headers(ALLOWED, "PUT", "X-Custom-Header, x-trace-id"))
    assert response[ACCESS_CONTROL_ALLOW_HEADERS] == "x-custom-header, x-trace-id"
    # Nothing asked: the configured list.
    assert send("OPTIONS", "/api/items/", preflight_headers(ALLOWED))[ACCESS_CONTROL_ALLOW_HEADERS] == ", ".join(
        default_headers
    )


def test_dcors_max_age_and_credentials_strings(send: Send, settings: SettingsWrapper) -> None:
    settings.CORS_MAX_AGE = 3600
    settings.CORS_ALLOW_CREDENTIALS = "true"
    response = send("OPTIONS", "/api/items/", preflight_headers(ALLOWED))
    assert response[ACCESS_CONTROL_MAX_AGE] == "3600"
    assert response[ACCESS_CONTROL_ALLOW_CREDENTIALS] == "true"
    settings.CORS_ALLOW_CREDENTIALS = "false"
    assert ACCESS_CONTROL_ALLOW_CREDENTIALS not in send("GET", "/api/items/", {"origin": ALLOWED})


# -- the Vary helper ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("existing", "expected"),
    [
        (None, "origin"),
        ("Accept-Encoding", "Accept-Encoding, origin"),
        ("Accept-Encoding, Origin", "Accept-Encoding, Origin"),
        ("origin", "origin"),
        ("*", "*"),  # already varies on everything
        ("Cookie,Accept-Language", "Cookie,Accept-Language, origin"),
    ],
)
def test_add_vary_origin(existing: str | None, expected: str) -> None:
    from django.http import HttpResponse

    from crossorigin._http.headers import add_vary_origin

    response = HttpResponse()
    if existing is not None:
        response["Vary"] = existing
    add_vary_origin(response)
    assert response["Vary"] == expected
