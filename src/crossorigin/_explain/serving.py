"""How the server answers: which middleware sends the response, and where a redirect leads.

``CorsMiddleware`` adds its headers only to the responses that pass back through it.
A middleware above it in ``MIDDLEWARE`` that answers on its own (``CommonMiddleware``'s
``APPEND_SLASH`` and ``PREPEND_WWW`` redirects, ``SecurityMiddleware``'s
``SECURE_SSL_REDIRECT``, ``LocaleMiddleware``'s language redirect) sends a response
with none, whatever the decision says; one below it sends a redirect that does carry
them, and the browser then follows it. Rather than restate those middleware's rules,
``serve`` runs Django's own classes on a ``RequestFactory`` request, in ``MIDDLEWARE``
order, around two stand-ins: one for ``CorsMiddleware`` that applies the ``Decision``
already made (with the middleware's own ``apply_decision``), and one for the view that
answers 200, or 404 when the path does not resolve. Only middleware known to answer
without side effects is run; ``skipped_above_cors`` names the rest above
``CorsMiddleware``. What the answer means for the browser is ``following``'s job.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Final
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.http import HttpRequest, HttpResponse, HttpResponseNotFound
from django.http.response import HttpResponseBase
from django.test import RequestFactory
from django.utils import translation
from django.utils.module_loading import import_string

from crossorigin._core.constants import CSRF_MIDDLEWARE
from crossorigin._core.policy import Decision
from crossorigin._explain.query import Query
from crossorigin._explain.resolving import Resolved
from crossorigin._http.headers import apply_decision, preflight_response
from crossorigin._http.middleware import CorsMiddleware

Handler = Callable[[HttpRequest], HttpResponseBase]

CORS: Final = "CorsMiddleware"
VIEW: Final = "the view"
# Django's middleware that can answer a request on its own and does nothing else a
# simulated request could notice (no database, cache or session access).
RUNNABLE_MIDDLEWARE: Final = (
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.locale.LocaleMiddleware",
)
# Django's middleware that never answers a request before CorsMiddleware sees it.
PASSIVE_MIDDLEWARE: Final = frozenset(
    {
        "django.contrib.sessions.middleware.SessionMiddleware",
        CSRF_MIDDLEWARE,
        "django.contrib.auth.middleware.AuthenticationMiddleware",
        "django.contrib.auth.middleware.LoginRequiredMiddleware",
        "django.contrib.messages.middleware.MessageMiddleware",
        "django.middleware.clickjacking.XFrameOptionsMiddleware",
        "django.contrib.sites.middleware.CurrentSiteMiddleware",
    }
)


@dataclass(frozen=True)
class ServerAnswer:
    """The response the site sends for one request, and which middleware sent it."""

    status: int
    answered_by: str  # a middleware's dotted path, CORS or VIEW
    cors_headers: bool  # True if the response passed back through CorsMiddleware
    location: str | None = None
    raised: str | None = None  # the exception a middleware raised, turned into this status
    # The CORS headers (Access-Control-*, Vary) on the response the browser receives.
    headers: tuple[tuple[str, str], ...] = ()

    @property
    def is_redirect(self) -> bool:
        """True for a 3xx with a Location: the browser either follows it or fails."""
        return 300 <= self.status < 400 and self.location is not None

    def describe(self) -> str:
        """'301 from django.middleware.common.CommonMiddleware, redirecting to /api/items/'."""
        text = f"{self.status} from {self.answered_by}"
        if self.raised:
            text += f" (it raised {self.raised})"
        if self.is_redirect:
            text += f", redirecting to {self.location}"
        return text

    def as_dict(self) -> dict[str, object]:
        """The ``response`` part of the ``--json`` document."""
        return {
            "status": self.status,
            "answered_by": self.answered_by,
            "cors_headers": self.cors_headers,
            "redirect": self.location if self.is_redirect else None,
            "raised": self.raised,
        }


def request_url(value: str) -> tuple[str | None, str | None]:
    """The scheme and host of PATH when it is given as a full URL, else (None, None)."""
    parts = urlsplit(value)
    if parts.scheme in ("http", "https") and parts.netloc:
        return parts.scheme, parts.netloc
    return None, None


def default_scheme() -> str:
    """The scheme the site's own clients use: https when it redirects everything there."""
    return "https" if getattr(settings, "SECURE_SSL_REDIRECT", False) else "http"


