"""Fail closed when no system check runs: the app is missing from INSTALLED_APPS.

Django runs crossorigin's system checks only for an installed app. A project that adds
the middleware but not the app would otherwise serve, say, every origin with
credentials without a word. So when the policies are compiled and the app is not
installed, each policy is put through the same security checks; every error-level
finding is logged once at ERROR, and a policy with one (not listed in
``SILENCED_SYSTEM_CHECKS``) is replaced by a closed one: no origin is allowed by its
settings and no credentials header is sent. With the app installed nothing changes
here: ``check`` already stops ``runserver``, ``migrate`` and the test runner.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Final

from django.conf import settings

from crossorigin._core.policy import Policy
from crossorigin._core.problems import Level, Problem, is_silenced, level_of

if TYPE_CHECKING:
    from crossorigin._core.security_rules import Scope

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
            logger.error(
                "crossorigin: %s %s The 'crossorigin' app is not in INSTALLED_APPS, so no system check reports "
                "this; the policy it is about allows no origin until it is fixed (or %s is listed in "
                "SILENCED_SYSTEM_CHECKS).",
                problem.id,
                problem.msg,
                problem.id,
            )


def scope_for(kind: str, label: str, overrides: Mapping[str, object], setting: str = "") -> Scope:
    """A checks Scope (imported late: the checks package imports the registry)."""
    from crossorigin._core.security_rules import Scope

    return Scope(kind, label, overrides, setting)


def guard(policy: Policy, scope: Scope, has_checker: bool) -> Policy:
    """``policy`` if its security checks find no unsilenced error; a closed policy otherwise."""
    from crossorigin._core.security_rules import policy_findings

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
