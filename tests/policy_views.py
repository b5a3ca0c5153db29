"""Views with per-view CORS policies: Django function and class views, and DRF views.

Every DRF view here requires an authenticated user (HTTP Basic, so a refusal is a 401),
which is what a preflight must never meet: the middleware answers it first.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.decorators import method_decorator
from django.views import View
from rest_framework import viewsets
from rest_framework.authentication import BasicAuthentication
from rest_framework.decorators import action, api_view, authentication_classes, permission_classes, renderer_classes
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from crossorigin.decorators import cors_exempt, cors_policy

FN_ORIGIN = "https://fn.example"
CLASS_ORIGIN = "https://class.example"
DISPATCH_ORIGIN = "https://dispatch.example"
DRF_ORIGIN = "https://drf.example"
ABOVE_ORIGIN = "https://above.example"
BELOW_ORIGIN = "https://below.example"
VIEWSET_ORIGIN = "https://viewset.example"
ACTION_ORIGIN = "https://action.example"


def plain(request: HttpRequest) -> HttpResponse:
    return HttpResponse("plain")


@cors_policy(allowed_origins=[FN_ORIGIN], allow_methods=["GET", "PUT"], expose_headers=["X-Fn"])
def fn_view(request: HttpRequest) -> HttpResponse:
    return HttpResponse("fn")


@cors_policy()
def empty_policy_view(request: HttpRequest) -> HttpResponse:
    """No overrides: the URL or global policy, but CORS on even outside CORS_URLS_REGEX."""
    return HttpResponse("empty")


@cors_policy(allowed_origins=[FN_ORIGIN])
async def async_fn_view(request: HttpRequest) -> HttpResponse:
    return HttpResponse("async fn")


@cors_exempt
def exempt_view(request: HttpRequest) -> HttpResponse:
    return HttpResponse(f"exempt {request.method}")


@cors_policy(allowed_origins=[CLASS_ORIGIN], allow_credentials=True)
class ClassView(View):
    def get(self, request: HttpRequest) -> HttpResponse:
        return HttpResponse("class")

    def put(self, request: HttpRequest) -> HttpResponse:
        return HttpResponse("class put")


class SubClassView(ClassView):
    """Inherits its parent's policy."""


@method_decorator(cors_policy(allowed_origins=[DISPATCH_ORIGIN]), name="dispatch")
class DispatchView(View):
    def get(self, request: HttpRequest) -> HttpResponse:
        return HttpResponse("dispatch")


class _Authenticated:
    authentication_classes = [BasicAuthentication]
    permission_classes = [IsAuthenticated]
    renderer_classes = [JSONRenderer]


@cors_policy(allowed_origins=[DRF_ORIGIN], allow_methods=["GET", "PATCH"], allow_credentials=True)
class PrivateAPIView(_Authenticated, APIView):
    def get(self, request: Request) -> Response:
        return Response({"secret": True})

    def patch(self, request: Request) -> Response:
        return Response({"patched": True})


@cors_exempt
class ExemptAPIView(_Authenticated, APIView):
    def get(self, request: Request) -> Response:
        return Response({"exempt": True})


@cors_policy(allowed_origins=[ABOVE_ORIGIN], allow_methods=["GET", "DELETE"])
@api_view(["GET", "DELETE"])
@authentication_classes([BasicAuthentication])
@permission_classes([IsAuthenticated])
@renderer_classes([JSONRenderer])
def above_api_view(request: Request) -> Response:
    return Response({"above": True})


@api_view(["GET", "POST"])
@cors_policy(allowed_origins=[BELOW_ORIGIN], allow_headers=["x-below"])
@authentication_classes([BasicAuthentication])
@permission_classes([IsAuthenticated])
@renderer_classes([JSONRenderer])
def below_api_view(request: Request) -> Response:
    return Response({"below": True})


@api_view(["GET"])
@renderer_classes([JSONRenderer])
def undecorated_api_view(request: Request) -> Response:
    return Response({"undecorated": True})


@cors_policy(allowed_origins=[VIEWSET_ORIGIN], allow_methods=["GET", "POST", "DELETE"])
class ItemViewSet(_Authenticated, viewsets.ViewSet):
    def list(self, request: Request) -> Response:
        return Response([1, 2])

    def retrieve(self, request: Request, pk: Any = None) -> Response:
        return Response({"id": pk})

    def destroy(self, request: Request, pk: Any = None) -> Response:
        return Response(status=204)

    @action(detail=True, methods=["post"])
    def archive(self, request: Request, pk: Any = None) -> Response:
        return Response({"archived": pk})

    @cors_policy(allowed_origins=[ACTION_ORIGIN], allow_methods=["POST"])
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, pk: Any = None) -> Response:
        return Response({"published": pk})

    @action(detail=False, methods=["get"])
    @cors_policy(allowed_origins=[ACTION_ORIGIN])
    def recent(self, request: Request) -> Response:
        return Response([])

    @cors_policy(allowed_origins=[ACTION_ORIGIN])
    def create(self, request: Request) -> Response:
        # Shares its route with list: the viewset's policy applies (see the docs).
        return Response(status=201)
