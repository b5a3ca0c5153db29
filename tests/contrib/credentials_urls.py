"""The test URLs plus a view whose policy allows credentials."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import path

from crossorigin.decorators import cors_policy
from tests.contrib.urls import urlpatterns as base


@cors_policy(allow_credentials=True)
def private_api(request: HttpRequest) -> HttpResponse:
    return HttpResponse("private", content_type="text/plain")


urlpatterns = [*base, path("api/private/", private_api)]
