"""The one loop that finishes a pending decision: checker first, then the signal, each once."""

from __future__ import annotations

import pytest
from asgiref.sync import async_to_sync

from crossorigin._core.policy import Reason
from crossorigin._http.resolution import Question, aresolve_decision, resolve_decision, resolving
from tests.test_policy import ALLOWED, BASIC, policy

UNLISTED = "https://partner.example"


class Asked:
    """Answers to give, and a record of what was asked, in order."""

    def __init__(self, checker: bool = False, signal: bool = False) -> None:
        self.answers = {"checker": checker, "signal": signal}
        self.log: list[str] = []

    def checker(self, q: Question) -> bool:
        self.log.append("checker")
        return self.answers["checker"]

    async def acheck(self, q: Question) -> bool:
        self.log.append("checker")
        return self.answers["checker"]

    def signal(self, q: Question) -> bool:
        self.log.append("signal")
        return self.answers["signal"]


def question(origin: str = UNLISTED, **kwargs: object) -> Question:
    p = policy(**BASIC, has_checker=True)
    return Question(p, origin, checker=None, signal=None, **kwargs)  # type: ignore[arg-type]


def test_the_loop_yields_each_question_and_ends_with_the_decision() -> None:
    q = question()
    steps = resolving(q)
    assert next(steps) is Reason.PENDING_CHECKER
    q.answer(Reason.PENDING_CHECKER, False)
    assert next(steps) is Reason.PENDING_SIGNAL
    q.answer(Reason.PENDING_SIGNAL, True)
    assert next(steps, None) is None
    assert q.decision is not None
    assert q.decision.reason is Reason.ALLOWED_SIGNAL


@pytest.mark.parametrize(
    ("checker", "signal", "log", "reason"),
    [
        (True, True, ["checker"], Reason.ALLOWED_CHECKER),
        (False, True, ["checker", "signal"], Reason.ALLOWED_SIGNAL),
        (False, False, ["checker", "signal"], Reason.ORIGIN_NOT_ALLOWED),
    ],
)
def test_checker_first_then_the_signal_each_once(checker: bool, signal: bool, log: list[str], reason: Reason) -> None:
    asked = Asked(checker, signal)
    assert resolve_decision(question(), asked.checker, asked.signal).reason is reason
    assert asked.log == log
    asked_async = Asked(checker, signal)
    decision = async_to_sync(aresolve_decision)(question(), asked_async.acheck, asked_async.signal)
    assert decision.reason is reason
    assert asked_async.log == log


def test_nothing_is_asked_when_the_settings_decide() -> None:
    asked = Asked()
    assert resolve_decision(question(ALLOWED), asked.checker, asked.signal).reason is Reason.ALLOWED_EXACT
    assert resolve_decision(question(None), asked.checker, asked.signal).reason is Reason.NO_ORIGIN
    assert asked.log == []


def test_a_path_only_the_signal_can_enable_asks_the_signal_alone() -> None:
    asked = Asked(checker=True, signal=False)
    decision = resolve_decision(question(url_enabled=False), asked.checker, asked.signal)
    assert decision.reason is Reason.URL_NOT_ENABLED
    assert asked.log == ["signal"]


def test_a_preflight_is_resolved_the_same_way() -> None:
    asked = Asked(checker=True)
    decision = resolve_decision(question(preflight=True, request_method="PUT"), asked.checker, asked.signal)
    assert decision.reason is Reason.ALLOWED_CHECKER
    assert decision.preflight
    assert asked.log == ["checker"]
