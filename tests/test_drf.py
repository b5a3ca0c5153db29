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

import crossorigin._config.selection
from crossorigin.testing import assert_cors_allowed, assert_cors_denied, cors_headers
from tests import policy_views as views
from tests.conftest import Send
from tests.cors_asserts import allowed, refused

pytestmark = pytest.mark.urls("tests.policy_urls")

GLOBAL_ORIGIN = "https://example.com"


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
    assert allowed(response, views.DRF_ORIGIN) == views.DRF_ORIGIN


def test_a_preflight_to_an_authenticated_apiview_is_answered_from_its_policy(send: Send) -> None:
    response = send.preflight("/drf/private/", views.DRF_ORIGIN, "PATCH", "authorization")
    assert response.status_code == 200
    assert response.content == b""
    assert_cors_allowed(response, views.DRF_ORIGIN, credentials=True)
    headers = cors_headers(response)
    assert headers["access-control-allow-origin"] == views.DRF_ORIGIN
    assert headers["access-control-allow-credentials"] == "true"
    assert headers["access-control-allow-methods"] == "GET, PATCH"


def test_an_apiview_refuses_origins_outside_its_policy(send: Send) -> None:
    response = send.preflight("/drf/private/", GLOBAL_ORIGIN, "PATCH")
    assert response.status_code == 200
    assert refused(response) is None
    assert refused(send("GET", "/drf/private/", {"origin": GLOBAL_ORIGIN})) is None


@pytest.mark.django_db
def test_an_authenticated_request_gets_the_view_policy(sync_send: Send, basic_auth: dict[str, str]) -> None:
    response = sync_send("GET", "/drf/private/", {"origin": views.DRF_ORIGIN, **basic_auth})
    assert response.status_code == 200
    assert response.json() == {"secret": True}
    assert allowed(response, views.DRF_ORIGIN, credentials=True) == views.DRF_ORIGIN
    assert cors_headers(response)["access-control-allow-credentials"] == "true"


def test_an_anonymous_request_is_refused_by_drf_with_cors_headers(send: Send) -> None:
    response = send("GET", "/drf/private/", {"origin": views.DRF_ORIGIN})
    assert response.status_code == 401
    assert allowed(response, views.DRF_ORIGIN) == views.DRF_ORIGIN


def test_an_exempt_apiview_lets_the_preflight_reach_drf(send: Send) -> None:
    response = send.preflight("/drf/exempt/", GLOBAL_ORIGIN, "GET")
    assert response.status_code == 401  # DRF answered it
    assert_cors_denied(response)
    assert set(cors_headers(response)) <= {"vary"}  # no Access-Control-* header


# -- @api_view function views ----------------------------------------------------------------


def test_cors_policy_above_api_view(send: Send) -> None:
    response = send.preflight("/drf/above/", views.ABOVE_ORIGIN, "DELETE")
    assert response.status_code == 200
    assert allowed(response, views.ABOVE_ORIGIN) == views.ABOVE_ORIGIN
    assert cors_headers(response)["access-control-allow-methods"] == "GET, DELETE"
    assert allowed(send("GET", "/drf/above/", {"origin": views.ABOVE_ORIGIN}), views.ABOVE_ORIGIN) == views.ABOVE_ORIGIN
    assert refused(send("GET", "/drf/above/", {"origin": GLOBAL_ORIGIN})) is None


def test_cors_policy_below_api_view_like_drfs_own_decorators(send: Send) -> None:
    response = send.preflight("/drf/below/", views.BELOW_ORIGIN, "POST", "x-below")
    assert response.status_code == 200
    assert_cors_allowed(response, views.BELOW_ORIGIN)
    headers = cors_headers(response)
    assert headers["access-control-allow-origin"] == views.BELOW_ORIGIN
    assert headers["access-control-allow-headers"] == "x-below"
    get = send("GET", "/drf/below/", {"origin": views.BELOW_ORIGIN})
    assert get.status_code == 401
    assert allowed(get, views.BELOW_ORIGIN) == views.BELOW_ORIGIN
    assert refused(send("GET", "/drf/below/", {"origin": GLOBAL_ORIGIN})) is None


def test_an_undecorated_api_view_keeps_the_global_policy(send: Send) -> None:
    assert allowed(send("GET", "/drf/undecorated/", {"origin": GLOBAL_ORIGIN}), GLOBAL_ORIGIN) == GLOBAL_ORIGIN
    assert refused(send("GET", "/drf/undecorated/", {"origin": views.BELOW_ORIGIN})) is None


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
    response = send.preflight(target, views.VIEWSET_ORIGIN, method)
    assert response.status_code == 200
    assert allowed(response, views.VIEWSET_ORIGIN) == views.VIEWSET_ORIGIN
    assert cors_headers(response)["access-control-allow-methods"] == "GET, POST, DELETE"
    actual = send("GET", target, {"origin": views.VIEWSET_ORIGIN})
    assert actual.status_code == 401
    assert allowed(actual, views.VIEWSET_ORIGIN) == views.VIEWSET_ORIGIN
    assert refused(send("GET", target, {"origin": GLOBAL_ORIGIN})) is None