def serve(
    q: Query,
    decision: Decision,
    resolved: Resolved,
    middleware: Sequence[str],
    *,
    preflight: bool,
    answered: bool,
    scheme: str,
) -> ServerAnswer:
    """Run the request through the middleware as the server would, and report the answer.

    ``answered`` says whether CorsMiddleware answers this preflight itself.
    """
    passed: list[HttpResponseBase] = []
    answered_by = [CORS if preflight and answered else VIEW]
    raised: list[str] = []

    def view(request: HttpRequest) -> HttpResponseBase:
        # Django's handler resolves the exact path: a path that resolves only with a
        # trailing slash is a 404 here, which CommonMiddleware may turn into a redirect.
        return HttpResponse() if resolved.actual is not None else HttpResponseNotFound()

    def cors(inner: Handler) -> Handler:
        def call(request: HttpRequest) -> HttpResponseBase:
            response = preflight_response() if preflight and answered else inner(request)
            apply_decision(decision, response)
            passed.append(response)
            return response

        return call

    handler: Handler = view
    for entry in reversed(middleware):
        if _is_cors(entry):
            handler = cors(handler)
        else:
            cls = _runnable(entry)
            if cls is not None:
                handler = _traced(entry, cls, handler, answered_by, raised)
    request = _request(q, preflight=preflight, scheme=scheme)
    with translation.override(translation.get_language()):
        response = handler(request)
    location = response.get("Location") if 300 <= response.status_code < 400 else None
    return ServerAnswer(
        status=response.status_code,
        answered_by=answered_by[-1],
        cors_headers=any(r is response for r in passed),
        location=location,
        raised=raised[-1] if raised else None,
        headers=tuple(
            (name, value)
            for name, value in response.items()
            if name.lower().startswith("access-control-") or name.lower() == "vary"
        ),
    )


def skipped_above_cors(middleware: Sequence[str]) -> list[str]:
    """Entries above CorsMiddleware that ``serve`` does not run and that may answer on their own."""
    position = next((i for i, entry in enumerate(middleware) if _is_cors(entry)), len(middleware))
    return [e for e in middleware[:position] if _runnable(e) is None and e not in PASSIVE_MIDDLEWARE]


# -- the simulated server ------------------------------------------------------------


def _request(q: Query, *, preflight: bool, scheme: str) -> HttpRequest:
    meta: dict[str, Any] = {"HTTP_" + name.upper().replace("-", "_"): value for name, value in q.sent(preflight)}
    meta["HTTP_HOST"] = q.host
    method = "OPTIONS" if preflight else q.method
    return RequestFactory().generic(method, q.path, secure=scheme == "https", **meta)


def _traced(entry: str, cls: type, inner: Handler, answered_by: list[str], raised: list[str]) -> Handler:
    """Run one real middleware around ``inner`` and note it when it answers itself."""

    def call(request: HttpRequest) -> HttpResponseBase:
        received: list[HttpResponseBase] = []

        def get_response(req: HttpRequest) -> HttpResponseBase:
            received.append(inner(req))
            return received[-1]

        try:
            response: HttpResponseBase = cls(get_response)(request)
        except Exception as exc:
            # As Django's handler turns it into a response at this middleware's level.
            response = HttpResponse(status=_status_for(exc))
            raised.append(f"{type(exc).__name__}: {exc}")
        if not received or response is not received[-1]:
            answered_by.append(entry)
        return response

    return call


def _status_for(exc: Exception) -> int:
    if isinstance(exc, PermissionDenied):
        return 403
    if isinstance(exc, SuspiciousOperation):
        return 400
    return 500


def _is_cors(entry: str) -> bool:
    cls = _import(entry)
    return isinstance(cls, type) and issubclass(cls, CorsMiddleware)


def _runnable(entry: str) -> type | None:
    cls = _import(entry)
    if not isinstance(cls, type):
        return None
    for dotted in RUNNABLE_MIDDLEWARE:
        base = import_string(dotted)
        if issubclass(cls, base):
            return cls
    return None


def _import(entry: str) -> object:
    try:
        return import_string(entry)
    except Exception:
        return None
