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
without side effects is run; ``serve`` reports the rest it skipped above
``CorsMiddleware``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any, Final
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.http import HttpRequest, HttpResponse, HttpResponseNotFound
from django.http.response import HttpResponseBase
from django.test import RequestFactory
from django.utils import translation
from django.utils.module_loading import import_string

from crossorigin.explain.model import Hint, RequestExplanation
from crossorigin.explain.query import Query
from crossorigin.explain.resolving import Resolved
from crossorigin.middleware import CorsMiddleware, apply_decision, preflight_response
from crossorigin.policy import Decision

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
        "django.middleware.csrf.CsrfViewMiddleware",
        "django.contrib.auth.middleware.AuthenticationMiddleware",
        "django.contrib.auth.middleware.LoginRequiredMiddleware",
        "django.contrib.messages.middleware.MessageMiddleware",
        "django.middleware.clickjacking.XFrameOptionsMiddleware",
        "django.contrib.sites.middleware.CurrentSiteMiddleware",
    }
)
# Fetch follows at most 20 redirects; an explanation that needs more than a few is
# already saying what matters.
MAX_REDIRECTS: Final = 5


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


@dataclass(frozen=True)
class Redirect:
    """The request a browser sends after following a redirect."""

    origin: str
    path: str
    method: str
    host: str
    scheme: str
    headers: tuple[tuple[str, str | None], ...]


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


def redirect_target(q: Query, answer: ServerAnswer, scheme: str, headers: Sequence[tuple[str, str | None]]) -> Redirect:
    """The request the browser sends when it follows ``answer``'s redirect (Fetch's rules)."""
    assert answer.location is not None
    target = urlsplit(answer.location)
    new_scheme = target.scheme or scheme
    new_host = target.netloc or q.host
    # A redirect to another origin taints the request's origin: the browser sends
    # 'Origin: null' from then on (Fetch, HTTP-redirect fetch).
    same = (new_scheme, new_host) == (scheme, q.host)
    method, kept = followed_method(answer.status, q.method), tuple(headers)
    if method != q.method:
        # The body goes, and with it the headers that describe it.
        kept = tuple((n, v) for n, v in kept if not n.startswith("content-"))
    return Redirect(
        origin=q.origin if same else "null",
        path=target.path or "/",
        method=method,
        host=new_host,
        scheme=new_scheme,
        headers=kept,
    )


def followed_method(status: int, method: str) -> str:
    """The method after a redirect: Fetch turns a POST into a GET on 301/302, anything but GET/HEAD on 303."""
    if (status in (301, 302) and method == "POST") or (status == 303 and method not in ("GET", "HEAD")):
        return "GET"
    return method


def moved_above(answer: ServerAnswer) -> str | None:
    """The middleware CorsMiddleware must move above, if one answered before it."""
    if answer.cors_headers or answer.answered_by in (CORS, VIEW):
        return None
    return answer.answered_by


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


# -- what the answers mean for the explanation -----------------------------------------


@dataclass(frozen=True)
class Served:
    """The explanation's requests with the server's answers laid over them, and what follows."""

    preflight: RequestExplanation | None
    actual: RequestExplanation
    hints: tuple[Hint, ...]
    notes: tuple[str, ...]
    redirect: Redirect | None  # the request the browser sends next, if it follows a redirect


def through_middleware(
    q: Query,
    resolved: Resolved,
    middleware: Sequence[str],
    *,
    scheme: str,
    preflight: RequestExplanation | None,
    actual: RequestExplanation,
    headers: Sequence[tuple[str, str | None]],
    can_follow: bool,
    passed_on: Decision | None = None,
) -> Served:
    """Serve the preflight and the request as the site would; fail what the browser would fail.

    ``passed_on`` is the decision CorsMiddleware applies to the response of a preflight
    it does not answer itself (it goes on to the URL resolver and the view).
    """
    hints: list[Hint] = []
    notes: list[str] = []
    if preflight is not None:
        answer = serve(
            q,
            passed_on or preflight.decision,
            resolved,
            middleware,
            preflight=True,
            answered=preflight.answered_by_middleware,
            scheme=scheme,
        )
        preflight = _with_answer(preflight, answer, _preflight_failures(answer))
        hints.extend(_answer_hints(answer, q))
    answer = serve(q, actual.decision, resolved, middleware, preflight=False, answered=False, scheme=scheme)
    failures = _actual_failures(answer)
    redirect = None
    sent = preflight is None or preflight.readable  # a failed preflight stops the request
    if sent and answer.is_redirect and answer.cors_headers and not actual.failures:
        redirect = redirect_target(q, answer, scheme, headers)
        if not can_follow:
            failures.append(f"the redirects go on past {MAX_REDIRECTS}; the explanation stops following them here")
            redirect = None
        else:
            hints.append(_followed_hint(q, answer, redirect))
    actual = _with_answer(actual, answer, failures)
    hints.extend(_answer_hints(answer, q))
    skipped = skipped_above_cors(middleware)
    if skipped:
        notes.append(
            f"Not run by this explanation: {', '.join(skipped)} (above CorsMiddleware in MIDDLEWARE). "
            "A response one of them sends on its own carries no CORS headers."
        )
    return Served(preflight, actual, tuple(hints), tuple(notes), redirect)


def _with_answer(item: RequestExplanation, answer: ServerAnswer, failures: list[str]) -> RequestExplanation:
    # What the browser receives: none of CorsMiddleware's headers if it never saw the response.
    return replace(item, answer=answer, response_headers=answer.headers, failures=(*item.failures, *failures))


def _preflight_failures(answer: ServerAnswer) -> list[str]:
    failures = []
    if not 200 <= answer.status < 300:
        failures.append(
            f"the preflight is answered {answer.describe()}; a preflight needs a 2xx answer, "
            "and browsers never follow a redirect for one"
        )
    elif not answer.cors_headers and answer.answered_by != VIEW:
        failures.append(f"the preflight is answered {answer.describe()}, without CORS headers")
    return failures


def _actual_failures(answer: ServerAnswer) -> list[str]:
    if moved_above(answer) is None:
        return []
    what = "a redirect" if answer.is_redirect else "a response"
    return [
        f"the server answers {answer.describe()}: {what} sent before CorsMiddleware sees it, "
        "so it carries no CORS headers and the browser blocks it"
    ]


def _answer_hints(answer: ServerAnswer, q: Query) -> list[Hint]:
    above = moved_above(answer)
    if above is None:
        return []
    message = (
        f"{above} answers this request itself ({answer.describe()}), above CorsMiddleware, so its response "
        f"has no CORS headers. Move 'crossorigin.middleware.CorsMiddleware' above '{above}' in MIDDLEWARE"
    )
    if answer.is_redirect:
        message += f", or call the URL it redirects to ({answer.location}) directly"
    return [Hint("answered-before-cors", message + ".")]


def _followed_hint(q: Query, answer: ServerAnswer, redirect: Redirect) -> Hint:
    message = (
        f"The server redirects this request ({answer.describe()}), with CORS headers, so the browser follows it "
        f"and sends {redirect.method} {redirect.scheme}://{redirect.host}{redirect.path}"
    )
    if redirect.origin != q.origin:
        message += " with 'Origin: null', as the redirect leads to another origin"
    if redirect.method != q.method:
        message += f"; the {q.method} becomes a GET and its body is dropped"
    message += ". A preflight is never redirected this way. Call the final URL directly to save the round trip."
    return Hint("redirect-followed", message)
