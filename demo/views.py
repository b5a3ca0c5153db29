"""The demo API: one view per row of the page's matrix, and the explanation endpoint.

The views themselves know nothing about CORS; ``CorsMiddleware`` and the settings (plus
``@cors_policy`` here) decide who may read them. ``explain`` reports that decision with
``crossorigin.explain`` (what ``manage.py cors_explain`` prints), which picks the policy
with ``registry.current().select`` and asks the middleware's own ``decide()``: the page
shows it beside what the browser did.
"""

from __future__ import annotations

import json
import uuid

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from crossorigin._explain.query import parse_headers
from crossorigin.decorators import cors_policy
from crossorigin.explain import ExplainArgumentError
from crossorigin.explain import explain as explain_request
from demo.models import Note


@require_GET
def index(request: HttpRequest) -> JsonResponse:
    """What this API offers (open it in a tab: it is just JSON)."""
    return JsonResponse(
        {
            "api": "django-crossorigin demo",
            "endpoints": [
                "/api/simple/",
                "/api/notes/<id>/ (PUT, needs X-Demo-Token)",
                "/api/whoami/",
                "/api/exposed/",
                "/api/public/",
                "/api/partner/",
                "/api/wildcard/",
                "/explain/?origin=&path=&method=&header=Name: value&credentials=1",
            ],
        }
    )


@require_GET
def simple(request: HttpRequest) -> JsonResponse:
    """A simple GET: no preflight, readable only by allowed origins."""
    return JsonResponse({"message": "Hello from the API", "origin_seen": request.headers.get("Origin")})


# The token header authenticates this request, not a cookie, so there is nothing for
# CSRF to protect (see docs/cors-vs-csrf.md). A cookie-authenticated view would keep
# CSRF protection and list the front end in CSRF_TRUSTED_ORIGINS.
@csrf_exempt
@require_http_methods(["PUT"])
def note(request: HttpRequest, pk: int) -> JsonResponse:
    """A preflighted PUT with a JSON body and a custom header; it writes to SQLite."""
    if request.headers.get("X-Demo-Token") != "demo":
        return JsonResponse({"error": "X-Demo-Token: demo is required"}, status=401)
    try:
        text = str(json.loads(request.body or b"{}").get("text", ""))[:200]
    except (ValueError, AttributeError):
        return JsonResponse({"error": 'send a JSON object such as {"text": "hi"}'}, status=400)
    obj, _ = Note.objects.update_or_create(pk=pk, defaults={"text": text})
    return JsonResponse({"id": obj.pk, "text": obj.text, "saved": True, "notes_in_db": Note.objects.count()})


@require_GET
def whoami(request: HttpRequest) -> JsonResponse:
    """A credentialed GET: the browser sends cookies only if the response allows credentials."""
    visits = int(request.session.get("visits", 0)) + 1
    request.session["visits"] = visits
    return JsonResponse({"visits": visits, "cookie_received": bool(request.COOKIES)})


@require_GET
def exposed(request: HttpRequest) -> JsonResponse:
    """Two custom response headers; only X-Request-Id is in CORS_EXPOSE_HEADERS."""
    response = JsonResponse({"message": "read my headers"})
    response["X-Request-Id"] = uuid.uuid4().hex[:12]
    response["X-Internal-Trace"] = "not-for-scripts"
    return response


@cors_policy(allow_all_origins=True, allow_credentials=False)
@require_GET
def public(request: HttpRequest) -> JsonResponse:
    """A per-view policy that opens one endpoint to every origin (without credentials)."""
    return JsonResponse({"message": "public data, readable from anywhere"})


@cors_policy(allowed_origins=["https://partner.example.com"], allow_credentials=False)
@require_GET
def partner(request: HttpRequest) -> JsonResponse:
    """A per-view policy narrower than the global one: only a partner's origin may read it, without cookies."""
    return JsonResponse({"message": "partner data"})


@require_GET
def wildcard(request: HttpRequest) -> JsonResponse:
    """Under CORS_URL_POLICIES' ``http://localhost:*`` entry."""
    return JsonResponse({"message": "any localhost port may read this"})


# Every page must be able to read the explanation, so it is open to every origin.
@cors_policy(allow_all_origins=True, allow_credentials=False)
@require_GET
def explain(request: HttpRequest) -> HttpResponse:
    """The server's decision for ?origin=&path=&method=&header=Name: value&credentials=1.

    The same document as ``manage.py cors_explain ORIGIN PATH --json``.
    """
    query = request.GET
    origin = query.get("origin") or request.headers.get("Origin") or ""
    try:
        found = explain_request(
            origin,
            query.get("path", "/"),
            method=query.get("method", "GET"),
            headers=parse_headers(query.getlist("header")),
            credentials=query.get("credentials") == "1",
            host=request.get_host(),
        )
    except ExplainArgumentError as exc:
        return JsonResponse({"error": str(exc)}, status=400)
    return JsonResponse(found.as_dict())
