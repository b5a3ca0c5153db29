"""What the server's answer means for the browser: a blocked response, or a redirect it follows.

``serving.serve`` says what the site sends back for the preflight and the request. This
module turns that into the browser's view: a preflight that is not a 2xx fails (it is
never redirected), a response sent before ``CorsMiddleware`` saw it has no CORS headers
and is blocked, and a redirect that passes the CORS check is followed under Fetch's
rules (a POST becomes a GET on 301 and 302; a redirect to another origin sends
``Origin: null`` from then on). It adds the failures, hints and notes to the
explanation and names the request a browser sends next.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Final
from urllib.parse import urlsplit

from crossorigin._core.policy import Decision
from crossorigin._explain.model import Hint, RequestExplanation
from crossorigin._explain.query import Query
from crossorigin._explain.resolving import Resolved
from crossorigin._explain.serving import CORS, VIEW, ServerAnswer, serve, skipped_above_cors

# Fetch follows at most 20 redirects; an explanation that needs more than a few is
# already saying what matters.
MAX_REDIRECTS: Final = 5


@dataclass(frozen=True)
class Redirect:
    """The request a browser sends after following a redirect."""

    origin: str
    path: str
    method: str
    host: str
    scheme: str
    headers: tuple[tuple[str, str | None], ...]


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
    if answer.raised is not None and answer.status >= 500:
        # CommonMiddleware under DEBUG refusing to redirect a POST, for one: whatever
        # headers the error carries, the request fails before it reaches the view.
        return [f"the server answers {answer.status} from {answer.answered_by}, which raised, before the view"]
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
