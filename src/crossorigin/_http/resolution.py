"""Resolving a pending decision: ask the origin checker or send the signal, then decide again.

``decide()`` answers from the settings alone when it can. When it needs the answer of
the origin checker (``CORS_ORIGIN_CHECKER``) or of the ``check_request_enabled``
signal, it returns a pending decision instead. ``resolving()`` is the loop that gets
such a decision to a final one, written once: it yields what ``decide()`` is waiting
for, the caller records the answer on the ``Question``, and it decides again. How to
ask is the caller's: the middleware asks synchronously (``resolve_decision``) or
awaits an async checker (``aresolve_decision``); ``cors_explain`` records every
answer; the test helpers reuse the answers a request already got. The order is
``decide()``'s: the checker first (about the origin), then the signal, each at most once.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Hashable, Iterator
from typing import Any, Final

from crossorigin._config.checker import OriginChecker
from crossorigin._core.policy import Decision, Policy, Reason, decide
from crossorigin.signals import check_request_enabled

logger: Final = logging.getLogger("crossorigin")


class Question:
    """The plain inputs of one ``decide()`` call, the answers gathered for it, and its final decision."""

    __slots__ = (
        "checker",
        "context",
        "decision",
        "origin",
        "policy",
        "preflight",
        "private_network",
        "request_headers",
        "request_method",
        "signal",
        "url_enabled",
    )

    def __init__(  # noqa: PLR0917  (positional: built per undecided request, keywords cost more)
        self,
        policy: Policy,
        origin: str | None,
        preflight: bool = False,
        request_method: str | None = None,
        request_headers: str | None = None,
        private_network: bool = False,
        url_enabled: bool = True,
        checker: bool | None = False,
        signal: bool | None = False,
        context: Any = None,
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
        # Whatever the caller's ask functions need (the middleware: the request).
        self.context = context
        self.decision: Decision | None = None

    def answer(self, asked: Reason, value: bool) -> None:
        """Record the answer to what ``resolving`` asked (the checker's or the signal's)."""
        if asked is Reason.PENDING_CHECKER:
            self.checker = value
        else:
            self.signal = value


def resolving(q: Question) -> Iterator[Reason]:
    """Decide until final: yield each thing ``decide()`` is waiting for, to be answered on ``q``.

    The caller records each answer with ``q.answer`` before asking for the next one;
    when the loop ends, ``q.decision`` holds the final decision.
    """
    while True:
        decision = decide(
            q.policy,
            q.origin,
            preflight=q.preflight,
            request_method=q.request_method,
            request_headers=q.request_headers,
            private_network=q.private_network,
            url_enabled=q.url_enabled,
            checker=q.checker,
            signal=q.signal,
        )
        if not decision.pending:
            q.decision = decision
            return
        yield decision.reason


Ask = Callable[[Question], bool]


def resolve_decision(q: Question, ask_checker: Ask, send_signal: Ask) -> Decision:
    """The final decision, asking the checker and sending the signal synchronously when needed."""
    for asked in resolving(q):
        q.answer(asked, ask_checker(q) if asked is Reason.PENDING_CHECKER else send_signal(q))
    assert q.decision is not None
    return q.decision


async def aresolve_decision(
    q: Question, ask_checker: Callable[[Question], Awaitable[bool]], send_signal: Ask
) -> Decision:
    """The final decision, awaiting the checker; receivers are sync code, as with django-cors-headers."""
    for asked in resolving(q):
        q.answer(asked, await ask_checker(q) if asked is Reason.PENDING_CHECKER else send_signal(q))
    assert q.decision is not None
    return q.decision


def checker_answer(checker: OriginChecker, origin: str | None, context: Any, policy: Hashable = None) -> bool:
    """The origin checker's answer, asked synchronously; a checker that raises refuses (logged).

    ``context`` is what the checker receives with the origin: the request, or a
    WebSocket handshake's ASGI scope. ``policy`` is part of the checker cache's key.
    """
    try:
        return bool(checker.check(origin or "", context, policy))
    except Exception:  # a broken checker must refuse, not 500 every request
        logger.exception("crossorigin: CORS_ORIGIN_CHECKER raised; the origin is refused")
        return False


async def achecker_answer(checker: OriginChecker, origin: str | None, context: Any, policy: Hashable = None) -> bool:
    """``checker_answer`` from the event loop: an async checker is awaited, a sync one runs in a thread."""
    assert origin is not None
    try:
        return bool(await checker.acheck(origin, context, policy))
    except Exception:  # a broken checker must refuse, not 500 every request
        logger.exception("crossorigin: CORS_ORIGIN_CHECKER raised; the origin is refused")
        return False


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
