"""Asking the origin checker and the ``check_request_enabled`` signal for one request.

The middleware's ``Question`` for ``decide()`` carries the answers a request already
got; each is asked at most once per request and kept on the request (a failing
checker or receiver counts as no). The drivers hand these ask functions to
``crossorigin._http.resolution``, the sync ones or the async checker's.
"""

from __future__ import annotations

import logging
from typing import Final

from django.http import HttpRequest

from crossorigin._config.registry import PolicySet, Selection
from crossorigin._core.constants import META_REQUEST_HEADERS, META_REQUEST_METHOD, META_REQUEST_PRIVATE_NETWORK
from crossorigin._http.resolution import Question, achecker_answer, signal_results
from crossorigin._http.resolution import checker_answer as resolution_checker_answer
from crossorigin.signals import check_request_enabled

logger: Final = logging.getLogger("crossorigin")

# Per-request answers kept on the request, so each is asked at most once per request.
SIGNAL: Final = "_crossorigin_signal"
CHECKER: Final = "_crossorigin_checker"


def question(
    policies: PolicySet, request: HttpRequest, found: Selection, origin: str | None, *, preflight: bool
) -> Question:
    """What ``decide()`` is asked for this request, with the answers it already has."""
    meta = request.META
    signal = getattr(request, SIGNAL, None)
    if signal is None and not check_request_enabled.receivers:
        signal = False
    checker = getattr(request, CHECKER, None)
    if checker is None and policies.checker is None:
        checker = False
    request_method = meta.get(META_REQUEST_METHOD) if preflight else None
    request_headers = meta.get(META_REQUEST_HEADERS) if preflight else None
    if not preflight and request.method == "OPTIONS":
        # An OPTIONS answered by the view gets the preflight headers too, as with
        # django-cors-headers; asked as a plain GET preflight so nothing is refused.
        preflight, request_method = True, "GET"
    private_network = meta.get(META_REQUEST_PRIVATE_NETWORK) == "true"
    return Question(
        found.policy,
        origin,
        preflight,
        request_method,
        request_headers,
        private_network,
        found.enabled,
        checker,
        signal,
        (policies.checker, request),  # what the ask functions below need
    )


def signal_answer(request: HttpRequest) -> bool:
    """Send check_request_enabled once for this request; any truthy answer is yes, a failure no."""
    answer = getattr(request, SIGNAL, None)
    if answer is None:
        answer = False
        for receiver, result in signal_results(request):
            if isinstance(result, Exception):
                logger.error("check_request_enabled receiver %r raised %r", receiver, result)
            elif result:
                answer = True
        setattr(request, SIGNAL, answer)
    return bool(answer)


def checker_answer(q: Question) -> bool:
    """Ask the origin checker synchronously, once per request; a failing checker refuses."""
    checker, request = q.context
    answer = resolution_checker_answer(checker, q.origin, request, q.policy)
    setattr(request, CHECKER, answer)
    return answer


async def checker_answer_async(q: Question) -> bool:
    """Ask the origin checker from the event loop, once per request; a failing checker refuses."""
    checker, request = q.context
    answer = await achecker_answer(checker, q.origin, request, q.policy)
    setattr(request, CHECKER, answer)
    return answer


def signal_answer_for(q: Question) -> bool:
    """Send check_request_enabled for the question's request (once per request)."""
    return signal_answer(q.context[1])