@pytest.mark.parametrize(("target", "method"), [("/drf/items/7/publish/", "POST"), ("/drf/items/recent/", "GET")])
def test_a_policy_on_an_action_applies_to_its_route(send: Send, target: str, method: str) -> None:
    response = send.preflight(target, views.ACTION_ORIGIN, method)
    assert response.status_code == 200
    assert allowed(response, views.ACTION_ORIGIN) == views.ACTION_ORIGIN
    assert refused(send.preflight(target, views.VIEWSET_ORIGIN, method)) is None
    assert allowed(send(method, target, {"origin": views.ACTION_ORIGIN}), views.ACTION_ORIGIN) == views.ACTION_ORIGIN
    assert refused(send(method, target, {"origin": views.VIEWSET_ORIGIN})) is None


def test_a_policy_on_a_standard_action_sharing_a_route_is_not_used(send: Send) -> None:
    # create shares /drf/items/ with list, so the viewset's policy applies to both.
    response = send.preflight("/drf/items/", views.VIEWSET_ORIGIN, "POST")
    assert allowed(response, views.VIEWSET_ORIGIN) == views.VIEWSET_ORIGIN
    assert refused(send.preflight("/drf/items/", views.ACTION_ORIGIN, "POST")) is None


@pytest.mark.django_db
def test_an_authenticated_viewset_request(sync_send: Send, basic_auth: dict[str, str]) -> None:
    response = sync_send("GET", "/drf/items/3/", {"origin": views.VIEWSET_ORIGIN, **basic_auth})
    assert response.status_code == 200
    assert response.json() == {"id": "3"}
    assert allowed(response, views.VIEWSET_ORIGIN) == views.VIEWSET_ORIGIN


@override_settings(APPEND_SLASH=True)
@pytest.mark.parametrize(
    ("target", "origin"),
    [("/drf/items/7", views.VIEWSET_ORIGIN), ("/drf/private", views.DRF_ORIGIN), ("/drf/below", views.BELOW_ORIGIN)],
)
def test_a_preflight_without_the_trailing_slash_finds_the_drf_view(send: Send, target: str, origin: str) -> None:
    response = send.preflight(target, origin, "GET")
    assert response.status_code == 200
    assert allowed(response, origin) == origin


# -- precedence and cost -----------------------------------------------------------------------


@override_settings(
    CORS_URL_POLICIES=[(r"^/drf/", {"allow_all_origins": True, "preflight_max_age": 9})],
    # The view adds credentials to an inherited allow-all: crossorigin.E020, which would
    # close the view's policy (fail-closed); silenced, the merge itself is what is tested.
    SILENCED_SYSTEM_CHECKS=["crossorigin.E020"],
)
def test_a_drf_view_policy_beats_the_url_policy_and_inherits_from_it(send: Send) -> None:
    response = send.preflight("/drf/private/", views.DRF_ORIGIN, "PATCH")
    assert_cors_allowed(response, views.DRF_ORIGIN, credentials=True)
    headers = cors_headers(response)
    assert headers["access-control-allow-origin"] == views.DRF_ORIGIN
    assert headers["access-control-max-age"] == "9"
    # allow_all_origins from the URL policy is inherited, so an undecorated DRF view is open...
    assert allowed(send("GET", "/drf/undecorated/", {"origin": "https://any.example"}), "https://any.example") == "*"


def test_drf_views_are_not_looked_up_without_an_origin(send: Send, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[object] = []
    original = crossorigin._config.selection.view_overrides

    def counting(view: object) -> object:
        calls.append(view)
        return original(view)

    monkeypatch.setattr(crossorigin._config.selection, "view_overrides", counting)
    for target in ("/drf/private/", "/drf/items/", "/drf/items/1/", "/drf/below/"):
        send("GET", target)
        send("OPTIONS", target)
    assert calls == []
    send("GET", "/drf/private/", {"origin": views.DRF_ORIGIN})
    assert len(calls) == 1


def test_odd_attributes_on_a_view_function_do_not_break_the_lookup() -> None:
    from crossorigin._config.decorators import view_overrides

    def view() -> None: ...

    view.cls = "not a class"  # type: ignore[attr-defined]
    assert view_overrides(view) is None
    view.view_class = object  # type: ignore[attr-defined]
    assert view_overrides(view) is None


def test_cors_explain_names_an_api_view_by_its_function(settings: Any) -> None:
    from crossorigin.explain import explain

    settings.ROOT_URLCONF = "tests.policy_urls"
    result = explain("https://example.com", "/drf/above/")
    assert result.view == "tests.policy_views.above_api_view"
    assert result.policy_source.startswith("@cors_policy on tests.policy_views.above_api_view")
    undecorated = explain("https://example.com", "/drf/undecorated/")
    assert undecorated.view == "tests.policy_views.undecorated_api_view"
