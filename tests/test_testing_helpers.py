"""``crossorigin.testing``: the helpers pass on what a browser accepts, fail with clear messages."""

from __future__ import annotations

from typing import Any

import pytest
from django.http import HttpResponse
from django.test import AsyncClient, Client, SimpleTestCase

from crossorigin.testing import (
    assert_cors_allowed,
    assert_cors_denied,
    cors_headers,
    preflight,
    request_headers_value,
)
from tests.conftest import SettingsWrapper

ORIGIN = "https://example.com"


def get(path: str, origin: str | None = ORIGIN, **kwargs: Any) -> Any:
    headers = {"Origin": origin} if origin else {}
    return Client().get(path, headers=headers, **kwargs)


def failure(call: Any, *args: Any, **kwargs: Any) -> str:
    """The message of the AssertionError the call raises."""
    with pytest.raises(AssertionError) as raised:
        call(*args, **kwargs)
    return str(raised.value)


# -- preflight() ------------------------------------------------------------------------


def test_preflight_sends_what_a_browser_sends() -> None:
    response = preflight(Client(), "/api/echo/", ORIGIN, "PUT", headers=["X-Two", "content-type", "x-two"])
    request = response.wsgi_request  # type: ignore[attr-defined]
    assert request.method == "OPTIONS"
    assert request.headers["Origin"] == ORIGIN
    assert request.headers["Access-Control-Request-Method"] == "PUT"
    assert request.headers["Access-Control-Request-Headers"] == "content-type,x-two"
    assert response.status_code == 200
    assert response["Content-Length"] == "0"


def test_preflight_without_headers_sends_no_request_headers_header() -> None:
    response = preflight(Client(), "/api/items/", ORIGIN, "DELETE")
    assert "Access-Control-Request-Headers" not in response.wsgi_request.headers  # type: ignore[attr-defined]
    assert_cors_allowed(response, ORIGIN, methods=["DELETE"])


def test_preflight_private_network(settings: Any) -> None:
    settings.CORS_ALLOW_PRIVATE_NETWORK = True
    response = preflight(Client(), "/api/items/", ORIGIN, "GET", private_network=True)
    assert cors_headers(response)["access-control-allow-private-network"] == "true"


async def test_preflight_with_async_client_is_awaitable() -> None:
    response = await preflight(AsyncClient(), "/api/items/", ORIGIN, "PATCH", headers="Content-Type, X-Requested-With")
    request = response.asgi_request  # type: ignore[attr-defined]
    assert request.headers["Access-Control-Request-Headers"] == "content-type,x-requested-with"
    assert_cors_allowed(response, ORIGIN, methods=["PATCH"], headers=["content-type"])


async def test_async_client_denied() -> None:
    response = await preflight(AsyncClient(), "/api/items/", "https://evil.example", "PUT")
    assert_cors_denied(response)


def test_request_headers_value() -> None:
    assert request_headers_value(["X-B", "x-a", "X-A", " "]) == "x-a,x-b"
    assert request_headers_value("X-B, x-a") == "x-a,x-b"
    assert request_headers_value(()) == ""


# -- assert_cors_allowed -------------------------------------------------------------------


def test_allowed_passes() -> None:
    assert_cors_allowed(get("/api/items/"), ORIGIN)
    assert_cors_allowed(get("/api/items/"), ORIGIN, credentials=False)


def test_allowed_fails_for_a_denied_origin_and_says_why() -> None:
    message = failure(assert_cors_allowed, get("/api/items/", "https://evil.example"), "https://evil.example")
    assert message == (
        "CORS: expected the response to let a script on 'https://evil.example' read it, but the response has no "
        "Access-Control-Allow-Origin header.\n"
        "  request:  GET /api/items/\n"
        "            Origin: https://evil.example\n"
        "  response: 200\n"
        "            vary: origin\n"
        "  decided:  origin-not-allowed under the global policy: The origin matches no allowed origin, wildcard or regex."
    )


