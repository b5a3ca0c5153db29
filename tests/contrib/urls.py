"""URLs of the database-origins tests and of their two test servers: the admin and an API."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.urls import path


def api(request: HttpRequest) -> HttpResponse:
    return HttpResponse("api", content_type="text/plain")


urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", api),
]
