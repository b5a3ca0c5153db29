"""Resolving a pending decision: ask the origin checker or send the signal, then decide again.

``decide()`` answers from the settings alone when it can. When it needs the answer of
the origin checker (``CORS_ORIGIN_CHECKER``) or of the ``check_request_enabled``
signal, it returns a pending decision instead. ``resolving()`` is the loop that gets
such a decision to a final one, written once: a generator that yields what must be
asked and takes the answer back. How to ask is the caller's: the middleware asks
synchronously (``resolve_decision``) or awaits an async checker
(``aresolve_decision``); ``cors_explain`` records every answer; the test helpers ask
as the middleware does. The order is
``decide()``'s: the checker first (about the origin), then the signal, each at most once.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Generator
from typing import Any, Final

from crossorigin.policy import Decision, Policy, Reason, decide
from crossorigin.signals import check_request_enabled

logger: Final = logging.getLogger("crossorigin")

# Yields PENDING_CHECKER or PENDING_SIGNAL, is sent the answer, returns the final decision.
Resolving = Generator[Reason, bool, Decision]


class Question:
    """The plain inputs of one ``decide()`` call, and the answers gathered for it so far."""

    __slots__ = (
        "checker",
        "origin",
        "policy",
        "preflight",
        "private_network",
        "request_headers",
        "request_method",
        "signal",
        "url_enabled",
    )

    def __init__(
        self,
        policy: Policy,
        origin: str | None,
        *,
        preflight: bool = False,
        request_method: str | None = None,
        request_headers: str | None = None,
        private_network: bool = False,
        url_enabled: bool = True,
        checker: bool | None = False,
        signal: bool | None = False,
    ) -> None:
        self.policy = policy
        self.origin = origin
        self.preflight = preflight
        self.request_method = request_method
        self.request_headers = request_headers
        self.private_network = private_network
        self.url_enabled = url_enabled
        self.checker = checker
        self.signal = signal

    def decide(self) -> Decision:
        """``decide()`` with these inputs and the answers known so far."""
        return decide(
            self.policy,
            self.origin,
            preflight=self.preflight,
            request_method=self.request_method,
            request_headers=self.request_headers,
            private_network=self.private_network,
            url_enabled=self.url_enabled,
            checker=self.checker,
            signal=self.signal,
        )


def resolving(question: Question) -> Resolving:
    """Decide, yielding each question ``decide()`` still has and taking its answer, until final."""
    decision = question.decide()
    while decision.pending:
        answer = yield decision.reason
        if decision.reason is Reason.PENDING_CHECKER:
            question.checker = answer
        else:
            question.signal = answer
        decision = question.decide()
    return decision


def resolve_decision(question: Question, ask_checker: Callable[[], bool], send_signal: Callable[[], bool]) -> Decision:
    """The final decision, asking the checker and sending the signal synchronously when needed."""
    steps = resolving(question)
    try:
        asked = next(steps)
        while True:
            asked = steps.send(ask_checker() if asked is Reason.PENDING_CHECKER else send_signal())
    except StopIteration as finished:
        decision: Decision = finished.value
        return decision


async def aresolve_decision(
    question: Question, ask_checker: Callable[[], Awaitable[bool]], send_signal: Callable[[], bool]
) -> Decision:
    """The final decision, awaiting the checker; receivers are sync code, as with django-cors-headers."""
    steps = resolving(question)
    try:
        asked = next(steps)
        while True:
            asked = steps.send(await ask_checker() if asked is Reason.PENDING_CHECKER else send_signal())
    except StopIteration as finished:
        decision: Decision = finished.value
        return decision


def signal_results(request: Any) -> list[tuple[Any, Any]]:
    """Send check_request_enabled once: (receiver, its answer or the exception it raised) pairs."""
    try:
        return check_request_enabled.send_robust(sender=None, request=request)
    except Exception:  # send_robust's own logging fails for receivers without __qualname__
        logger.exception("crossorigin: a check_request_enabled receiver raised; counted as no")
        return []


def receiver_name(receiver: object) -> str:
    """A receiver's dotted name, for logs and explanations."""
    return f"{getattr(receiver, '__module__', '?')}.{getattr(receiver, '__qualname__', repr(receiver))}"
