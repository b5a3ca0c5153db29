"""Per-view policies on Django views: ``@cors_policy(**overrides)`` and ``@cors_exempt``.

Precedence: the view's overrides, laid over the first matching URL policy, laid over
the global settings. A preflight to a decorated view is answered from the view's
policy before the view runs. Requests without an Origin never look the view up.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse
from django.test import override_settings
from django.urls import path

import crossorigin._config.selection
from crossorigin._config import decorators
from crossorigin._config.decorators import view_overrides
from crossorigin._core.options import OVERRIDE_KEYS
from crossorigin._core.policy import Reason
from crossorigin.checks import check_settings
from crossorigin.decorators import cors_exempt, cors_policy
from crossorigin.testing import assert_cors_allowed, assert_cors_denied, cors_headers
from tests import policy_views as views
from tests.conftest import Send

pytestmark = pytest.mark.urls("tests.policy_urls")

GLOBAL_ORIGIN = "https://example.com"
URL_ORIGIN = "https://url.example"


def acao(response: Any) -> str | None:
    return cors_headers(response).get("access-control-allow-origin")


# -- function views ----------------------------------------------------------------------


def test_a_function_view_gets_its_own_policy(send: Send) -> None:
    response = send("GET", "/fn/", {"origin": views.FN_ORIGIN})
    assert_cors_allowed(response, views.FN_ORIGIN, expose_headers=["X-Fn"])
    assert acao(response) == views.FN_ORIGIN
    assert cors_headers(response)["access-control-expose-headers"] == "X-Fn"
    # allowed_origins was overridden: the global origin is not part of it.
    refused = send("GET", "/fn/", {"origin": GLOBAL_ORIGIN})
    assert_cors_denied(refused)
    assert acao(refused) is None
    # The view next door keeps the global policy.
    plain = send("GET", "/plain/", {"origin": GLOBAL_ORIGIN})
    assert_cors_allowed(plain, GLOBAL_ORIGIN)
    assert acao(plain) == GLOBAL_ORIGIN
    refused = send("GET", "/plain/", {"origin": views.FN_ORIGIN})
    assert_cors_denied(refused)
    assert acao(refused) is None


def test_a_function_view_preflight_is_answered_from_its_policy(send: Send) -> None:
    response = send.preflight("/fn/", views.FN_ORIGIN, "PUT")
    assert response.status_code == 200
    assert response.content == b""
    assert_cors_allowed(response, views.FN_ORIGIN)
    headers = cors_headers(response)
    assert headers["access-control-allow-origin"] == views.FN_ORIGIN
    assert headers["access-control-allow-methods"] == "GET, PUT"


def test_an_async_function_view(send: Send) -> None:
    for response in (
        send("GET", "/async-fn/", {"origin": views.FN_ORIGIN}),
        send.preflight("/async-fn/", views.FN_ORIGIN, "GET"),
    ):
        assert_cors_allowed(response, views.FN_ORIGIN)
        assert acao(response) == views.FN_ORIGIN
    refused = send("GET", "/async-fn/", {"origin": GLOBAL_ORIGIN})
    assert_cors_denied(refused)
    assert acao(refused) is None


@override_settings(CORS_URLS_REGEX=r"^/api/")
def test_a_decorated_view_has_cors_even_outside_cors_urls_regex(send: Send) -> None:
    response = send("GET", "/empty/", {"origin": GLOBAL_ORIGIN})
    assert_cors_allowed(response, GLOBAL_ORIGIN)
    assert acao(response) == GLOBAL_ORIGIN
    assert send.preflight("/empty/", GLOBAL_ORIGIN, "GET").status_code == 200
    outside = send("GET", "/plain/", {"origin": GLOBAL_ORIGIN})
    assert_cors_denied(outside)
    assert acao(outside) is None
    assert not outside.has_header("Vary")


# -- cors_exempt -----------------------------------------------------------------------------


def test_an_exempt_view_gets_no_cors_headers_and_its_own_options(send: Send) -> None:
    response = send("GET", "/exempt/", {"origin": GLOBAL_ORIGIN})
    assert_cors_denied(response)
    assert cors_headers(response) == {}  # no Access-Control-* and no Vary
    assert not response.has_header("Vary")
    preflight = send.preflight("/exempt/", GLOBAL_ORIGIN, "GET")
    assert preflight.content == b"exempt OPTIONS"  # the view answered it
    assert_cors_denied(preflight)
    assert set(cors_headers(preflight)) <= {"vary"}  # no Access-Control-* header


@override_settings(CORS_URL_POLICIES=[(r"^/exempt/", {"allow_all_origins": True})], CORS_ALLOW_ALL_ORIGINS=True)
def test_exempt_beats_url_policy_and_global(send: Send) -> None:
    response = send("GET", "/exempt/", {"origin": GLOBAL_ORIGIN})
    assert_cors_denied(response)
    assert set(cors_headers(response)) <= {"vary"}  # no Access-Control-* header


# -- class-based views ----------------------------------------------------------------------


def test_a_decorated_class_based_view(send: Send) -> None:
    # credentials=True: the origin echoed exactly and Access-Control-Allow-Credentials: true.
    assert_cors_allowed(send("GET", "/class/", {"origin": views.CLASS_ORIGIN}), views.CLASS_ORIGIN, credentials=True)
    preflight = send.preflight("/class/", views.CLASS_ORIGIN, "PUT")
    assert preflight.status_code == 200
    assert_cors_allowed(preflight, views.CLASS_ORIGIN, credentials=True)
    refused = send("GET", "/class/", {"origin": GLOBAL_ORIGIN})
    assert_cors_denied(refused)
    assert acao(refused) is None


def test_a_subclass_inherits_its_parents_policy(send: Send) -> None:
    for response in (
        send("GET", "/subclass/", {"origin": views.CLASS_ORIGIN}),
        send.preflight("/subclass/", views.CLASS_ORIGIN, "GET"),
    ):
        assert_cors_allowed(response, views.CLASS_ORIGIN)
        assert acao(response) == views.CLASS_ORIGIN


def test_method_decorator_on_dispatch(send: Send) -> None:
    for response in (
        send("GET", "/dispatch/", {"origin": views.DISPATCH_ORIGIN}),
        send.preflight("/dispatch/", views.DISPATCH_ORIGIN, "GET"),
    ):
        assert_cors_allowed(response, views.DISPATCH_ORIGIN)
        assert acao(response) == views.DISPATCH_ORIGIN
    refused = send("GET", "/dispatch/", {"origin": GLOBAL_ORIGIN})
    assert_cors_denied(refused)
    assert acao(refused) is None


def test_view_overrides_finds_the_policy_on_each_kind_of_view() -> None:
    assert view_overrides(views.fn_view) is not None
    assert view_overrides(views.ClassView.as_view()) is not None
    assert view_overrides(views.DispatchView.as_view()) is not None
    assert view_overrides(views.plain) is None
    exempt = view_overrides(views.exempt_view)
    assert exempt is not None
    assert exempt.exempt


# -- precedence: view, then URL policy, then global -----------------------------------------

URL_POLICY = [
    (
        r"^/u/",
        {"allowed_origins": [URL_ORIGIN], "allow_credentials": True, "preflight_max_age": 7, "allow_methods": ["GET"]},
    )
]


@override_settings(CORS_URL_POLICIES=URL_POLICY)
def test_view_over_url_policy_over_global(send: Send) -> None:
    response = send.preflight("/u/fn/", views.FN_ORIGIN, "PUT")
    assert_cors_allowed(response, views.FN_ORIGIN, credentials=True)
    headers = cors_headers(response)
    assert headers["access-control-allow-origin"] == views.FN_ORIGIN  # the view's origins
    assert headers["access-control-allow-methods"] == "GET, PUT"  # the view's, not the URL policy's
    assert headers["access-control-allow-credentials"] == "true"  # the URL policy's
    assert headers["access-control-max-age"] == "7"  # the URL policy's, not the global 86400
    # The view replaced allowed_origins: neither the URL policy's nor the global origin.
    for origin in (URL_ORIGIN, GLOBAL_ORIGIN):
        refused = send("GET", "/u/fn/", {"origin": origin})
        assert_cors_denied(refused)
        assert acao(refused) is None
    # The same view at a path outside the URL policy sits on the global policy.
    outside = cors_headers(send.preflight("/fn/", views.FN_ORIGIN, "PUT"))
    assert "access-control-allow-credentials" not in outside
    assert outside["access-control-max-age"] == "86400"


@override_settings(CORS_URL_POLICIES=URL_POLICY)
def test_a_view_without_overrides_takes_the_url_policy(send: Send) -> None:
    response = send("GET", "/u/empty/", {"origin": URL_ORIGIN})
    assert_cors_allowed(response, URL_ORIGIN, credentials=True)
    assert acao(response) == URL_ORIGIN
    refused = send("GET", "/u/empty/", {"origin": GLOBAL_ORIGIN})
    assert_cors_denied(refused)
    assert acao(refused) is None


# -- the cost: nothing for requests without an Origin ------------------------------------------


class Counter:
    def __init__(self, func: Any) -> None:
        self.func = func
        self.calls = 0

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        self.calls += 1
        return self.func(*args, **kwargs)


@pytest.fixture
def lookups(monkeypatch: pytest.MonkeyPatch) -> dict[str, Counter]:
    counters = {
        "resolve": Counter(crossorigin._config.selection.resolve),
        "view_overrides": Counter(crossorigin._config.selection.view_overrides),
    }
    for name, counter in counters.items():
        monkeypatch.setattr(crossorigin._config.selection, name, counter)
    return counters


def test_no_view_lookup_for_requests_without_an_origin(send: Send, lookups: dict[str, Counter]) -> None:
    assert decorators.views_are_decorated()
    for target in ("/fn/", "/class/", "/exempt/", "/plain/", "/drf/private/", "/drf/items/1/"):
        send("GET", target)
        send("POST", target)
        send("OPTIONS", target)
    assert lookups["resolve"].calls == 0
    assert lookups["view_overrides"].calls == 0


def test_view_lookups_happen_with_an_origin(send: Send, lookups: dict[str, Counter]) -> None:
    send.preflight("/fn/", views.FN_ORIGIN, "GET")
    assert lookups["resolve"].calls == 1
    send("GET", "/fn/", {"origin": views.FN_ORIGIN})
    assert lookups["resolve"].calls == 1  # an actual request uses the view Django resolved
    assert lookups["view_overrides"].calls == 2


# -- APPEND_SLASH -------------------------------------------------------------------------------


@override_settings(APPEND_SLASH=True)
@pytest.mark.parametrize(("target", "origin"), [("/fn", views.FN_ORIGIN), ("/class", views.CLASS_ORIGIN)])
def test_a_preflight_without_the_trailing_slash_finds_the_decorated_view(send: Send, target: str, origin: str) -> None:
    response = send.preflight(target, origin, "PUT")
    assert response.status_code == 200  # never a redirect: a redirected preflight fails
    assert_cors_allowed(response, origin)
    assert acao(response) == origin


def test_a_preflight_to_an_unknown_path_uses_the_url_or_global_policy(send: Send) -> None:
    response = send.preflight("/no/such/path/", GLOBAL_ORIGIN, "GET")
    assert response.status_code == 200
    assert_cors_allowed(response, GLOBAL_ORIGIN)
    assert acao(response) == GLOBAL_ORIGIN


# -- mistakes ---------------------------------------------------------------------------------


def test_an_unknown_key_fails_at_decoration_naming_the_known_keys() -> None:
    with pytest.raises(ImproperlyConfigured) as caught:
        cors_policy(allowed_origin=["https://a.example"])
    message = str(caught.value)
    assert "allowed_origin" in message
    for key in OVERRIDE_KEYS:
        assert key in message


def plain(request: HttpRequest) -> HttpResponse:
    return HttpResponse()


def open_plain(request: HttpRequest) -> HttpResponse:
    return HttpResponse()


bad_view = cors_policy(allowed_origins=["https://bad.example/"], preflight_max_age=-3)(plain)
open_with_credentials = cors_policy(allow_all_origins=True, allow_credentials=True)(open_plain)

# A URLconf for the checks below: the checks walk ROOT_URLCONF for decorated views.
urlpatterns = [path("bad/", bad_view), path("open/", open_with_credentials)]


@override_settings(ROOT_URLCONF=__name__)
def test_bad_values_in_a_view_policy_are_reported_by_the_system_checks() -> None:
    messages = check_settings()
    found = {
        m.id: m.msg for m in messages if "@cors_policy on" in m.msg and m.id in ("crossorigin.E003", "crossorigin.E012")
    }
    assert set(found) == {"crossorigin.E003", "crossorigin.E012"}
    assert f"{__name__}.plain" in found["crossorigin.E003"]


@override_settings(ROOT_URLCONF=__name__)
def test_a_view_policy_gets_the_same_security_checks_as_the_globals() -> None:
    with override_settings(ROOT_URLCONF="tests.policy_urls", CORS_ALLOW_ALL_ORIGINS=True, CORS_ALLOW_CREDENTIALS=True):
        # This module's views are checked wherever they are routed (the decorators register them).
        global_errors = {m.id for m in check_settings() if m.level >= 40 and __name__ not in m.msg}
    assert global_errors
    view_errors = {m.id for m in check_settings() if m.level >= 40 and f"{__name__}.open_plain" in m.msg}
    assert global_errors == view_errors


def test_decorating_wraps_the_view_and_leaves_it_unchanged() -> None:
    def view(request: HttpRequest) -> HttpResponse:
        return HttpResponse()

    policy = cors_policy(allow_all_origins=True)(view)
    assert policy is not view
    assert policy.__wrapped__ is view  # type: ignore[attr-defined]
    assert policy.__name__ == view.__name__
    assert view_overrides(view) is None
    exempt = cors_exempt(policy)
    found = view_overrides(exempt)
    assert found is not None
    assert found.exempt  # the last decorator applied wins
    assert not view_overrides(policy).exempt  # type: ignore[union-attr]


SHARED = "tests.shared_view_urls"


@pytest.mark.urls(SHARED)
@pytest.mark.parametrize("kind", ["fn", "async", "class", "api"])
def test_decorating_a_shared_view_for_one_route_leaves_the_others_alone(send: Send, kind: str) -> None:
    from tests.shared_view_urls import OPEN_ORIGIN

    assert_cors_allowed(send("GET", f"/{kind}/open/", {"origin": OPEN_ORIGIN}), OPEN_ORIGIN)
    preflight = send.preflight(f"/{kind}/open/", OPEN_ORIGIN, "GET")
    assert_cors_allowed(preflight, OPEN_ORIGIN)
    for response in (
        send("GET", f"/{kind}/plain/", {"origin": OPEN_ORIGIN}),
        send.preflight(f"/{kind}/plain/", OPEN_ORIGIN, "GET"),
    ):
        assert_cors_denied(response)
        assert acao(response) is None
    assert_cors_allowed(send("GET", f"/{kind}/plain/", {"origin": GLOBAL_ORIGIN}), GLOBAL_ORIGIN)


@pytest.mark.urls(SHARED)
@pytest.mark.parametrize("route", ["/as-view/open/", "/api/open-as-view/", "/set/open/items/"])
def test_decorating_an_as_view_result_or_a_viewset_for_one_route(send: Send, route: str) -> None:
    from tests.shared_view_urls import OPEN_ORIGIN

    response = send("GET", route, {"origin": OPEN_ORIGIN})
    assert response.status_code == 200
    assert_cors_allowed(response, OPEN_ORIGIN)
    assert_cors_denied(send("GET", "/set/plain/items/", {"origin": OPEN_ORIGIN}))
    assert_cors_denied(send("GET", "/class/plain/", {"origin": OPEN_ORIGIN}))


@pytest.mark.urls(SHARED)
def test_an_exempt_route_leaves_the_shared_function_alone(send: Send) -> None:
    from tests import shared_view_urls

    assert cors_headers(send("GET", "/fn/exempt/", {"origin": GLOBAL_ORIGIN})) == {}
    assert_cors_allowed(send("GET", "/fn/plain/", {"origin": GLOBAL_ORIGIN}), GLOBAL_ORIGIN)
    assert view_overrides(shared_view_urls.document) is None
    assert view_overrides(shared_view_urls.SharedView.as_view()) is None
    assert view_overrides(shared_view_urls.SharedViewSet.as_view({"get": "list"})) is None


def test_a_wrapped_async_view_stays_async() -> None:
    from asgiref.sync import iscoroutinefunction

    from tests.shared_view_urls import async_document

    assert iscoroutinefunction(cors_policy(allow_all_origins=True)(async_document))


def test_the_decision_names_the_view_policy(send: Send) -> None:
    from crossorigin._config import registry
    from crossorigin._config.selection import select_policy

    policies = registry.current()
    overrides = view_overrides(views.fn_view)
    found = select_policy(policies, "/fn/", view=overrides)
    assert found.enabled
    assert found.policy.name == "view:tests.policy_views.fn_view"
    assert select_policy(policies, "/fn/", view=overrides).policy is found.policy  # compiled once
    assert policies.exempt.reason is Reason.VIEW_EXEMPT