def test_allowed_fails_for_another_origin() -> None:
    message = failure(assert_cors_allowed, get("/api/items/"), "https://other.example")
    assert "Access-Control-Allow-Origin is 'https://example.com', not the request's origin 'https://other.example'" in (
        message
    )


def test_allowed_with_credentials(settings: Any) -> None:
    message = failure(assert_cors_allowed, get("/api/items/"), ORIGIN, credentials=True)
    assert message.startswith(
        "CORS: expected the response to let a script on 'https://example.com' read it with credentials, but a "
        "credentialed request needs Access-Control-Allow-Credentials: true, and the response has none."
    )
    settings.CORS_ALLOW_CREDENTIALS = True
    response = get("/api/items/")
    assert_cors_allowed(response, ORIGIN, credentials=True)
    message = failure(assert_cors_allowed, response, ORIGIN, credentials=False)
    assert message.startswith(
        "CORS: expected the response not to allow credentials, but it has Access-Control-Allow-Credentials: true."
    )


def test_star_is_not_enough_for_credentials(settings: Any) -> None:
    settings.CORS_ALLOW_ALL_ORIGINS = True
    response = get("/api/items/")
    assert_cors_allowed(response, ORIGIN)
    message = failure(assert_cors_allowed, response, ORIGIN, credentials=True)
    assert "Access-Control-Allow-Origin is '*', which a credentialed request does not accept" in message
    assert "            access-control-allow-origin: *" in message


def test_preflight_response_is_checked_against_what_it_asked() -> None:
    response = preflight(Client(), "/api/items/", ORIGIN, "PUT", headers=["x-secret"])
    message = failure(assert_cors_allowed, response, ORIGIN)
    assert (
        "but header 'x-secret' is not in Access-Control-Allow-Headers (accept, authorization, content-type, "
        "user-agent, x-csrftoken, x-requested-with)." in message
    )
    assert "  request:  OPTIONS /api/items/\n            Origin: https://example.com\n" in message
    assert "            Access-Control-Request-Headers: x-secret\n" in message


def test_methods_and_headers_arguments(settings: Any) -> None:
    settings.CORS_ALLOW_METHODS = ["GET", "POST"]
    response = preflight(Client(), "/api/items/", ORIGIN, "POST")
    assert_cors_allowed(response, ORIGIN, methods=["POST"], headers=["Content-Type"])
    message = failure(assert_cors_allowed, response, ORIGIN, methods=["DELETE"])
    assert message.startswith(
        "CORS: expected the preflight response to allow the method 'DELETE', but method 'DELETE' is not in "
        "Access-Control-Allow-Methods (GET, POST)."
    )
    message = failure(assert_cors_allowed, response, ORIGIN, headers=["X-Api-Key"])
    assert message.startswith(
        "CORS: expected the preflight response to allow the header(s) x-api-key, but header 'x-api-key' is not in"
    )


def test_failed_preflight_status() -> None:
    response = HttpResponse(status=301, headers={"Access-Control-Allow-Origin": ORIGIN, "Vary": "origin"})
    response.wsgi_request = preflight(Client(), "/api/items/", ORIGIN, "PUT").wsgi_request  # type: ignore[attr-defined]
    message = failure(assert_cors_allowed, response, ORIGIN)
    assert "but a preflight response needs a 2xx status, and it has 301." in message


def test_expose_headers(settings: Any) -> None:
    settings.CORS_EXPOSE_HEADERS = ["X-Total-Count"]
    response = get("/api/items/")
    assert_cors_allowed(response, ORIGIN, expose_headers=["x-total-count"])
    message = failure(assert_cors_allowed, response, ORIGIN, expose_headers=["X-Page"])
    assert message.startswith("CORS: expected Access-Control-Expose-Headers to list X-Page, but it is X-Total-Count.")


def test_missing_vary_is_reported() -> None:
    response = HttpResponse(headers={"Access-Control-Allow-Origin": ORIGIN})
    message = failure(assert_cors_allowed, response, ORIGIN)
    assert message == (
        "CORS: expected Vary to include Origin, as Access-Control-Allow-Origin depends on the Origin "
        "(else caches mix origins up), but Vary is (absent).\n"
        "  response: 200\n"
        "            access-control-allow-origin: https://example.com"
    )
    assert_cors_allowed(response, ORIGIN, vary=False)


