"""Routes for the checks that see the policy a request really gets (issue 13, items 1 and 10)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import include, path
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter
from rest_framework.viewsets import ViewSet

from crossorigin.decorators import cors_policy

PARTNER = "https://partner.example"


def document(request: HttpRequest, **kwargs: object) -> HttpResponse:
    return HttpResponse("document")


# Narrows origins and turns credentials on: safe over the global settings, not under an allow-all URL policy.
partner = cors_policy(allowed_origins=[PARTNER], allow_credentials=True)(document)
# Only turns credentials on: whatever origins the policy underneath allows get them.
credentialed = cors_policy(allow_credentials=True)(document)


class NotesViewSet(ViewSet):
    authentication_classes = ()
    permission_classes = ()

    def list(self, request: HttpRequest) -> Response:
        return Response([])

    @cors_policy(allowed_origins=[PARTNER])
    def create(self, request: HttpRequest) -> Response:
        return Response(status=201)


router = SimpleRouter()
router.register("notes", NotesViewSet, basename="notes")

urlpatterns = [
    path("api/partner/", partner),
    path("embed/credentialed/", credentialed),
    path("pages/<str:section>/", credentialed),
    path("other/<int:pk>/", credentialed),
    path("v1/", include([path("partner/", partner)])),
    path("", include(router.urls)),
]
