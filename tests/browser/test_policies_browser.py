"""Per-view policies, URL policies, wildcard and dynamic origins in real Chromium.

Each scenario shows one origin the browser lets read and one it blocks, and checks on
the server's record that the decision came from the policy under test. The API runs
this module as its URLconf; the views' policies name the page server's origin, which is
known only at run time, so the fixtures decorate them then.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.http import HttpRequest, JsonResponse
from django.urls import clear_url_caches, path
from django.views.decorators.csrf import csrf_exempt
from rest_framework.authentication import SessionAuthentication
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from crossorigin.decorators import cors_policy
from tests.browser.engines import BrowserPage
from tests.browser.helpers import ConsoleLog, browser_fetch, open_page
from tests.browser.servers import ApiServer, PageServer

pytestmark = pytest.mark.browser

NO_ALLOW_ORIGIN = "No 'Access-Control-Allow-Origin' header is present on the requested resource."


@csrf_exempt
def view_with_policy(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"view": "with-policy", "method": request.method})


@csrf_exempt
def plain(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"view": "plain", "method": request.method})


class PrivateView(APIView):
    """Refuses every anonymous request, OPTIONS included (403)."""

    authentication_classes = [SessionAuthentication]
    permission_classes = [IsAuthenticated]
    renderer_classes = [JSONRenderer]

    def patch(self, request: Request) -> Response:
        return Response({"patched": True})


urlpatterns = [
    path("view/", view_with_policy),
    path("drf/", PrivateView.as_view()),
    path("url/a/", plain),
    path("plain/", plain),
]

TENANTS: set[str] = set()
CHECKED: list[str] = []


async def tenant_checker(origin: str, request: HttpRequest) -> bool:
    """The dynamic origins: an async checker (run under the WSGI test server)."""
    CHECKED.append(origin)
    return origin in TENANTS


@pytest.fixture
def site(api: ApiServer, settings: Any) -> ApiServer:
    settings.ROOT_URLCONF = __name__
    return api


@pytest.fixture
def both(pages: PageServer, other_pages: PageServer) -> tuple[PageServer, PageServer]:
    """The two page servers: two origins of the same site."""
    return pages, other_pages


@pytest.fixture
def decorated(pages: PageServer) -> Iterator[None]:
    """Serve the view and the DRF view with a policy that allows the page server's origin.

    The decorator wraps a view and leaves the original alone, so the routes are pointed
    at the wrapped views for the test and back afterwards.
    """
    policy = cors_policy(
        allowed_origins=[pages.origin()],
        allow_methods=["GET", "PUT", "PATCH"],
        allow_headers=["content-type", "x-token"],
        allow_credentials=True,
    )
    plain_routes = urlpatterns[:2]
    urlpatterns[:2] = [path("view/", policy(view_with_policy)), path("drf/", policy(PrivateView).as_view())]
    clear_url_caches()
    yield
    urlpatterns[:2] = plain_routes
    clear_url_caches()


# -- a per-view policy ----------------------------------------------------------------------


@pytest.mark.usefixtures("decorated")
def test_per_view_policy_allows_its_origin_and_the_global_policy_does_not(
    page: BrowserPage, console: ConsoleLog, site: ApiServer, pages: PageServer, settings: Any
) -> None:
    settings.CORS_ALLOWED_ORIGINS = []  # globally nothing is allowed
    open_page(page, pages.origin())
    view_url, plain_url = site.url("/view/"), site.url("/plain/")

    allowed = browser_fetch(page, view_url, method="PUT", headers={"x-token": "1"}, credentials="include")
    refused = browser_fetch(page, plain_url)

    assert not allowed.blocked, allowed.error
    assert allowed.json() == {"view": "with-policy", "method": "PUT"}
    assert refused.blocked
    console.assert_reason(page, plain_url, NO_ALLOW_ORIGIN)
    preflight, put, get = site.received()
    assert preflight.preflight
    assert preflight.status == 200
    assert preflight.cors_headers["access-control-allow-methods"] == "GET, PUT, PATCH"
    assert (put.method, put.status) == ("PUT", 200)
    assert (get.path, get.cors_headers) == ("/plain/", {})


@pytest.mark.usefixtures("decorated")
def test_per_view_policy_blocks_another_origin(
    page: BrowserPage, console: ConsoleLog, site: ApiServer, other_pages: PageServer, settings: Any
) -> None:
    settings.CORS_ALLOWED_ORIGINS = [other_pages.origin()]  # the view replaces this list
    open_page(page, other_pages.origin())
    url = site.url("/view/")

    refused = browser_fetch(page, url, method="PUT", headers={"x-token": "1"})

    assert refused.blocked
    console.assert_reason(page, url, NO_ALLOW_ORIGIN)
    [preflight] = site.received()  # the browser stopped at the preflight
    assert preflight.preflight
    assert preflight.cors_headers == {}


@pytest.mark.usefixtures("decorated")
def test_per_view_policy_answers_the_preflight_of_an_authenticated_drf_view(
    page: BrowserPage, console: ConsoleLog, site: ApiServer, pages: PageServer, settings: Any
) -> None:
    settings.CORS_ALLOWED_ORIGINS = []
    open_page(page, pages.origin())
    url = site.url("/drf/")

    result = browser_fetch(
        page, url, method="PATCH", headers={"x-token": "1", "content-type": "application/json"}, credentials="include"
    )

    # The preflight passed although DRF refuses anonymous OPTIONS; the PATCH itself is
    # refused by DRF, and the script can read why (the refusal carries CORS headers).
    assert not result.blocked, result.error
    assert result.status == 403
    console.assert_no_cors_error()
    preflight, patch = site.received()
    assert (preflight.preflight, preflight.status) == (True, 200)
    assert preflight.cors_headers["access-control-allow-credentials"] == "true"
    assert (patch.method, patch.status) == ("PATCH", 403)


# -- a URL policy ----------------------------------------------------------------------------


def test_url_policy_allows_its_origin_only_under_its_paths(
    page: BrowserPage, console: ConsoleLog, site: ApiServer, both: tuple[PageServer, PageServer], settings: Any
) -> None:
    pages, other_pages = both
    settings.CORS_ALLOWED_ORIGINS = [other_pages.origin()]
    settings.CORS_URL_POLICIES = [(r"^/url/", {"allowed_origins": [pages.origin()], "allow_methods": ["PUT"]})]
    open_page(page, pages.origin())
    url_url, plain_url = site.url("/url/a/"), site.url("/plain/")

    allowed = browser_fetch(page, url_url, method="PUT")
    refused = browser_fetch(page, plain_url)

    assert not allowed.blocked, allowed.error
    assert allowed.json() == {"view": "plain", "method": "PUT"}
    assert refused.blocked
    console.assert_reason(page, plain_url, NO_ALLOW_ORIGIN)


def test_url_policy_replaces_the_global_origins(
    page: BrowserPage, console: ConsoleLog, site: ApiServer, both: tuple[PageServer, PageServer], settings: Any
) -> None:
    pages, other_pages = both
    settings.CORS_ALLOWED_ORIGINS = [other_pages.origin()]
    settings.CORS_URL_POLICIES = [(r"^/url/", {"allowed_origins": [pages.origin()]})]
    open_page(page, other_pages.origin())
    url_url, plain_url = site.url("/url/a/"), site.url("/plain/")

    refused = browser_fetch(page, url_url)
    allowed = browser_fetch(page, plain_url)

    assert refused.blocked
    console.assert_reason(page, url_url, NO_ALLOW_ORIGIN)
    assert not allowed.blocked, allowed.error


# -- a wildcard origin ---------------------------------------------------------------------------


def test_any_port_wildcard(
    page: BrowserPage, console: ConsoleLog, site: ApiServer, pages: PageServer, settings: Any
) -> None:
    settings.CORS_ALLOWED_ORIGINS = ["http://localhost:*"]
    url = site.url("/plain/")

    open_page(page, pages.origin("localhost"))
    allowed = browser_fetch(page, url, method="PUT")
    open_page(page, pages.origin())  # 127.0.0.1: another host, not covered
    refused = browser_fetch(page, url)

    assert not allowed.blocked, allowed.error
    assert refused.blocked
    console.assert_reason(page, url, f"from origin '{pages.origin()}' has been blocked")
    received = site.received()
    assert received[0].cors_headers["access-control-allow-origin"] == pages.origin("localhost")


def test_subdomain_wildcard(
    page: BrowserPage, console: ConsoleLog, site: ApiServer, pages: PageServer, settings: Any
) -> None:
    # Chromium resolves every *.localhost name to loopback, so subdomains need no DNS.
    settings.CORS_ALLOWED_ORIGINS = [f"http://*.localhost:{pages.port}"]
    url = site.url("/plain/")

    open_page(page, pages.origin("app.localhost"))
    allowed = browser_fetch(page, url)
    open_page(page, pages.origin("deep.app.localhost"))
    deeper = browser_fetch(page, url)
    open_page(page, pages.origin())
    refused = browser_fetch(page, url)

    assert not allowed.blocked, allowed.error
    assert not deeper.blocked, deeper.error
    assert refused.blocked
    console.assert_reason(page, url, NO_ALLOW_ORIGIN)
    origins = [(r.origin, r.cors_headers.get("access-control-allow-origin")) for r in site.received()]
    assert origins == [
        (pages.origin("app.localhost"), pages.origin("app.localhost")),
        (pages.origin("deep.app.localhost"), pages.origin("deep.app.localhost")),
        (pages.origin(), None),
    ]


# -- a dynamic origin (CORS_ORIGIN_CHECKER) --------------------------------------------------------


@pytest.fixture
def tenants(pages: PageServer) -> Iterator[set[str]]:
    TENANTS.clear()
    CHECKED.clear()
    TENANTS.add(pages.origin())
    yield TENANTS
    TENANTS.clear()
    CHECKED.clear()


@pytest.mark.usefixtures("tenants")
def test_checker_allows_a_registered_origin_and_blocks_another(
    page: BrowserPage, console: ConsoleLog, site: ApiServer, both: tuple[PageServer, PageServer], settings: Any
) -> None:
    pages, other_pages = both
    settings.CORS_ALLOWED_ORIGINS = []
    settings.CORS_ORIGIN_CHECKER = f"{__name__}.tenant_checker"
    url = site.url("/plain/")

    open_page(page, pages.origin())
    allowed = browser_fetch(page, url, method="PUT")
    open_page(page, other_pages.origin())
    refused = browser_fetch(page, url, method="PUT")

    assert not allowed.blocked, allowed.error
    assert allowed.json()["method"] == "PUT"
    assert refused.blocked
    console.assert_reason(page, url, NO_ALLOW_ORIGIN)
    # Asked once per request: the allowed preflight and PUT, the refused preflight.
    assert [pages.origin(), pages.origin(), other_pages.origin()] == CHECKED


@pytest.mark.usefixtures("tenants")
def test_checker_cache_answers_repeat_requests(
    page: BrowserPage, site: ApiServer, pages: PageServer, settings: Any
) -> None:
    settings.CORS_ALLOWED_ORIGINS = []
    settings.CORS_ORIGIN_CHECKER = f"{__name__}.tenant_checker"
    settings.CORS_ORIGIN_CHECKER_CACHE_SIZE = 100
    open_page(page, pages.origin())

    results = [browser_fetch(page, site.url("/plain/")) for _ in range(3)]

    assert all(not r.blocked for r in results), [r.error for r in results]
    assert [pages.origin()] == CHECKED
