"""Views the tests call through the middleware."""

from __future__ import annotations

from collections.abc import Callable

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.views import View
from django.views.decorators.csrf import csrf_protect

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


def redirect_elsewhere(request: HttpRequest) -> HttpResponse:
    return HttpResponse(status=302, headers={"Location": "/elsewhere/"})


def login_required_view(request: HttpRequest) -> HttpResponse:
    # Stands for any authentication: refuses every request that reaches it without a user.
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return HttpResponse("authentication required", status=401)
    return HttpResponse("secret")


@csrf_protect
def csrf_post(request: HttpRequest) -> JsonResponse:
    # What the view saw: CorsPostCsrfMiddleware must have put Origin and Referer back.
    return JsonResponse({"origin": request.META.get("HTTP_ORIGIN"), "referer": request.META.get("HTTP_REFERER")})


def stream(request: HttpRequest) -> StreamingHttpResponse:
    return StreamingHttpResponse(iter([b"a", b"b"]))


def not_found(request: HttpRequest) -> HttpResponse:
    raise Http404("nothing here")


class AnswersItselfMiddleware:
    """A middleware below CorsMiddleware that answers /api/answered/ without any view."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info == "/api/answered/":
            return HttpResponse("answered by a middleware", status=403)
        return self.get_response(request)
