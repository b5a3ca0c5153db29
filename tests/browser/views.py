"""Views of the browser suite's API; each answers with what it saw, as JSON."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.views.decorators.csrf import csrf_exempt, ensure_csrf_cookie


def _seen(request: HttpRequest) -> dict[str, object]:
    return {
        "method": request.method,
        "path": request.path,
        "cookies": dict(request.COOKIES),
        "x_custom": request.headers.get("X-Custom"),
    }


# An API authenticated by something other than the session cookie (a token, say) is
# exempt from CSRF; that keeps Django's CSRF check out of the CORS scenarios.
# Scenario 14 uses csrf_submit, which is protected.
@csrf_exempt
def items(request: HttpRequest) -> JsonResponse:
    return JsonResponse(_seen(request))


async def async_items(request: HttpRequest) -> JsonResponse:
    return JsonResponse({**_seen(request), "async": True})


# What @csrf_exempt does; the decorator itself keeps async views async only from Django 5.0.
async_items.csrf_exempt = True  # type: ignore[attr-defined]


def with_headers(request: HttpRequest) -> HttpResponse:
    response = HttpResponse("with headers", content_type="text/plain")
    response["X-Exposed"] = "exposed-value"
    response["X-Hidden"] = "hidden-value"
    return response


def broken(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("this view fails on purpose (scenario 12)")


@ensure_csrf_cookie
def csrf_token(request: HttpRequest) -> JsonResponse:
    """The CSRF token, for a front end on another origin (it cannot read our cookie)."""
    return JsonResponse({"token": get_token(request)})


def csrf_submit(request: HttpRequest) -> JsonResponse:
    """A POST protected by CsrfViewMiddleware, as a session-authenticated form would be."""
    return JsonResponse({"accepted": request.method, "origin": request.headers.get("Origin")})
