"""``manage.py cors_explain``: the steps, the headers, the hints and the exit status."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.http import HttpRequest
from django.test import Client

from crossorigin._core import browser
from crossorigin._core.policy import Reason
from crossorigin._explain.hints import origin_differences
from crossorigin._explain.query import parse_headers
from crossorigin.explain import Explanation, explain
from crossorigin.management.commands.cors_explain import Command
from crossorigin.signals import check_request_enabled
from crossorigin.testing import assert_cors_allowed, assert_cors_denied, cors_headers, preflight

ROOT = Path(__file__).resolve().parents[1]
CORS = "crossorigin.middleware.CorsMiddleware"
COMMON = "django.middleware.common.CommonMiddleware"


def run(*args: str) -> tuple[int, str, str]:
    """Run the command as ``manage.py`` would; return (exit status, stdout, stderr)."""
    out, err = StringIO(), StringIO()
    command = Command(stdout=out, stderr=err, no_color=True)
    try:
        command.run_from_argv(["manage.py", "cors_explain", *args, "--no-color"])
    except SystemExit as exc:
        return int(exc.code or 0), out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def as_json(*args: str) -> dict[str, Any]:
    out = StringIO()
    call_command("cors_explain", *args, "--json", stdout=out)
    document: dict[str, Any] = json.loads(out.getvalue())
    return document


def codes(result: Explanation) -> list[str]:
    return [hint.code for hint in result.hints]


def step(result: Explanation, check: str, kind: str = "actual") -> Any:
    item = result.actual if kind == "actual" else result.preflight
    assert item is not None
    found = [s for s in item.steps if s.check == check]
    assert found, f"no step {check!r} in {[s.check for s in item.steps]}"
    return found[0]


# -- the text output and exit status ---------------------------------------------------


def test_allowed_request_prints_steps_headers_and_exits_0() -> None:
    status, out, _err = run("https://example.com", "/api/items/")
    assert status == 0
    assert "view:    tests.views.plain" in out
    assert "policy:  global - the global CORS_* settings" in out
    assert "No preflight" in out
    assert "[ok  ] origin-allowed: The origin is listed in the allowed origins ('https://example.com')." in out
    assert "< access-control-allow-origin: https://example.com" in out
    assert "< Vary: origin" in out
    assert out.rstrip().endswith("ALLOWED: a script on the origin can make this request and read the response.")


def test_refused_request_exits_1_with_the_failed_step() -> None:
    status, out, _err = run("https://evil.example", "/api/items/")
    assert status == 1
    assert "[FAIL] origin-allowed: No allowed origin, wildcard or regex of policy 'global' matches" in out
    assert "[FAIL] result: origin-not-allowed:" in out
    assert "browser: blocked: the response has no Access-Control-Allow-Origin header" in out
    assert "[origin-not-listed] Add 'https://evil.example' to CORS_ALLOWED_ORIGINS" in out
    assert out.rstrip().endswith("REFUSED: the browser will not let a script on the origin read the response.")


def test_preflighted_request_shows_both_requests() -> None:
    status, out, _err = run("https://example.com", "/api/items/", "--method", "PUT", "--header", "X-Requested-With")
    assert status == 0
    assert "Preflight: OPTIONS /api/items/" in out
    assert "  > Access-Control-Request-Method: PUT" in out
    assert "  > Access-Control-Request-Headers: x-requested-with" in out
    assert "  < 200 OK, Content-Length: 0 (answered by CorsMiddleware)" in out
    assert "  < access-control-allow-methods: DELETE, GET, OPTIONS, PATCH, POST, PUT" in out
    assert "Request: PUT /api/items/" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["https://example.com", "nope"], "PATH 'nope' should start with '/'"),
        (["https://example.com", ""], "PATH is empty"),
        (["https://example.com", "ftp://example.com/x"], "is not a path"),
        (["", "/api/items/"], "ORIGIN is empty"),
        (["https://example.com", "/api/items/", "--method", "GE T"], "is not a valid HTTP method name"),
        (["https://example.com", "/api/items/", "--header", "x y"], "is not a valid header name"),
    ],
)
def test_bad_arguments_exit_2(args: list[str], message: str) -> None:
    status, out, err = run(*args)
    assert status == 2
    assert message in err
    assert out == ""
    with pytest.raises(CommandError, match=re.escape(message)) as raised:
        call_command("cors_explain", *args, stdout=StringIO())
    assert raised.value.returncode == 2


def test_missing_argument_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    status, _out, _err = run("https://example.com")
    assert status == 2
    assert "the following arguments are required: PATH" in capsys.readouterr().err
    with pytest.raises(CommandError, match="required: PATH") as raised:
        call_command("cors_explain", "https://example.com", stdout=StringIO())
    assert raised.value.returncode == 2


def test_call_command_returns_normally_when_refused() -> None:
    out = StringIO()
    call_command("cors_explain", "https://evil.example", "/api/items/", stdout=out, no_color=True)
    assert "REFUSED" in out.getvalue()


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["https://example.com", "/api/items/"], 0),
        (["https://evil.example", "/api/items/"], 1),
        (["https://example.com", "api/items/"], 2),
    ],
)
def test_exit_status_of_the_real_command_line(args: list[str], expected: int) -> None:
    pythonpath = os.pathsep.join(filter(None, [os.environ.get("PYTHONPATH"), str(ROOT)]))
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings", "PYTHONPATH": pythonpath}
    done = subprocess.run(
        [sys.executable, "-m", "django", "cors_explain", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == expected, done.stderr


# -- the JSON document -------------------------------------------------------------------


def test_json_document_is_stable() -> None:
    document = as_json("https://example.com", "/api/items/", "--method", "PUT", "--header", "Content-Type: text/plain")
    assert set(document) == {
        "version",
        "allowed",
        "request",
        "view",
        "policy",
        "middleware_installed",
        "preflight",
        "actual",
        "hints",
        "notes",
        "redirected",
    }
    assert document["version"] == 1
    assert document["allowed"] is True
    assert document["request"] == {
        "origin": "https://example.com",
        "path": "/api/items/",
        "method": "PUT",
        "headers": [{"name": "content-type", "value": "text/plain"}],
        "credentials": False,
    }
    assert document["view"] == "tests.views.plain"
    assert document["policy"] == {"name": "global", "source": "the global CORS_* settings"}
    expected_keys = {
        "method",
        "path",
        "request_headers",
        "reason",
        "sentence",
        "policy",
        "enabled",
        "allowed",
        "matched",
        "refused",
        "answered_by_middleware",
        "response_headers",
        "response",
        "readable",
        "failures",
        "steps",
    }
    preflight_doc = document["preflight"]
    assert set(preflight_doc) == expected_keys
    assert set(document["actual"]) == expected_keys
    assert preflight_doc["method"] == "OPTIONS"
    # text/plain is a simple content type: only the method needs the preflight.
    assert preflight_doc["request_headers"] == {
        "Origin": "https://example.com",
        "Access-Control-Request-Method": "PUT",
    }
    assert preflight_doc["reason"] == "allowed-exact"
    assert preflight_doc["answered_by_middleware"] is True
    assert [s["check"] for s in preflight_doc["steps"]] == [
        "url-enabled",
        "origin-well-formed",
        "origin-allowed",
        "method-allowed",
        "headers-allowed",
        "result",
    ]
    assert all(s["ok"] is True for s in preflight_doc["steps"])
    assert document["actual"]["response_headers"] == {
        "Vary": "origin",
        "access-control-allow-origin": "https://example.com",
    }


def test_json_document_when_refused() -> None:
    document = as_json("http://example.com", "/api/items/")
    assert document["allowed"] is False
    assert document["preflight"] is None
    actual = document["actual"]
    assert (actual["reason"], actual["enabled"], actual["allowed"], actual["readable"]) == (
        "origin-not-allowed",
        True,
        False,
        False,
    )
    assert actual["failures"] == ["the response has no Access-Control-Allow-Origin header"]
    assert [h["code"] for h in document["hints"]] == ["origin-near-miss"]


# -- the same decision as the middleware ---------------------------------------------------

SCENARIOS = [
    ("https://example.com", "/api/items/", "GET", [], False),
    ("https://evil.example", "/api/items/", "GET", [], False),
    ("https://example.com", "/api/items/", "PUT", ["x-requested-with"], False),
    ("https://example.com", "/api/items/", "GET", ["x-secret"], False),
    ("https://anyone.example", "/open", "PATCH", [], False),
    ("https://anyone.example", "/open/", "DELETE", [], False),
    ("https://class.example", "/class/", "POST", ["content-type"], True),
    ("https://example.com", "/exempt/", "PUT", [], False),
    ("null", "/api/items/", "GET", [], False),
]


@pytest.mark.parametrize(("origin", "path", "method", "headers", "credentials"), SCENARIOS)
def test_headers_shown_are_what_the_middleware_sends(
    origin: str, path: str, method: str, headers: list[str], credentials: bool
) -> None:
    result = explain(origin, path, method=method, headers=[(h, None) for h in headers], credentials=credentials)
    client = Client()
    if result.preflight is not None:
        response = preflight(client, path, origin, method, headers=headers)
        shown = {name.lower(): value for name, value in result.preflight.response_headers}
        assert {k: v for k, v in cors_headers(response).items() if k != "vary"} == {
            k: v for k, v in shown.items() if k != "vary"
        }
        if result.preflight.readable:
            assert_cors_allowed(response, origin, credentials=credentials or None)
        else:
            assert_cors_denied(response, credentials=credentials)
    response = client.generic(method, path, headers={"Origin": origin})
    shown = {name.lower(): value for name, value in result.actual.response_headers}
    assert {k: v for k, v in cors_headers(response).items() if k != "vary"} == {
        k: v for k, v in shown.items() if k != "vary"
    }
    if result.actual.readable:
        assert_cors_allowed(response, origin, credentials=credentials or None)
    else:
        assert_cors_denied(response, credentials=credentials)


# -- which policy applies -------------------------------------------------------------------


def test_view_policy_is_named() -> None:
    result = explain("https://anyone.example", "/open/")
    assert result.allowed
    assert result.view == "tests.views.open_view"
    assert result.policy == "view:tests.views.open_view"
    assert result.policy_source == "@cors_policy on tests.views.open_view, over the global CORS_* settings"
    assert step(result, "url-enabled").detail == "CORS is on: the view has its own policy (@cors_policy)."


def test_class_based_view_policy() -> None:
    result = explain("https://class.example", "/class/", credentials=True)
    assert result.allowed
    assert result.view == "tests.views.PolicyClassView"
    assert step(result, "credentials").ok is True


def test_url_policy_is_named(settings: Any) -> None:
    settings.CORS_URL_POLICIES = [(r"^/public/", {"allow_all_origins": True})]
    result = explain("https://anyone.example", "/public/items/")
    assert result.allowed
    assert result.policy == "url:^/public/"
    assert result.policy_source == "CORS_URL_POLICIES[0] (path regex r'^/public/')"
    assert "CORS_URL_POLICIES[0] (path regex r'^/public/') matches the path" in step(result, "url-enabled").detail


def test_append_slash_fallback_for_preflight_only() -> None:
    # The middleware resolves a preflight's path with a trailing slash as a fallback,
    # while the request itself is redirected by CommonMiddleware before any view.
    result = explain("https://anyone.example", "/open", method="PATCH")
    assert result.preflight is not None
    assert result.preflight.decision.policy == "view:tests.views.open_view"
    assert result.preflight.readable
    assert result.actual.decision.policy == "global"
    assert not result.allowed
    assert any("resolves only with a trailing slash ('/open/')" in note for note in result.notes)


def test_exempt_view() -> None:
    result = explain("https://example.com", "/exempt/", method="PUT")
    assert result.preflight is not None
    assert result.preflight.decision.reason is Reason.VIEW_EXEMPT
    assert not result.preflight.answered_by_middleware
    assert result.policy_source == "@cors_exempt on tests.views.exempt_view"
    assert "view-exempt" in codes(result)
    assert not result.allowed


def test_unresolvable_path_is_noted() -> None:
    result = explain("https://example.com", "/no/such/page/")
    assert result.view is None
    assert result.allowed
    assert "'/no/such/page/' does not resolve to a view (a 404); the CORS headers still apply to the 404 response." in (
        result.notes
    )


def test_full_url_and_query_are_accepted() -> None:
    result = explain("https://example.com", "https://api.example.com/api/items/?page=2")
    assert result.path == "/api/items/"
    assert "The query string does not take part in CORS decisions; it was ignored." in result.notes


# -- hints for near misses ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("origin", "why"),
    [
        ("http://example.com", "the scheme differs"),
        ("https://example.com:8443", "the port differs"),
        ("https://example.com/", "of a trailing slash"),
        ("https://EXAMPLE.com", "of letter case"),
    ],
)
def test_origin_near_miss(origin: str, why: str) -> None:
    result = explain(origin, "/api/items/")
    assert not result.allowed
    (hint,) = [h for h in result.hints if h.code == "origin-near-miss"]
    assert hint.message.startswith(f"The origin {origin!r} differs from the allowed 'https://example.com' only because")
    assert why in hint.message


def test_configured_origin_with_trailing_slash_was_dropped(settings: Any) -> None:
    settings.CORS_ALLOWED_ORIGINS = ["https://example.com/"]
    result = explain("https://example.com", "/api/items/")
    assert not result.allowed
    (hint,) = [h for h in result.hints if h.code == "origin-near-miss"]
    assert "differs from the allowed 'https://example.com/' only because of a trailing slash" in hint.message
    assert "That entry was dropped as invalid; run manage.py check." in hint.message
    assert any(note.startswith("Settings problem crossorigin.E003") for note in result.notes)


def test_wildcard_near_miss(settings: Any) -> None:
    settings.CORS_ALLOWED_ORIGINS = ["https://*.example.com"]
    result = explain("http://api.example.com", "/api/items/")
    (hint,) = [h for h in result.hints if h.code == "origin-near-miss"]
    assert "'https://*.example.com' only because the scheme differs" in hint.message


def test_regex_matching_only_part_of_the_origin(settings: Any) -> None:
    settings.CORS_ALLOWED_ORIGIN_REGEXES = [r"https://app\.example\.com"]
    result = explain("https://app.example.com.evil.net", "/api/items/")
    assert "origin-regex-partial" in codes(result)


def test_origin_without_scheme() -> None:
    result = explain("example.com", "/api/items/")
    assert step(result, "origin-well-formed").ok is False
    assert "origin-no-scheme" in codes(result)


def test_null_origin_warns() -> None:
    assert "origin-null" in codes(explain("null", "/api/items/"))


def test_url_outside_urls_regex(settings: Any) -> None:
    settings.CORS_URLS_REGEX = r"^/api/"
    result = explain("https://example.com", "/public/items/")
    assert not result.allowed
    url_step = step(result, "url-enabled")
    assert url_step.ok is False
    assert "CORS_URLS_REGEX r'^/api/' does not match '/public/items/'" in url_step.detail
    (hint,) = [h for h in result.hints if h.code == "url-outside-regex"]
    assert "leading '/'" not in hint.message


def test_url_regex_without_leading_slash(settings: Any) -> None:
    settings.CORS_URLS_REGEX = r"^api/"
    (hint,) = [h for h in explain("https://example.com", "/api/items/").hints if h.code == "url-outside-regex"]
    assert "path_info starts with '/', so write it as r'^/...'" in hint.message


def test_header_not_allowed() -> None:
    result = explain("https://example.com", "/api/items/", headers=[("x-api-key", None)])
    assert result.preflight is not None
    assert result.preflight.decision.reason is Reason.PREFLIGHT_HEADERS_NOT_ALLOWED
    assert step(result, "headers-allowed", "preflight").ok is False
    (hint,) = [h for h in result.hints if h.code == "header-not-allowed"]
    assert "add it to CORS_ALLOW_HEADERS, e.g. CORS_ALLOW_HEADERS = (*default_headers, 'x-api-key')" in hint.message
    assert not result.allowed


def test_header_not_allowed_in_a_view_policy() -> None:
    result = explain("https://anyone.example", "/open/", headers=[("x-api-key", None)])
    (hint,) = [h for h in result.hints if h.code == "header-not-allowed"]
    assert "allow_headers= in @cors_policy on tests.views.open_view" in hint.message


def test_method_not_allowed(settings: Any) -> None:
    settings.CORS_ALLOW_METHODS = ["GET", "POST"]
    result = explain("https://example.com", "/api/items/", method="DELETE")
    assert step(result, "method-allowed", "preflight").ok is False
    (hint,) = [h for h in result.hints if h.code == "method-not-allowed"]
    assert hint.message == "The method 'DELETE' is not allowed; add it to CORS_ALLOW_METHODS."


def test_method_case() -> None:
    # fetch() sends 'patch' as written; only the six standard names are upper-cased.
    result = explain("https://example.com", "/api/items/", method="patch")
    assert result.method == "patch"
    assert "method-case" in codes(result)
    assert explain("https://example.com", "/api/items/", method="delete").method == "DELETE"


def test_forbidden_header() -> None:
    assert "header-forbidden" in codes(explain("https://example.com", "/api/items/", headers=[("cookie", "a=b")]))


def test_middleware_missing(settings: Any) -> None:
    settings.MIDDLEWARE = [COMMON]
    status, out, _err = run("https://example.com", "/api/items/")
    assert status == 1
    assert "[crossorigin.W044]" in out
    assert "CorsMiddleware is not in MIDDLEWARE: none of these headers are sent." in out


def test_middleware_misplaced(settings: Any) -> None:
    settings.MIDDLEWARE = [COMMON, CORS]
    result = explain("https://example.com", "/api/items/")
    assert result.allowed
    assert "crossorigin.W045" in codes(result)


def test_credentials_not_allowed() -> None:
    status, out, _err = run("https://example.com", "/api/items/", "--credentials")
    assert status == 1
    assert "[FAIL] credentials: A credentialed request cannot read the response" in out
    assert "[credentials-not-allowed]" in out
    assert "set CORS_ALLOW_CREDENTIALS = True" in out


def test_credentials_with_star(settings: Any) -> None:
    settings.CORS_ALLOW_ALL_ORIGINS = True
    result = explain("https://example.com", "/api/items/", credentials=True)
    assert not result.allowed
    assert result.actual.failures == (
        "Access-Control-Allow-Origin is '*', which a credentialed request does not accept",
        "a credentialed request needs Access-Control-Allow-Credentials: true, and the response has none",
    )


def test_unsafe_method_notes_csrf() -> None:
    result = explain("https://example.com", "/api/items/", method="POST")
    assert any("CsrfViewMiddleware" in note for note in result.notes)


def test_wildcard_and_regex_matches_are_named(settings: Any) -> None:
    settings.CORS_ALLOWED_ORIGINS = ["https://*.example.com"]
    settings.CORS_ALLOWED_ORIGIN_REGEXES = [r"https://app-[0-9]+\.example\.net"]
    result = explain("https://api.example.com", "/api/items/")
    assert step(result, "origin-allowed").detail == "The origin matches the wildcard 'https://*.example.com'."
    result = explain("https://app-7.example.net", "/api/items/")
    assert step(result, "origin-allowed").detail == (
        "The origin matches the regex r'https://app-[0-9]+\\.example\\.net'."
    )


def test_urls_regex_that_matches(settings: Any) -> None:
    settings.CORS_URLS_REGEX = r"^/api/"
    result = explain("https://example.com", "/api/items/")
    assert step(result, "url-enabled").detail == "CORS is on: CORS_URLS_REGEX r'^/api/' matches the path."


def test_header_hint_names_the_url_policy(settings: Any) -> None:
    settings.CORS_URL_POLICIES = [(r"^/api/", {"allowed_origins": ["https://example.com"]})]
    result = explain("https://example.com", "/api/items/", headers=[("x-api-key", None)])
    (hint,) = [h for h in result.hints if h.code == "header-not-allowed"]
    assert hint.message == "The header 'x-api-key' is not allowed; add it to 'allow_headers' in CORS_URL_POLICIES[0]."


def test_star_in_allowed_headers(settings: Any) -> None:
    settings.CORS_ALLOW_HEADERS = ["*"]
    result = explain("https://example.com", "/api/items/", headers=[("authorization", None), ("x-any", None)])
    (hint,) = [h for h in result.hints if h.code == "header-not-allowed"]
    assert "'authorization'" in hint.message
    assert "'*' never covers Authorization; list it by name." in hint.message
    settings.CORS_ALLOW_CREDENTIALS = True
    result = explain("https://example.com", "/api/items/", headers=[("x-any", None)], credentials=True)
    (hint,) = [h for h in result.hints if h.code == "header-not-allowed"]
    assert "'*' is read as a literal header name when credentials are allowed." in hint.message


def test_too_many_requested_headers_make_an_invalid_preflight() -> None:
    result = explain("https://example.com", "/api/items/", headers=[(f"x-h{i}", None) for i in range(70)])
    assert result.preflight is not None
    assert result.preflight.decision.reason is Reason.PREFLIGHT_INVALID
    assert step(result, "preflight-valid", "preflight").ok is False
    assert not result.allowed


def test_text_output_for_a_preflight_that_fails_or_goes_to_the_view() -> None:
    _status, out, _err = run("https://evil.example", "/api/items/", "-X", "PUT")
    assert "Request (a browser does not send it, as the preflight fails; shown for completeness): PUT" in out
    assert "  < (no CORS headers)" not in out
    _status, out, _err = run("https://example.com", "/exempt/", "-X", "PUT")
    assert "  < (not answered by CorsMiddleware: the preflight goes on to the view)" in out
    assert "  < (no CORS headers)" in out


@pytest.mark.parametrize(
    ("allowed_hosts", "expected"),
    [(["api.example.com", "localhost"], "api.example.com"), ([".example.com", "*"], "localhost"), ([], "localhost")],
)
def test_host_of_the_simulated_request(allowed_hosts: list[str], expected: str, settings: Any) -> None:
    settings.ALLOWED_HOSTS = allowed_hosts
    settings.CORS_ORIGIN_CHECKER = "tests.test_explain.recording_checker"
    CHECKED.clear()
    explain("https://checked.example", "/api/items/")
    assert CHECKED[0].META["HTTP_HOST"] == expected


# -- the origin checker and the signal ---------------------------------------------------------

CHECKED: list[HttpRequest] = []


def recording_checker(origin: str, request: HttpRequest) -> bool:
    CHECKED.append(request)
    return origin == "https://checked.example"


def failing_checker(origin: str, request: HttpRequest) -> bool:
    raise RuntimeError("database is down")


def test_checker_is_called_with_a_real_request(settings: Any) -> None:
    settings.CORS_ORIGIN_CHECKER = "tests.test_explain.recording_checker"
    CHECKED.clear()
    result = explain("https://checked.example", "/api/items/", method="PUT")
    assert result.allowed
    assert [(r.method, r.path, r.headers["Origin"]) for r in CHECKED] == [
        ("OPTIONS", "/api/items/", "https://checked.example"),
        ("PUT", "/api/items/", "https://checked.example"),
    ]
    assert CHECKED[0].headers["Access-Control-Request-Method"] == "PUT"
    assert step(result, "origin-checker", "preflight").ok is True
    assert step(result, "origin-allowed").ok is None  # the checker has the last word
    assert result.actual.decision.reason is Reason.ALLOWED_CHECKER
    assert any("built by RequestFactory" in note for note in result.notes)


def test_checker_that_raises(settings: Any) -> None:
    settings.CORS_ORIGIN_CHECKER = "tests.test_explain.failing_checker"
    result = explain("https://checked.example", "/api/items/")
    checker_step = step(result, "origin-checker")
    assert checker_step.ok is False
    assert "raised RuntimeError('database is down'); the origin is refused." in checker_step.detail
    assert not result.allowed


def test_checker_is_not_asked_when_the_settings_allow() -> None:
    CHECKED.clear()
    result = explain("https://example.com", "/api/items/")
    assert CHECKED == []
    assert not any("RequestFactory" in note for note in result.notes)


def test_signal_is_sent_once_per_request(settings: Any) -> None:
    settings.CORS_URLS_REGEX = r"^/api/"
    sent: list[tuple[str | None, str]] = []

    def enable_public(sender: object, request: HttpRequest, **kwargs: object) -> bool:
        sent.append((request.method, request.path))
        return request.path.startswith("/public/")

    check_request_enabled.connect(enable_public)
    try:
        result = explain("https://signal.example", "/public/items/")
    finally:
        check_request_enabled.disconnect(enable_public)
    assert sent == [("GET", "/public/items/")]
    assert result.allowed
    assert result.actual.decision.reason is Reason.ALLOWED_SIGNAL
    signal_step = step(result, "signal")
    assert signal_step.ok is True
    assert "enable_public returned True" in signal_step.detail


def test_receiver_that_raises_counts_as_no(settings: Any) -> None:
    settings.CORS_URLS_REGEX = r"^/api/"

    def broken(sender: object, request: HttpRequest, **kwargs: object) -> bool:
        raise RuntimeError("receiver bug")

    check_request_enabled.connect(broken)
    try:
        result = explain("https://signal.example", "/public/items/")
    finally:
        check_request_enabled.disconnect(broken)
    signal_step = step(result, "signal")
    assert signal_step.ok is False
    assert "broken raised RuntimeError('receiver bug') (counts as no)" in signal_step.detail
    assert result.actual.decision.reason is Reason.URL_NOT_ENABLED


# -- small pure parts ------------------------------------------------------------------------------


def test_parse_headers() -> None:
    assert parse_headers(["X-One, x-two", "Content-Type: application/json", "x-one"]) == [
        ("x-one", None),
        ("x-two", None),
        ("content-type", "application/json"),
    ]


@pytest.mark.parametrize(
    ("origin", "candidate", "expected"),
    [
        ("https://a.example", "https://a.example", []),
        ("https://a.example", "https://b.example", None),
        ("https://a.example:443", "https://a.example", []),
        ("http://a.example", "https://a.example", ["scheme"]),
        ("http://localhost:3000", "http://localhost:*", []),
        ("http://localhost:3000", "http://localhost:8000", ["port"]),
        ("https://x.a.example", "https://*.a.example", []),
        ("https://xa.example", "https://*.a.example", None),
        ("https://a.example/app", "https://a.example", ["path"]),
        ("not an origin", "https://a.example", None),
    ],
)
def test_origin_differences(origin: str, candidate: str, expected: list[str] | None) -> None:
    assert origin_differences(origin, candidate) == expected


@pytest.mark.parametrize(
    ("method", "headers", "expected"),
    [
        ("GET", [], False),
        ("POST", [("content-type", "text/plain; charset=utf-8")], False),
        ("POST", [("content-type", "application/json")], True),
        ("POST", [("content-type", None)], True),
        ("GET", [("range", "bytes=0-99")], False),
        ("GET", [("range", "bytes=0-1,5-9")], True),
        ("GET", [("accept-language", "fr")], False),
        ("GET", [("x-requested-with", "XMLHttpRequest")], True),
        ("PUT", [], True),
        ("patch", [], True),
    ],
)
def test_which_requests_a_browser_preflights(
    method: str, headers: list[tuple[str, str | None]], expected: bool
) -> None:
    assert browser.needs_preflight(method, headers) is expected


# -- the documentation --------------------------------------------------------------------------


def test_every_reason_code_is_documented() -> None:
    text = (ROOT / "docs" / "explain.md").read_text()
    missing = [reason.value for reason in Reason if f"| `{reason.value}` |" not in text]
    assert missing == [], f"docs/explain.md does not document the reason code(s) {missing}"


def test_redirect_note_when_the_middleware_sits_below_common_middleware(settings: Any) -> None:
    settings.MIDDLEWARE = [COMMON, CORS]
    (note,) = [n for n in explain("https://example.com", "/open").notes if "trailing slash" in n]
    assert "as CorsMiddleware sits below it the redirect has no CORS headers" in note
    settings.MIDDLEWARE = [CORS, COMMON]
    (note,) = [n for n in explain("https://example.com", "/open").notes if "trailing slash" in n]
    assert "the redirect carries the decision shown for the request" in note
