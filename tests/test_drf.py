"""Per-view policies on Django REST framework views: APIView, @api_view, ViewSets.

Every DRF view in tests.policy_views requires an authenticated user (HTTP Basic), as a
real API would. A preflight never carries credentials, so DRF would refuse it with a
401; the middleware answers it first, from the view's policy.
"""

from __future__ import annotations

import base64
from typing import Any

import pytest
from django.test import override_settings

import crossorigin.middleware
from tests import policy_views as views
from tests.conftest import Send, cors_headers, preflight_headers

pytestmark = pytest.mark.urls("tests.policy_urls")

GLOBAL_ORIGIN = "https://example.com"


def acao(response: Any) -> str | None:
    return cors_headers(response).get("access-control-allow-origin")


@pytest.fixture
def basic_auth(django_user_model: Any) -> dict[str, str]:
    django_user_model.objects.create_user(username="ada", password="lovelace-1815")
    token = base64.b64encode(b"ada:lovelace-1815").decode()
    return {"authorization": f"Basic {token}"}


# -- APIView ------------------------------------------------------------------------------


def test_drf_refuses_an_anonymous_options_that_is_not_a_preflight(send: Send) -> None:
    # The control: without Access-Control-Request-Method it is not a preflight, so it
    # reaches DRF, whose IsAuthenticated refuses it.
    response = send("OPTIONS", "/drf/private/", {"origin": views.DRF_ORIGIN})
    assert response.status_code == 401
    # The refusal itself is readable by the allowed origin, so the front end can react.
    assert acao(response) == views.DRF_ORIGIN


def test_a_preflight_to_an_authenticated_apiview_is_answered_from_its_policy(send: Send) -> None:
    response = send("OPTIONS", "/drf/private/", preflight_headers(views.DRF_ORIGIN, "PATCH", "authorization"))
    assert response.status_code == 200
    assert response.content == b""
    headers = cors_headers(response)
    assert headers["access-control-allow-origin"] == views.DRF_ORIGIN
    assert headers["access-control-allow-credentials"] == "true"
    assert headers["access-control-allow-methods"] == "GET, PATCH"


def test_an_apiview_refuses_origins_outside_its_policy(send: Send) -> None:
    response = send("OPTIONS", "/drf/private/", preflight_headers(GLOBAL_ORIGIN, "PATCH"))
    assert response.status_code == 200
    assert acao(response) is None
    assert acao(send("GET", "/drf/private/", {"origin": GLOBAL_ORIGIN})) is None


@pytest.mark.django_db
def test_an_authenticated_request_gets_the_view_policy(sync_send: Send, basic_auth: dict[str, str]) -> None:
    response = sync_send("GET", "/drf/private/", {"origin": views.DRF_ORIGIN, **basic_auth})
    assert response.status_code == 200
    assert response.json() == {"secret": True}
    assert acao(response) == views.DRF_ORIGIN
    assert cors_headers(response)["access-control-allow-credentials"] == "true"


def test_an_anonymous_request_is_refused_by_drf_with_cors_headers(send: Send) -> None:
    response = send("GET", "/drf/private/", {"origin": views.DRF_ORIGIN})
    assert response.status_code == 401
    assert acao(response) == views.DRF_ORIGIN


def test_an_exempt_apiview_lets_the_preflight_reach_drf(send: Send) -> None:
    response = send("OPTIONS", "/drf/exempt/", preflight_headers(GLOBAL_ORIGIN))
    assert response.status_code == 401  # DRF answered it
    assert cors_headers(response) == {}


# -- @api_view function views ----------------------------------------------------------------


def test_cors_policy_above_api_view(send: Send) -> None:
    response = send("OPTIONS", "/drf/above/", preflight_headers(views.ABOVE_ORIGIN, "DELETE"))
    assert response.status_code == 200
    assert acao(response) == views.ABOVE_ORIGIN
    assert cors_headers(response)["access-control-allow-methods"] == "GET, DELETE"
    assert acao(send("GET", "/drf/above/", {"origin": views.ABOVE_ORIGIN})) == views.ABOVE_ORIGIN
    assert acao(send("GET", "/drf/above/", {"origin": GLOBAL_ORIGIN})) is None


def test_cors_policy_below_api_view_like_drfs_own_decorators(send: Send) -> None:
    response = send("OPTIONS", "/drf/below/", preflight_headers(views.BELOW_ORIGIN, "POST", "x-below"))
    assert response.status_code == 200
    headers = cors_headers(response)
    assert headers["access-control-allow-origin"] == views.BELOW_ORIGIN
    assert headers["access-control-allow-headers"] == "x-below"
    get = send("GET", "/drf/below/", {"origin": views.BELOW_ORIGIN})
    assert get.status_code == 401
    assert acao(get) == views.BELOW_ORIGIN
    assert acao(send("GET", "/drf/below/", {"origin": GLOBAL_ORIGIN})) is None


