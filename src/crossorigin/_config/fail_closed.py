"""Fail closed where no system check can speak: a policy the checks cannot see is checked here.

A policy with a finding that is an Error under the level rule in this process
(``problems.level_of``: a danger is an Error unless ``DEBUG`` is on), not listed in
``SILENCED_SYSTEM_CHECKS``, is replaced by a closed one: no origin is allowed by its
settings and no credentials header is sent; each such finding is logged once at ERROR
with its id and how to fix or silence it. The rules are those of the checks, asked
through ``crossorigin._core.security_rules``.

- Every ``@cors_policy`` view policy of the policies that serve requests, app installed
  or not: the checks see the views of the URLconfs they can find, not one routed only
  by a URLconf a middleware sets per request, and a WSGI server never runs the checks.
  They are compiled when the middleware is built, so this happens at start-up.
- The global and URL policies too when the app is missing from ``INSTALLED_APPS``, so
  that no system check will run at all; with the app installed, ``check`` (and
  ``check --deploy`` in CI) reports them.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Final

from django.conf import settings

from crossorigin._core.policy import Policy
from crossorigin._core.problems import Level, Problem, is_silenced, level_of
from crossorigin._core.security_rules import Scope, policy_findings

APP: Final = "crossorigin"
logger: Final = logging.getLogger("crossorigin")
_logged: set[tuple[str, str]] = set()


def checks_are_off() -> bool:
    """True when Django will not run crossorigin's system checks (the app is not installed)."""
    from django.apps import apps

    if apps.ready:
        return not apps.is_installed(APP)
    installed = [str(entry) for entry in getattr(settings, "INSTALLED_APPS", ())]
    return not any(entry == APP or entry.startswith(f"{APP}.apps.") for entry in installed)


def silenced() -> frozenset[str]:
    """The check ids the project silenced."""
    return frozenset(str(item) for item in getattr(settings, "SILENCED_SYSTEM_CHECKS", None) or ())


def log_errors(problems: Iterable[Problem]) -> None:
    """Log each error-level problem once per process, at ERROR."""
    for problem in problems:
        key = (problem.id, problem.msg)
        if problem.level is Level.ERROR and key not in _logged:
            _logged.add(key)
            why = (
                "The 'crossorigin' app is not in INSTALLED_APPS, so no system check reports this"
                if checks_are_off()
                else "A view policy is checked when it is compiled, since the system checks may not see it"
            )
            logger.error(
                "crossorigin: %s %s %s; the policy it is about allows no origin until it is fixed%s (or %s is "
                "listed in SILENCED_SYSTEM_CHECKS).",
                problem.id,
                problem.msg,
                why,
                f": {problem.hint}" if problem.hint else "",
                problem.id,
            )


def scope_for(kind: str, label: str, overrides: Mapping[str, object], setting: str = "") -> Scope:
    """Where a policy comes from, as the security rules name it in their messages."""
    return Scope(kind, label, overrides, setting)


def guard(policy: Policy, scope: Scope, has_checker: bool) -> Policy:
    """``policy`` if its security checks find no unsilenced error; a closed policy otherwise."""
    quiet = silenced()
    debug = bool(getattr(settings, "DEBUG", False))
    errors = [
        found.problem
        for found in policy_findings(policy.options, scope)
        if level_of(found.problem, debug=debug, deploy=False) is Level.ERROR
        and not is_silenced(found.problem.id, quiet)
    ]
    if not errors:
        return policy
    log_errors(errors)
    closed = replace(
        policy.options,
        allowed_origins=(),
        allowed_origin_regexes=(),
        allow_all_origins=False,
        allow_credentials=False,
        allow_private_network=False,
    )
    return Policy(closed, policy.name, has_checker)
