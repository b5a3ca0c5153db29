"""Getting the ``Decision`` for one request the way the middleware gets it.

``decide()`` in ``crossorigin._core.policy`` stops as pending when the origin checker or the
``check_request_enabled`` signal must have a say. The explanation resolves it with the
middleware's own loop (``crossorigin._http.resolution``), calling the checker and the
receivers with a minimal request and recording what they answered as steps and notes,
so the explanation reports the same decision a real request would get.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.http import HttpRequest

from crossorigin._config.registry import PolicySet, ViewOverrides
from crossorigin._config.selection import select_policy
from crossorigin._core.policy import Decision, Policy
from crossorigin._explain.model import Step
from crossorigin._explain.query import Query
from crossorigin._http.resolution import Question, receiver_name, resolve_decision, signal_results
from crossorigin.signals import check_request_enabled


@dataclass
class Asked:
    """What the origin checker and the signal said while deciding one request."""

    steps: list[Step] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def decide(q: Query, view: ViewOverrides | None, asked: Asked, *, preflight: bool) -> Decision:
    """Decide as the middleware does: ask the checker or signal when the decision is pending."""
    policies = q.policies
    if view is not None and view.exempt:
        return policies.exempt
    found = select_policy(policies, q.path, view=view)
    policy, enabled = found.policy, found.enabled
    question = Question(
        policy,
        q.origin,
        preflight=preflight,
        request_method=q.method if preflight else None,
        request_headers=q.request_headers if preflight else None,
        url_enabled=enabled,
        checker=None if policies.checker is not None else False,
        signal=None if check_request_enabled.receivers else False,
    )
    built: list[HttpRequest] = []

    def request() -> HttpRequest:
        # Built once, and only if something must be asked.
        if not built:
            built.append(q.build_request(preflight))
            asked.notes.append(
                f"The origin checker and signal receivers were called with a minimal request built by "
                f"RequestFactory ({built[0].method} {built[0].path}, Host: {built[0].META['HTTP_HOST']}), "
                "not a real one: no session, user or cookies."
            )
        return built[0]

    return resolve_decision(
        question,
        lambda asking: _ask_checker(policies, q.origin or "", request(), asked, asking.policy),
        lambda _question: _send_signal(request(), asked),
    )


def _ask_checker(policies: PolicySet, origin: str, request: HttpRequest, asked: Asked, policy: Policy) -> bool:
    checker = policies.checker
    assert checker is not None
    try:
        # Under the policy the middleware would pass, so a cached answer is the one it would use.
        answer = checker.check(origin, request, policy)
    except Exception as exc:
        asked.steps.append(
            Step("origin-checker", False, f"CORS_ORIGIN_CHECKER {checker.path} raised {exc!r}; the origin is refused.")
        )
        return False
    verb = "allowed" if answer else "refused"
    asked.steps.append(Step("origin-checker", answer, f"CORS_ORIGIN_CHECKER {checker.path} {verb} the origin."))
    return answer


def _send_signal(request: HttpRequest, asked: Asked) -> bool:
    # As the middleware does: one send per request, any truthy answer enables, a raising
    # receiver counts as no.
    answer = False
    parts = []
    for receiver, result in signal_results(request):
        name = receiver_name(receiver)
        if isinstance(result, Exception):
            parts.append(f"{name} raised {result!r} (counts as no)")
        else:
            parts.append(f"{name} returned {result!r}")
            answer = answer or bool(result)
    detail = "check_request_enabled was sent once: " + "; ".join(parts or ["no receiver answered"]) + "."
    asked.steps.append(Step("signal", answer, detail))
    return answer
