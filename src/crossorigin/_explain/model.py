"""The explanation as data: the steps, hints and verdicts ``explain()`` returns.

The command prints these objects and the demo and ``--json`` serialise them, so they
live apart from the code that builds them: a reader of the output needs only this
module. ``Explanation.as_dict()`` is the stable ``--json`` document, versioned by
``JSON_VERSION``; nothing here decides, matches or resolves anything.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from crossorigin._core.policy import Decision

if TYPE_CHECKING:
    from crossorigin._explain.serving import ServerAnswer

# The version of the ``--json`` document; bumped only when a key changes meaning or goes.
JSON_VERSION: Final = 1


@dataclass(frozen=True)
class Step:
    """One step of a decision: a stable ``check`` id, its outcome (None: not decisive), what it found."""

    check: str
    ok: bool | None
    detail: str


@dataclass(frozen=True)
class Hint:
    """A likely cause of a refusal, or a risk, with a stable ``code`` and the fix."""

    code: str
    message: str


@dataclass(frozen=True)
class RequestExplanation:
    """One request a browser would send (the preflight, or the request itself) and the answer."""

    kind: str  # "preflight" or "actual"
    method: str
    path: str
    request_headers: tuple[tuple[str, str], ...]
    decision: Decision
    steps: tuple[Step, ...]
    response_headers: tuple[tuple[str, str], ...]
    answered_by_middleware: bool
    failures: tuple[str, ...]
    # The response as the site's middleware sends it (status, who answered, redirect).
    answer: ServerAnswer | None = None
    # The reason in words, naming the setting or decorator that decided.
    sentence: str = ""

    @property
    def readable(self) -> bool:
        """True if the browser accepts this response."""
        return not self.failures


@dataclass(frozen=True)
class Explanation:
    """Everything ``cors_explain`` reports about one request."""

    origin: str
    path: str
    method: str
    headers: tuple[tuple[str, str | None], ...]
    credentials: bool
    view: str | None
    policy: str
    policy_source: str
    preflight: RequestExplanation | None
    actual: RequestExplanation
    middleware_installed: bool
    hints: tuple[Hint, ...] = ()
    notes: tuple[str, ...] = ()
    # The request the browser sends next when the response is a redirect it follows.
    redirected: Explanation | None = None

    @property
    def allowed(self) -> bool:
        """True if a script on ``origin`` could make the request and read the response."""
        if not self.middleware_installed:
            return False
        if self.redirected is not None and not self.redirected.allowed:
            return False
        return (self.preflight is None or self.preflight.readable) and self.actual.readable

    def as_dict(self) -> dict[str, Any]:
        """The stable machine-readable document printed by ``cors_explain --json``."""
        return {
            "version": JSON_VERSION,
            "allowed": self.allowed,
            "request": {
                "origin": self.origin,
                "path": self.path,
                "method": self.method,
                "headers": [{"name": n, "value": v} for n, v in self.headers],
                "credentials": self.credentials,
            },
            "view": self.view,
            "policy": {"name": self.policy, "source": self.policy_source},
            "middleware_installed": self.middleware_installed,
            "preflight": None if self.preflight is None else _request_dict(self.preflight),
            "actual": _request_dict(self.actual),
            "hints": [{"code": h.code, "message": h.message} for h in self.hints],
            "notes": list(self.notes),
            "redirected": None if self.redirected is None else self.redirected.as_dict(),
        }


def _request_dict(item: RequestExplanation) -> dict[str, Any]:
    decision = item.decision
    return {
        "method": item.method,
        "path": item.path,
        "request_headers": dict(item.request_headers),
        "reason": decision.reason.value,
        "sentence": item.sentence or decision.reason.sentence,
        "policy": decision.policy,
        "enabled": decision.enabled,
        "allowed": decision.allowed,
        "matched": decision.matched,
        "refused": list(decision.refused),
        "answered_by_middleware": item.answered_by_middleware,
        "response_headers": dict(item.response_headers),
        "response": None if item.answer is None else item.answer.as_dict(),
        "readable": item.readable,
        "failures": list(item.failures),
        "steps": [{"check": s.check, "ok": s.ok, "detail": s.detail} for s in item.steps],
    }
