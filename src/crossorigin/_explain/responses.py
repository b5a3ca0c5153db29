"""What the middleware would send back for one request, and whether the browser accepts it.

Allowing a request is not the whole story: the browser reads the response only if the
CORS headers on it pass its own checks. This module builds the response the middleware
would produce for a ``Decision`` (``preflight_response`` and ``apply_decision``), runs
the browser's checks on it, and packs the result with its steps into a
``RequestExplanation``.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.http import HttpResponse

from crossorigin._config.registry import ViewOverrides
from crossorigin._core import browser
from crossorigin._core.policy import Decision
from crossorigin._explain.deciding import Asked
from crossorigin._explain.model import RequestExplanation, Step
from crossorigin._explain.naming import decision_sentence
from crossorigin._explain.query import Query
from crossorigin._explain.steps import decision_steps
from crossorigin._http.headers import apply_decision, preflight_response


def request_explanation(
    q: Query,
    view: ViewOverrides | None,
    decision: Decision,
    asked: Asked,
    sent: Sequence[tuple[str, str]],
    *,
    preflight: bool,
) -> RequestExplanation:
    credentials = q.credentials
    answered = preflight and decision.enabled
    response = preflight_response() if answered else HttpResponse()
    apply_decision(decision, response)
    headers = {name.lower(): value for name, value in response.items()}
    shown = tuple(
        (name, value)
        for name, value in response.items()
        if name.lower().startswith("access-control-") or name.lower() == "vary"
    )
    origin = q.origin
    if preflight:
        if answered:
            failures = browser.preflight_check(
                200, headers, origin, credentials=credentials, method=q.method, request_headers=q.unsafe
            )
        else:
            failures = [
                "CORS is off for this path, so the preflight is not answered by CorsMiddleware: "
                "it goes on to the view, and its response carries no CORS headers"
            ]
    else:
        failures = browser.cors_check(headers, origin, credentials)
    steps = decision_steps(q, view, decision, asked, preflight=preflight)
    sentence = decision_sentence(q.policies, q.path, view, decision)
    steps.append(Step("result", decision.allowed, f"{decision.reason.value}: {sentence}"))
    if credentials:
        readable = not browser.cors_check(headers, origin, True)
        steps.append(
            Step(
                "credentials",
                readable,
                "A credentialed request can read the response (Access-Control-Allow-Origin is the exact origin "
                "and Access-Control-Allow-Credentials is true)."
                if readable
                else "A credentialed request cannot read the response: it needs Access-Control-Allow-Origin "
                "equal to the origin and Access-Control-Allow-Credentials: true.",
            )
        )
    return RequestExplanation(
        kind="preflight" if preflight else "actual",
        method="OPTIONS" if preflight else q.method,
        path=q.path,
        request_headers=tuple(sent),
        decision=decision,
        steps=tuple(steps),
        response_headers=shown,
        answered_by_middleware=answered,
        failures=tuple(failures),
        sentence=sentence,
    )