def test_an_undecorated_api_view_keeps_the_global_policy(send: Send) -> None:
    assert acao(send("GET", "/drf/undecorated/", {"origin": GLOBAL_ORIGIN})) == GLOBAL_ORIGIN
    assert acao(send("GET", "/drf/undecorated/", {"origin": views.BELOW_ORIGIN})) is None


# -- ViewSets and routers ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("target", "method"),
    [
        ("/drf/items/", "GET"),
        ("/drf/items/", "POST"),
        ("/drf/items/7/", "DELETE"),
        ("/drf/items/7/archive/", "POST"),
    ],
)
def test_a_viewset_policy_covers_every_route_the_router_makes(send: Send, target: str, method: str) -> None:
    response = send("OPTIONS", target, preflight_headers(views.VIEWSET_ORIGIN, method))
    assert response.status_code == 200
    assert acao(response) == views.VIEWSET_ORIGIN
    assert cors_headers(response)["access-control-allow-methods"] == "GET, POST, DELETE"
    actual = send("GET", target, {"origin": views.VIEWSET_ORIGIN})
    assert actual.status_code == 401
    assert acao(actual) == views.VIEWSET_ORIGIN
    assert acao(send("GET", target, {"origin": GLOBAL_ORIGIN})) is None


@pytest.mark.parametrize(("target", "method"), [("/drf/items/7/publish/", "POST"), ("/drf/items/recent/", "GET")])
def test_a_policy_on_an_action_applies_to_its_route(send: Send, target: str, method: str) -> None:
    response = send("OPTIONS", target, preflight_headers(views.ACTION_ORIGIN, method))
    assert response.status_code == 200
    assert acao(response) == views.ACTION_ORIGIN
    assert acao(send("OPTIONS", target, preflight_headers(views.VIEWSET_ORIGIN, method))) is None
    assert acao(send(method, target, {"origin": views.ACTION_ORIGIN})) == views.ACTION_ORIGIN
    assert acao(send(method, target, {"origin": views.VIEWSET_ORIGIN})) is None


def test_a_policy_on_a_standard_action_sharing_a_route_is_not_used(send: Send) -> None:
    # create shares /drf/items/ with list, so the viewset's policy applies to both.
    response = send("OPTIONS", "/drf/items/", preflight_headers(views.VIEWSET_ORIGIN, "POST"))
    assert acao(response) == views.VIEWSET_ORIGIN
    assert acao(send("OPTIONS", "/drf/items/", preflight_headers(views.ACTION_ORIGIN, "POST"))) is None


@pytest.mark.django_db
def test_an_authenticated_viewset_request(sync_send: Send, basic_auth: dict[str, str]) -> None:
    response = sync_send("GET", "/drf/items/3/", {"origin": views.VIEWSET_ORIGIN, **basic_auth})
    assert response.status_code == 200
    assert response.json() == {"id": "3"}
    assert acao(response) == views.VIEWSET_ORIGIN


@override_settings(APPEND_SLASH=True)
@pytest.mark.parametrize(
    ("target", "origin"),
    [("/drf/items/7", views.VIEWSET_ORIGIN), ("/drf/private", views.DRF_ORIGIN), ("/drf/below", views.BELOW_ORIGIN)],
)
def test_a_preflight_without_the_trailing_slash_finds_the_drf_view(send: Send, target: str, origin: str) -> None:
    response = send("OPTIONS", target, preflight_headers(origin, "GET"))
    assert response.status_code == 200
    assert acao(response) == origin


# -- precedence and cost -----------------------------------------------------------------------


@override_settings(CORS_URL_POLICIES=[(r"^/drf/", {"allow_all_origins": True, "preflight_max_age": 9})])
def test_a_drf_view_policy_beats_the_url_policy_and_inherits_from_it(send: Send) -> None:
    response = send("OPTIONS", "/drf/private/", preflight_headers(views.DRF_ORIGIN, "PATCH"))
    headers = cors_headers(response)
    assert headers["access-control-allow-origin"] == views.DRF_ORIGIN
    assert headers["access-control-max-age"] == "9"
    # allow_all_origins from the URL policy is inherited, so an undecorated DRF view is open...
    assert acao(send("GET", "/drf/undecorated/", {"origin": "https://any.example"})) == "*"


def test_drf_views_are_not_looked_up_without_an_origin(send: Send, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[object] = []
    original = crossorigin.middleware.view_overrides

    def counting(view: object) -> object:
        calls.append(view)
        return original(view)

    monkeypatch.setattr(crossorigin.middleware, "view_overrides", counting)
    for target in ("/drf/private/", "/drf/items/", "/drf/items/1/", "/drf/below/"):
        send("GET", target)
        send("OPTIONS", target)
    assert calls == []
    send("GET", "/drf/private/", {"origin": views.DRF_ORIGIN})
    assert len(calls) == 1


def test_odd_attributes_on_a_view_function_do_not_break_the_lookup() -> None:
    from crossorigin.decorators import view_overrides

    def view() -> None: ...

    view.cls = "not a class"  # type: ignore[attr-defined]
    assert view_overrides(view) is None
    view.view_class = object  # type: ignore[attr-defined]
    assert view_overrides(view) is None
