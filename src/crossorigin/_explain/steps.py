"""The steps of one decision, in the order ``decide`` takes them.

A ``Decision`` says where ``decide`` stopped and why; a reader wants the road to it:
whether CORS is on for the path, whether the origin is well formed and allowed, then
the method and the headers of a preflight. This module lays those out as ``Step``s,
taking every fact from the ``Decision``, the ``Policy`` and what the checker and the
signal answered, never matching anything itself.
"""

from __future__ import annotations

from crossorigin._config.registry import ViewOverrides
from crossorigin._config.selection import select_policy
from crossorigin._core.policy import REASON_SENTENCES, Decision, Policy, Reason
from crossorigin._explain.deciding import Asked
from crossorigin._explain.model import Step
from crossorigin._explain.naming import raw, url_policy_name
from crossorigin._explain.query import Query


def decision_steps(
    q: Query, view: ViewOverrides | None, decision: Decision, asked: Asked, *, preflight: bool
) -> list[Step]:
    """The steps of one decision, in the order ``decide`` takes them, up to where it stopped."""
    policies, path, origin = q.policies, q.path, q.origin
    steps: list[Step] = []
    reason = decision.reason
    if view is not None and view.exempt:
        steps.append(Step("url-enabled", False, f"The view {view.name} is @cors_exempt: CORS is off for it."))
        return steps
    found = select_policy(policies, path, view=view)
    policy, enabled = found.policy, found.enabled
    signal_steps = [s for s in asked.steps if s.check == "signal"]
    if view is not None:
        steps.append(Step("url-enabled", True, "CORS is on: the view has its own policy (@cors_policy)."))
    elif enabled:
        index = select_policy(policies, path, view=None).url_index
        if index >= 0:
            detail = f"CORS is on: {url_policy_name(policies, index)} matches the path."
        elif policies.urls_regex is None:
            detail = "CORS is on: CORS_URLS_REGEX is not set, so it covers every path."
        else:
            detail = f"CORS is on: CORS_URLS_REGEX {raw(policies.urls_regex.pattern)} matches the path."
        steps.append(Step("url-enabled", True, detail))
    else:
        pattern = policies.urls_regex.pattern if policies.urls_regex is not None else ""
        signal_on = bool(signal_steps) and bool(signal_steps[0].ok)
        steps.append(
            Step(
                "url-enabled",
                signal_on,
                f"CORS_URLS_REGEX {raw(pattern)} does not match {path!r} (matched with re.match on path_info), "
                "and no URL policy covers it"
                + (", but a check_request_enabled receiver enabled CORS for this request." if signal_on else "."),
            )
        )
        if not signal_on:
            steps.extend(signal_steps)
            return steps
        steps.extend(signal_steps)
        signal_steps = []
    if reason is Reason.PREFLIGHT_INVALID:
        steps.append(Step("preflight-valid", False, reason.sentence))
        return steps
    if reason is Reason.ORIGIN_INVALID:
        steps.append(
            Step(
                "origin-well-formed",
                False,
                f"{origin!r} is not an origin a browser sends (scheme://host[:port], or 'null'); it is refused.",
            )
        )
        return steps
    steps.append(Step("origin-well-formed", True, f"{origin!r} is a well-formed origin."))
    static, matched = policy.match_origin(origin)
    checker_steps = [s for s in asked.steps if s.check == "origin-checker"]
    # When the settings do not match, the checker or a receiver has the last word, so the
    # settings' answer alone is not a failure.
    listed: bool | None = static is not Reason.ORIGIN_NOT_ALLOWED or (None if checker_steps or signal_steps else False)
    steps.append(Step("origin-allowed", listed, _match_detail(policy, static, matched)))
    steps.extend(checker_steps)
    steps.extend(signal_steps)
    if reason is Reason.ORIGIN_NOT_ALLOWED:
        return steps
    if preflight:
        if reason is Reason.PREFLIGHT_METHOD_NOT_ALLOWED:
            steps.append(
                Step(
                    "method-allowed",
                    False,
                    f"Method {decision.refused[0]!r} is not in the allowed methods "
                    f"({', '.join(policy.options.allow_methods) or 'none'}).",
                )
            )
            return steps
        steps.append(Step("method-allowed", True, "The requested method is allowed."))
        if reason is Reason.PREFLIGHT_HEADERS_NOT_ALLOWED:
            steps.append(
                Step(
                    "headers-allowed",
                    False,
                    f"Header(s) {', '.join(decision.refused)} are not in the allowed headers "
                    f"({', '.join(policy.options.allow_headers) or 'none'}).",
                )
            )
            return steps
        steps.append(Step("headers-allowed", True, "Every requested header is allowed."))
    return steps


def _match_detail(policy: Policy, reason: Reason, matched: str | None) -> str:
    """The origin-allowed step in the reason's own words (``REASON_SENTENCES``' ``matched`` column)."""
    template = REASON_SENTENCES[reason].matched or reason.sentence
    shown = raw(matched or "") if reason is Reason.ALLOWED_REGEX else repr(matched)
    count = len(policy.options.allowed_origins) + len(policy.options.allowed_origin_regexes)
    return template.format(matched=shown, policy=repr(policy.name), count=count)
