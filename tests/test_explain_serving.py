"""``cors_explain`` follows the request the way the server answers it.

A middleware above ``CorsMiddleware`` that answers on its own (the ``APPEND_SLASH`` and
``PREPEND_WWW`` redirects of ``CommonMiddleware``, ``SecurityMiddleware``'s HTTPS
redirect) sends a response without CORS headers, and a redirected preflight fails
whatever it carries. The explanation must say so, and must agree with what Django's
test client really gets back for the same settings: the last tests compare the two,
status, Location and ``Access-Control-Allow-Origin``, scenario by scenario.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from crossorigin._explain.following import followed_method
from crossorigin.explain import RequestExplanation, explain
from crossorigin.management.commands.cors_explain import Command

CORS = "crossorigin.middleware.CorsMiddleware"
COMMON = "django.middleware.common.CommonMiddleware"
SECURITY = "django.middleware.security.SecurityMiddleware"
SESSION = "django.contrib.sessions.middleware.SessionMiddleware"
LOCALE = "django.middleware.locale.LocaleMiddleware"
I18N = (
    ("ROOT_URLCONF", "tests.i18n_urls"),
    ("USE_I18N", True),
    ("LANGUAGE_CODE", "en"),
    ("LANGUAGES", [("en", "English")]),
)
ORIGIN = "https://example.com"  # allowed by tests/settings.py
HOST = "localhost"


def text(*args: str) -> tuple[int, str]:
    """The command as manage.py runs it: (exit status, output)."""
    out = StringIO()
    command = Command(stdout=out, stderr=StringIO(), no_color=True)
    try:
        command.run_from_argv(["manage.py", "cors_explain", *args, "--no-color"])
    except SystemExit as exc:
        return int(exc.code or 0), out.getvalue()
    return 0, out.getvalue()


def as_json(*args: str) -> dict[str, Any]:
    out = StringIO()
    call_command("cors_explain", *args, "--json", stdout=out)
    document: dict[str, Any] = json.loads(out.getvalue())
    return document


# -- CorsMiddleware below CommonMiddleware: the case ---------------------------


def test_append_slash_redirect_above_cors_is_refused_in_json(settings: Any) -> None:
    settings.MIDDLEWARE = [COMMON, CORS]
    document = as_json(ORIGIN, "/api/items")
    actual = document["actual"]
    assert document["allowed"] is False
    assert actual["readable"] is False
    assert actual["response"] == {
        "status": 301,
        "answered_by": COMMON,
        "cors_headers": False,
        "redirect": "/api/items/",
        "raised": None,
    }
    assert actual["response_headers"] == {}
    assert any("redirect" in failure and "no CORS headers" in failure for failure in actual["failures"])
    (hint,) = [h for h in document["hints"] if h["code"] == "answered-before-cors"]
    assert f"Move '{CORS}' above '{COMMON}'" in hint["message"]
    assert "/api/items/" in hint["message"]


def test_append_slash_redirect_above_cors_text_verdict(settings: Any) -> None:
    settings.MIDDLEWARE = [COMMON, CORS]
    status, output = text(ORIGIN, "/api/items")
    assert status == 1
    assert f"< 301 from {COMMON}, redirecting to /api/items/, without CORS headers" in output
    verdict = output.strip().splitlines()[-1]
    assert verdict.startswith("REFUSED")
    assert f"301 from {COMMON}, redirecting to /api/items/, without CORS headers" in verdict


def test_the_slash_url_is_allowed_with_the_same_settings(settings: Any) -> None:
    settings.MIDDLEWARE = [COMMON, CORS]
    document = as_json(ORIGIN, "/api/items/")
    assert document["allowed"] is True
    assert document["actual"]["response"]["answered_by"] == "the view"
    assert document["actual"]["response"]["cors_headers"] is True


def test_a_preflight_below_common_middleware_succeeds_and_the_request_then_fails(settings: Any) -> None:
    # CorsMiddleware answers the preflight with a 200, which CommonMiddleware lets pass
    # (it redirects 404s only); the PUT itself then gets the redirect.
    settings.MIDDLEWARE = [COMMON, CORS]
    result = explain(ORIGIN, "/api/items", method="PUT", headers=[("content-type", "application/json")])
    assert result.preflight is not None
    assert result.preflight.answer is not None
    assert result.preflight.answer.status == 200
    assert result.preflight.readable
    assert result.actual.answer is not None
    assert result.actual.answer.status == 301
    assert not result.allowed


# -- CorsMiddleware above: the redirect carries CORS headers, and the browser follows ---


def test_redirect_with_cors_headers_is_followed(settings: Any) -> None:
    settings.MIDDLEWARE = [CORS, COMMON]
    document = as_json(ORIGIN, "/api/items")
    assert document["actual"]["response"]["cors_headers"] is True
    assert document["actual"]["readable"] is True
    followed = document["redirected"]
    assert followed["request"]["path"] == "/api/items/"
    assert followed["request"]["origin"] == ORIGIN
    assert followed["actual"]["response"]["status"] == 200
    assert document["allowed"] is True
    assert "redirect-followed" in [h["code"] for h in document["hints"]]


def test_followed_redirect_text_shows_the_second_request(settings: Any) -> None:
    settings.MIDDLEWARE = [CORS, COMMON]
    status, output = text(ORIGIN, "/api/items")
    assert status == 0
    assert "The browser follows the redirect:" in output
    assert "  | Request: GET /api/items/" in output


def test_redirect_with_cors_headers_for_a_refused_origin_is_not_followed(settings: Any) -> None:
    settings.MIDDLEWARE = [CORS, COMMON]
    result = explain("https://evil.example", "/api/items")
    assert result.redirected is None
    assert not result.allowed


def test_no_redirect_is_followed_after_a_failed_preflight(settings: Any) -> None:
    settings.MIDDLEWARE = [CORS, COMMON]
    result = explain(ORIGIN, "/api/items", method="PUT", headers=[("x-unlisted", "1")])
    assert result.preflight is not None
    assert not result.preflight.readable
    assert result.redirected is None
    assert not result.allowed


def test_a_redirect_to_another_origin_is_followed_with_origin_null(settings: Any) -> None:
    settings.MIDDLEWARE = [CORS, SECURITY, COMMON]
    settings.SECURE_SSL_REDIRECT = True
    result = explain(ORIGIN, f"http://{HOST}/api/items/")
    assert result.actual.answer is not None
    assert result.actual.answer.location == f"https://{HOST}/api/items/"
    assert result.redirected is not None
    assert result.redirected.origin == "null"
    assert not result.allowed  # 'null' is (rightly) not allowed
    (hint,) = [h for h in result.hints if h.code == "redirect-followed"]
    assert "Origin: null" in hint.message


def test_the_verdict_says_the_redirected_request_is_refused(settings: Any) -> None:
    settings.MIDDLEWARE = [CORS, SECURITY, COMMON]
    settings.SECURE_SSL_REDIRECT = True
    status, output = text(ORIGIN, f"http://{HOST}/api/items/")
    assert status == 1
    verdict = output.strip().splitlines()[-1]
    assert verdict.endswith("The browser follows the redirect, and the request it leads to is refused.")
    assert "  |   > Origin: null" in output


def test_the_default_scheme_follows_secure_ssl_redirect(settings: Any) -> None:
    settings.MIDDLEWARE = [SECURITY, CORS]
    settings.SECURE_SSL_REDIRECT = True
    assert explain(ORIGIN, "/api/items/").allowed  # the site's clients use https
    assert not explain(ORIGIN, f"http://{HOST}/api/items/").allowed


def test_a_redirected_preflight_fails(settings: Any) -> None:
    settings.MIDDLEWARE = [SECURITY, CORS]
    settings.SECURE_SSL_REDIRECT = True
    document = as_json(ORIGIN, f"http://{HOST}/api/items/", "--method", "PUT", "--header", "X-Custom: 1")
    preflight = document["preflight"]
    assert preflight["response"]["status"] == 301
    assert preflight["response"]["answered_by"] == SECURITY
    assert preflight["readable"] is False
    assert any("never follow a redirect" in failure for failure in preflight["failures"])
    assert document["allowed"] is False


@pytest.mark.parametrize(
    ("status", "method", "after"),
    [
        (301, "POST", "GET"),
        (302, "POST", "GET"),
        (301, "PUT", "PUT"),
        (303, "PUT", "GET"),
        (303, "HEAD", "HEAD"),
        (307, "POST", "POST"),
    ],
)
def test_the_method_after_a_redirect_follows_fetch(status: int, method: str, after: str) -> None:
    assert followed_method(status, method) == after


def test_a_post_redirected_by_301_is_followed_as_get(settings: Any) -> None:
    settings.MIDDLEWARE = [CORS, COMMON]
    result = explain(ORIGIN, "/api/items", method="POST", headers=[("content-type", "text/plain")])
    assert result.redirected is not None
    assert result.redirected.method == "GET"
    assert result.redirected.headers == ()
    assert any("becomes a GET" in h.message for h in result.hints)


def test_a_language_redirect_above_cors_is_named(settings: Any) -> None:
    settings.MIDDLEWARE = [LOCALE, CORS, COMMON]
    for name, value in I18N:
        setattr(settings, name, value)
    result = explain(ORIGIN, "/api/items/")
    assert result.actual.answer is not None
    assert result.actual.answer.answered_by == LOCALE
    assert result.actual.answer.location == "/en/api/items/"
    assert not result.allowed
    assert any(f"above '{LOCALE}'" in h.message for h in result.hints)


def test_middleware_that_is_not_run_is_named(settings: Any) -> None:
    settings.MIDDLEWARE = ["tests.test_explain_serving.AnswersEverything", CORS]
    result = explain(ORIGIN, "/api/items/")
    assert any("Not run by this explanation: tests.test_explain_serving.AnswersEverything" in n for n in result.notes)


class AnswersEverything:
    """A third-party middleware the explanation cannot know the behaviour of."""

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: Any) -> Any:
        return self.get_response(request)


# -- the explanation agrees with the real server ---------------------------------------


@dataclass(frozen=True)
class Scenario:
    middleware: tuple[str, ...]
    path: str
    method: str = "GET"
    preflight: bool = False
    secure: bool = False
    extra: tuple[tuple[str, object], ...] = ()


SCENARIOS = [
    Scenario((COMMON, CORS), "/api/items"),
    Scenario((CORS, COMMON), "/api/items"),
    Scenario((COMMON, CORS), "/api/items/"),
    Scenario((COMMON, CORS), "/api/items", "PUT"),
    Scenario((COMMON, CORS), "/api/items", "PUT", preflight=True),
    Scenario((CORS, COMMON), "/api/items", "PUT", preflight=True),
    Scenario((COMMON, CORS), "/nowhere"),
    Scenario((SECURITY, CORS, COMMON), "/api/items/", extra=(("SECURE_SSL_REDIRECT", True),)),
    Scenario((SECURITY, CORS, COMMON), "/api/items/", "PUT", preflight=True, extra=(("SECURE_SSL_REDIRECT", True),)),
    Scenario((CORS, SECURITY, COMMON), "/api/items/", extra=(("SECURE_SSL_REDIRECT", True),)),
    Scenario((CORS, SECURITY, COMMON), "/api/items/", secure=True, extra=(("SECURE_SSL_REDIRECT", True),)),
    Scenario((COMMON, CORS), "/api/items/", extra=(("PREPEND_WWW", True),)),
    Scenario((CORS, COMMON), "/api/items/", "DELETE", preflight=True, extra=(("PREPEND_WWW", True),)),
    Scenario((SESSION, CORS, COMMON), "/api/items", extra=(("APPEND_SLASH", False),)),
    # Preflights CorsMiddleware does not answer go on to the URL resolver, and redirects.
    Scenario((CORS, COMMON), "/exempt", "PUT", preflight=True),
    Scenario((CORS, COMMON), "/api/items", "PUT", preflight=True, extra=(("CORS_URLS_REGEX", r"^/other/"),)),
    # LocaleMiddleware redirects a path without its language prefix (on the 404).
    Scenario((LOCALE, CORS, COMMON), "/api/items/", extra=I18N),
    Scenario((CORS, LOCALE, COMMON), "/api/items/", extra=I18N),
    Scenario((LOCALE, CORS, COMMON), "/en/api/items/", extra=I18N),
    # Under DEBUG CommonMiddleware refuses to redirect a POST and raises: a 500.
    Scenario((CORS, COMMON), "/api/items", "POST", extra=(("DEBUG", True),)),
    Scenario((COMMON, CORS), "/api/items", "POST", extra=(("DEBUG", True),)),
]


def _id(scenario: Scenario) -> str:
    order = ">".join(m.rsplit(".", 1)[-1].replace("Middleware", "") for m in scenario.middleware)
    kind = "OPTIONS" if scenario.preflight else scenario.method
    flags = ",".join(f"{k}={v}" for k, v in scenario.extra)
    return f"{order} {kind} {scenario.path}{' https' if scenario.secure else ''} {flags}".strip()


@pytest.mark.parametrize("scenario", SCENARIOS, ids=_id)
def test_explanation_agrees_with_the_server(settings: Any, scenario: Scenario) -> None:
    settings.MIDDLEWARE = list(scenario.middleware)
    for name, value in scenario.extra:
        setattr(settings, name, value)
    scheme = "https" if scenario.secure else "http"
    headers = [("x-custom", "1")] if scenario.preflight else []
    result = explain(ORIGIN, f"{scheme}://{HOST}{scenario.path}", method=scenario.method, headers=headers)
    item = result.preflight if scenario.preflight else result.actual
    assert item is not None

    client = Client(raise_request_exception=False)
    meta: dict[str, Any] = {"HTTP_ORIGIN": ORIGIN, "HTTP_HOST": HOST}
    if scenario.preflight:
        meta["HTTP_ACCESS_CONTROL_REQUEST_METHOD"] = scenario.method
        meta["HTTP_ACCESS_CONTROL_REQUEST_HEADERS"] = "x-custom"
    response = client.generic(
        "OPTIONS" if scenario.preflight else scenario.method, scenario.path, secure=scenario.secure, **meta
    )

    assert (item.answer.status if item.answer else None) == response.status_code
    assert item.answer is not None
    assert item.answer.location == response.headers.get("Location")
    assert _acao(item) == response.headers.get("Access-Control-Allow-Origin")
    if not 200 <= response.status_code < 300 and "Access-Control-Allow-Origin" not in response.headers:
        assert not item.readable


def _acao(item: RequestExplanation) -> str | None:
    return {name.lower(): value for name, value in item.response_headers}.get("access-control-allow-origin")


# -- a POST to a URL without its slash: as the server answers it -----------------------


def _client_answer(method: str, path: str) -> Any:
    client = Client(raise_request_exception=False)
    return client.generic(method, path, data="x=1", content_type="text/plain", HTTP_ORIGIN=ORIGIN, HTTP_HOST=HOST)


def test_a_post_without_its_slash_under_debug_is_the_500_the_server_answers(settings: Any) -> None:
    settings.MIDDLEWARE = [CORS, COMMON]
    settings.DEBUG = True
    response = _client_answer("POST", "/api/items")
    assert response.status_code == 500
    result = explain(ORIGIN, "/api/items", method="POST", headers=[("content-type", "text/plain")])
    assert result.actual.answer is not None
    assert result.actual.answer.status == response.status_code
    assert result.actual.answer.answered_by == COMMON
    assert not result.allowed
    assert any("with DEBUG = True it raises RuntimeError (a 500)" in note for note in result.notes)
    status, out = text(ORIGIN, "/api/items", "--method", "POST", "--header", "content-type: text/plain")
    assert status == 1
    assert out.rstrip().splitlines()[-1].startswith(f"FAILS: the server answers 500 from {COMMON}, which raised")
    assert "ALLOWED:" not in out


def test_a_post_without_its_slash_without_debug_is_the_301_that_drops_the_body(settings: Any) -> None:
    settings.MIDDLEWARE = [CORS, COMMON]
    settings.DEBUG = False
    response = _client_answer("POST", "/api/items")
    assert response.status_code == 301
    assert response.headers["Location"] == "/api/items/"
    result = explain(ORIGIN, "/api/items", method="POST", headers=[("content-type", "text/plain")])
    assert result.actual.answer is not None
    assert (result.actual.answer.status, result.actual.answer.location) == (301, response.headers["Location"])
    assert result.redirected is not None
    assert (result.redirected.method, result.redirected.headers) == ("GET", ())
    assert any("the POST becomes a GET and its body is dropped" in h.message for h in result.hints)
    assert not any("raises RuntimeError" in note for note in result.notes)


# -- no "ok" above a refusal ------------------------------------------------------------


@pytest.mark.parametrize(
    ("middleware", "debug", "args"),
    [
        ((COMMON, CORS), False, ("/api/items",)),  # the redirect goes out without CORS headers
        ((CORS, COMMON), True, ("/api/items", "--method", "POST", "--header", "content-type: text/plain")),
    ],
    ids=["misplaced-middleware", "post-under-debug"],
)
def test_no_ok_line_stands_above_a_refusal(
    settings: Any, middleware: tuple[str, ...], debug: bool, args: tuple[str, ...]
) -> None:
    settings.MIDDLEWARE = list(middleware)
    settings.DEBUG = debug
    status, out = text(ORIGIN, *args)
    assert status == 1
    assert "[ok" not in out, out
    assert "[--  ] result: allowed-exact" in out
    assert "CorsMiddleware's decision, which is not what the browser gets" in out


def test_an_allowed_request_still_shows_its_ok_steps(settings: Any) -> None:
    settings.MIDDLEWARE = [CORS, COMMON]
    status, out = text(ORIGIN, "/api/items/")
    assert status == 0
    assert "[ok  ] result: allowed-exact" in out
