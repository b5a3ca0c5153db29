"""One trivial view for the end-to-end benchmark."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import path


def items(request: HttpRequest) -> HttpResponse:
    """The trivial view: a short body, nothing else."""
    return HttpResponse(b"ok")


urlpatterns = [path("api/items/", items)]
