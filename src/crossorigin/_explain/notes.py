"""Notes: what else affects the request, beyond the CORS decision itself.

Some things a reader should know are not CORS failures: a path that resolves only with
a trailing slash (and the APPEND_SLASH redirect), settings entries left out as invalid,
Django's CSRF check on unsafe methods, SameSite cookies on credentialed requests. This
module words them as plain notes; they never change the verdict.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from django.conf import settings
from django.urls import ResolverMatch

from crossorigin._config.registry import PolicySet, Selection, ViewOverrides
from crossorigin._core.constants import CSRF_MIDDLEWARE
from crossorigin._core.policy import Decision
from crossorigin._core.problems import Level, Problem
from crossorigin._explain.model import RequestExplanation
from crossorigin._explain.resolving import Resolved
from crossorigin._http.report_only import differs, for_policies

COMMON_MIDDLEWARE: Final = "django.middleware.common.CommonMiddleware"
# The methods CommonMiddleware refuses to redirect under DEBUG, as their body would be lost.
_BODY_METHODS: Final = frozenset({"POST", "PUT", "PATCH"})


def path_notes(
    path: str, resolved: Resolved, middleware: Sequence[str], problems: Sequence[Problem], method: str = "GET"
) -> list[str]:
    if resolved.match is not None:
        return []
    if resolved.slash_match is None:
        return [f"{path!r} does not resolve to a view (a 404); the CORS headers still apply to the 404 response."]
    note = f"{path!r} resolves only with a trailing slash ({path + '/'!r}). "
    appends = COMMON_MIDDLEWARE in middleware and getattr(settings, "APPEND_SLASH", True)
    if appends and settings.DEBUG and method in _BODY_METHODS:
        # CommonMiddleware.get_full_path_with_slash: a redirect would lose the body.
        note += (
            f"CommonMiddleware cannot redirect a {method} there without losing its body, so with DEBUG = True it "
            "raises RuntimeError (a 500); with DEBUG = False it redirects with a 301, which the browser follows "
            "as a GET without the body. Call the URL with the slash. "
        )
    elif appends:
        below = any(p.id == "crossorigin.W045" and COMMON_MIDDLEWARE in p.msg for p in problems)
        note += "CommonMiddleware redirects the request there (APPEND_SLASH), " + (
            "and as CorsMiddleware sits below it the redirect has no CORS headers. "
            if below
            else "and the redirect carries the decision shown for the request. "
        )
        note += "Call the URL with the slash to avoid the redirect. "
    return [note + "A preflight to the path gets the policy of that view, as it is answered before any redirect."]


def settings_notes(policies: PolicySet, view: ViewOverrides | None) -> list[str]:
    problems = list(policies.problems)
    if view is not None and not view.exempt:
        problems.extend(policies.view_problems(view))
    errors = [p for p in problems if p.level is Level.ERROR]
    return [f"Settings problem {p.id}: {p.msg} (bad entries are left out until fixed)" for p in errors]


_UNSAFE_METHODS: Final = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def request_notes(
    method: str,
    credentials: bool,
    match: ResolverMatch | None,
    middleware: Sequence[str],
    actual: RequestExplanation,
) -> list[str]:
    notes = []
    if not actual.decision.enabled or not actual.readable:
        pass
    elif method.upper() in _UNSAFE_METHODS and CSRF_MIDDLEWARE in middleware:
        exempt = match is not None and getattr(match.func, "csrf_exempt", False)
        if not exempt:
            notes.append(
                f"CORS allows this {method} but Django's CsrfViewMiddleware checks it as well: a cookie-"
                "authenticated request needs a CSRF token and the origin in CSRF_TRUSTED_ORIGINS, or it gets 403."
            )
    if credentials:
        notes.append(
            "Cookies are sent on a cross-site fetch() only if they are SameSite=None; Secure. Django's session "
            "and CSRF cookies are SameSite=Lax by default (SESSION_COOKIE_SAMESITE, CSRF_COOKIE_SAMESITE)."
        )
    return notes


def report_only_notes(
    policies: PolicySet, path: str, view: ViewOverrides | None, origin: str, method: str, *, enforced: Decision
) -> list[str]:
    """The request's decision under CORS_REPORT_ONLY beside the enforced one; nothing when it is unset."""
    report_only = for_policies(policies)
    if report_only is None:
        return []
    shadow = report_only.decision(path, view, origin, method, False)
    verdict = "allow" if shadow.allowed else "refuse"
    served = "allowed" if enforced.allowed else "refused"
    if differs(enforced, shadow):
        outcome = (
            f"that differs: the response is served as enforced ({served}, {enforced.reason}, "
            f"policy {enforced.policy}) and the difference is logged on crossorigin.report_only"
        )
    else:
        outcome = f"the same answer as the enforced policy ({served}, {enforced.reason})"
    return [
        f"Report-only (CORS_REPORT_ONLY): policy {shadow.policy} would {verdict} the request "
        f"({shadow.reason}: {shadow.reason.sentence}); {outcome}."
    ]


def preflight_policy_note(answered: Selection, actual: Selection) -> str:
    """Which policy answered the preflight, and whether the actual request gets the same one."""
    if answered.policy is actual.policy:
        return f"The preflight is answered under the {answered.policy.name} policy, the one the actual request gets."
    return (
        f"The preflight is answered under the {answered.policy.name} policy, but the actual request gets the "
        f"{actual.policy.name} policy: the path reaches a view only once APPEND_SLASH adds its slash, and "
        "the redirect the actual request gets is not the view. Request the path with its slash."
    )
