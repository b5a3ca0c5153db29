"""System checks for CORS_REPORT_ONLY: its settings checked as the enforced ones are.

The report-only policy never reaches a response, so nothing found in it is more than a
Warning and nothing closes it: every finding the reader, the compiler and the security
checks make about it is reported again as ``crossorigin.W070`` (errors and warnings)
or ``crossorigin.I070`` (notes), with the id it would have had in the enforced settings.
The reader's own findings about the dict (``W071``-``W073``) are reported as they are.
"""

from __future__ import annotations

from typing import Any, Final

from crossorigin._config.registry import PolicySet
from crossorigin._core.problems import Level, Problem, info, warning

from .security import security_problems

# Ids the reader gives findings about CORS_REPORT_ONLY itself; already at most Warnings.
_OWN_IDS: Final = frozenset({"crossorigin.W071", "crossorigin.W072", "crossorigin.W073"})


def report_only_problems(policies: PolicySet, django_settings: Any) -> list[Problem]:
    """Every finding about the report-only policy, at most a Warning; none when it is unset."""
    shadow = policies.report_only_policies
    if shadow is None:
        return []
    enforced_findings = {(p.id, p.msg) for p in security_problems(policies, django_settings)}
    found = list(shadow.problems)
    # Findings about the site rather than the policy (middleware, cookies) come out the same.
    found.extend(p for p in security_problems(shadow, django_settings) if (p.id, p.msg) not in enforced_findings)
    return [capped(problem) for problem in found]


def capped(problem: Problem) -> Problem:
    """A finding about the report-only settings, under its own id and at most a Warning."""
    if problem.id in _OWN_IDS:
        return problem
    msg = f"CORS_REPORT_ONLY ({problem.id} in the enforced settings): {problem.msg}"
    if problem.level is Level.INFO:
        return info(70, msg, problem.hint)
    return warning(70, msg, problem.hint)
