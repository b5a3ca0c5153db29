"""A URLconf where one view serves two routes and only one route decorates it (issue 13, item 4)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import include, path
from django.views import View
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter
from rest_framework.views import APIView
from rest_framework.viewsets import ViewSet

from crossorigin.decorators import cors_exempt, cors_policy

OPEN_ORIGIN = "https://open.example"


def document(request: HttpRequest) -> HttpResponse:
    return HttpResponse("document")


async def async_document(request: HttpRequest) -> HttpResponse:
    return HttpResponse("async document")


class SharedView(View):
    def get(self, request: HttpRequest) -> HttpResponse:
        return HttpResponse("class")


class SharedAPIView(APIView):
    authentication_classes = ()
    permission_classes = ()

    def get(self, request: HttpRequest) -> Response:
        return Response({"view": "api"})


class SharedViewSet(ViewSet):
    authentication_classes = ()
    permission_classes = ()

    def list(self, request: HttpRequest) -> Response:
        return Response([])


opened = cors_policy(allowed_origins=[OPEN_ORIGIN])
open_router, plain_router = SimpleRouter(), SimpleRouter()
open_router.register("items", opened(SharedViewSet), basename="open-items")
plain_router.register("items", SharedViewSet, basename="plain-items")

urlpatterns = [
    path("fn/open/", opened(document)),
    path("fn/plain/", document),
    path("fn/exempt/", cors_exempt(document)),
    path("async/open/", opened(async_document)),
    path("async/plain/", async_document),
    path("class/open/", opened(SharedView).as_view()),
    path("class/plain/", SharedView.as_view()),
    path("as-view/open/", opened(SharedView.as_view())),
    path("api/open/", opened(SharedAPIView).as_view()),
    path("api/open-as-view/", opened(SharedAPIView.as_view())),
    path("api/plain/", SharedAPIView.as_view()),
    path("set/open/", include(open_router.urls)),
    path("set/plain/", include(plain_router.urls)),
]
