"""Views the tests call through the middleware."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views import View

from crossorigin.decorators import cors_exempt, cors_policy


def plain(request: HttpRequest) -> HttpResponse:
    return HttpResponse("plain", content_type="text/plain")


def with_vary(request: HttpRequest) -> HttpResponse:
    response = HttpResponse("vary")
    response["Vary"] = "Accept-Encoding"
    return response


def echo_meta(request: HttpRequest) -> JsonResponse:
    return JsonResponse({k: v for k, v in request.META.items() if k.startswith("HTTP_")})


def broken(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("this view fails on purpose")


def options_view(request: HttpRequest) -> HttpResponse:
    return HttpResponse("from the view", status=204 if request.method == "OPTIONS" else 200)


async def async_plain(request: HttpRequest) -> HttpResponse:
    return HttpResponse("async")


@cors_policy(allow_all_origins=True, allow_methods=["GET", "PATCH"])
def open_view(request: HttpRequest) -> HttpResponse:
    return HttpResponse("open")


@cors_exempt
def exempt_view(request: HttpRequest) -> HttpResponse:
    return HttpResponse("exempt")


@cors_policy(allowed_origins=["https://class.example"], allow_credentials=True)
class PolicyClassView(View):
    def get(self, request: HttpRequest) -> HttpResponse:
        return HttpResponse("class")

    def post(self, request: HttpRequest) -> HttpResponse:
        return HttpResponse("class-post")
