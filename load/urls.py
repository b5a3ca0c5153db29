"""One view that echoes which load case it answered, so every response can be checked.

Under uvicorn the view is async (CROSSORIGIN_LOAD_ASYNC=1), so the whole request stays
on the event loop as in a real async project; under gunicorn it is a plain sync view.
"""

from __future__ import annotations

import os

from django.http import HttpRequest, HttpResponse
from django.urls import path


def _answer(request: HttpRequest) -> HttpResponse:
    case = request.headers.get("x-load-case", "")
    response = HttpResponse("ok", content_type="text/plain")
    if case.isdigit():
        response["x-load-case"] = case
    return response


def echo_case(request: HttpRequest) -> HttpResponse:
    return _answer(request)


async def async_echo_case(request: HttpRequest) -> HttpResponse:
    return _answer(request)


view = async_echo_case if os.environ.get("CROSSORIGIN_LOAD_ASYNC") == "1" else echo_case
urlpatterns = [path("api/items/", view), path("other/", view)]