# -- assert_cors_denied -----------------------------------------------------------------------


def test_denied_passes() -> None:
    assert_cors_denied(get("/api/items/", "https://evil.example"))
    assert_cors_denied(get("/api/items/"), "https://other.example")


def test_denied_fails_for_an_allowed_origin() -> None:
    message = failure(assert_cors_denied, get("/api/items/"))
    assert message == (
        "CORS: expected the response to refuse a script on 'https://example.com', but a browser would let it read "
        "the response.\n"
        "  request:  GET /api/items/\n"
        "            Origin: https://example.com\n"
        "  response: 200\n"
        "            access-control-allow-origin: https://example.com\n"
        "            vary: origin\n"
        "  decided:  allowed-exact under the global policy: The origin is listed in the allowed origins."
    )


def test_denied_preflight_with_the_origin_allowed() -> None:
    # The origin is allowed, but not the header asked for: the browser refuses it.
    assert_cors_denied(preflight(Client(), "/api/items/", ORIGIN, "PUT", headers=["x-secret"]))


def test_denied_with_credentials() -> None:
    response = get("/api/items/")
    assert_cors_denied(response, credentials=True)
    assert "a browser would let it read" in failure(assert_cors_denied, response)


def test_denied_without_a_known_origin() -> None:
    assert_cors_denied(HttpResponse())
    message = failure(assert_cors_denied, HttpResponse(headers={"Access-Control-Allow-Origin": "*"}))
    assert message.startswith(
        "CORS: expected no Access-Control-Allow-Origin (the request's origin is unknown), but it is '*'."
    )


def test_request_without_origin_is_denied() -> None:
    assert_cors_denied(get("/api/items/", None), ORIGIN)


# -- unittest-style use -------------------------------------------------------------------------


class HelpersInTestCase(SimpleTestCase):
    def test_in_a_test_case(self) -> None:
        response = preflight(self.client, "/api/items/", ORIGIN, "PUT", headers=["content-type"])
        assert_cors_allowed(response, ORIGIN, methods=["PUT"], headers=["content-type"])
        with self.assertRaisesMessage(AssertionError, "but the response has no Access-Control-Allow-Origin"):
            assert_cors_allowed(self.client.get("/api/items/"), ORIGIN)

    async def test_in_an_async_test_case(self) -> None:
        response = await preflight(self.async_client, "/api/items/", "https://evil.example", "PUT")
        assert_cors_denied(response)


# -- why: the middleware's decision in the failure message ------------------------------------

CHECKER_CALLS: list[str] = []


def counting_checker(origin: str, request: object) -> bool:
    CHECKER_CALLS.append(origin)
    return True


def test_failure_says_what_the_checker_decided_without_asking_it_again(settings: SettingsWrapper) -> None:
    settings.CORS_ORIGIN_CHECKER = f"{__name__}.counting_checker"
    CHECKER_CALLS.clear()
    response = get("/api/items/", "https://partner.example")
    assert CHECKER_CALLS == ["https://partner.example"]
    message = failure(assert_cors_denied, response)
    assert "decided:  allowed-checker under the global policy" in message
    assert CHECKER_CALLS == ["https://partner.example"]  # the answer given for the request is reused


def test_failure_names_the_view_policy_of_a_preflight() -> None:
    response = preflight(Client(), "/open/", "https://any.example", "DELETE")
    message = failure(assert_cors_allowed, response, "https://any.example")
    assert "decided:  preflight-method-not-allowed under the view:tests.views.open_view policy" in message


def test_no_decided_line_without_our_middleware(settings: SettingsWrapper) -> None:
    settings.MIDDLEWARE = ["corsheaders.middleware.CorsMiddleware"]
    message = failure(assert_cors_allowed, get("/api/items/", "https://evil.example"), "https://evil.example")
    assert "decided:" not in message
