"""The compiled policies for the current settings, built once and rebuilt on change.

``current()`` returns a ``PolicySet``: the global policy, the URL policies in order,
per-view policies compiled on first use, the URL gate (``CORS_URLS_REGEX``) and the
origin checker. It is compiled the first time it is needed and dropped whenever
Django's ``setting_changed`` fires for a setting it depends on, so
``override_settings`` in tests keeps working without any per-request settings access.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from typing import Any, Final, Literal

from django.core.signals import setting_changed
from django.utils.module_loading import import_string

from crossorigin._config import fail_closed
from crossorigin._config.checker import OriginChecker, signature_problem
from crossorigin._config.settings import NEVER_MATCHING_PATTERN, CorsSettings, read_settings
from crossorigin._core.linear_regex import LinearPattern, NeverMatches, compile_linear
from crossorigin._core.options import PolicyOptions, linear_problem
from crossorigin._core.policy import Decision, Memo, Policy, Reason
from crossorigin._core.problems import Problem, error

# Paths longer than this are routed again on every request rather than remembered, so
# the memo of paths stays small (two generations of 2,048 paths of 512 characters).
MAX_REMEMBERED_PATH: Final = 512


@dataclass(frozen=True, eq=True)
class ViewOverrides:
    """What ``@cors_policy`` / ``@cors_exempt`` attached to a view; hashable, immutable."""

    items: tuple[tuple[str, Hashable], ...]
    exempt: bool = False
    name: str = "view"

    def as_dict(self) -> dict[str, object]:
        """The overrides as a dict of override keys to values."""
        return dict(self.items)


# Every view policy the decorators made, in order, so the checks and the compiled
# policies (at start-up) compile and check each one, however its view is routed.
_decorated: dict[ViewOverrides, None] = {}


def register_view(overrides: ViewOverrides) -> None:
    """Record a view policy made by @cors_policy or @cors_exempt."""
    _decorated[overrides] = None


def registered_views() -> tuple[ViewOverrides, ...]:
    """The overrides of every view decorated in this process so far."""
    return tuple(_decorated)


def freeze(value: object) -> Hashable:
    """A hashable copy of an override value (lists become tuples)."""
    if isinstance(value, (list, tuple, set, frozenset)):
        return tuple(freeze(item) for item in value)
    if isinstance(value, dict):
        return tuple(sorted((str(k), freeze(v)) for k, v in value.items()))
    return value


Source = Literal["global", "url", "view", "exempt"]


@dataclass(frozen=True, slots=True, eq=False)
class Selection:
    """The policy that applies to one request, and where it comes from.

    Built here, once per URL policy and per (URL policy, view), because the compiled
    policies own them; picked for a request only by ``crossorigin._config.selection``. Compared
    and hashed by identity: equal selections are the same object.
    """

    policy: Policy
    enabled: bool  # CORS applies by path or view, before any check_request_enabled receiver
    source: Source
    url_index: int  # the CORS_URL_POLICIES entry (-1: the global settings)
    view: ViewOverrides | None = None
    urlconf: str | None = None  # the URLconf the view was looked up in (None: ROOT_URLCONF)


PathPattern = LinearPattern | NeverMatches


def _linear_path(pattern: re.Pattern[str], name: str, problems: list[Problem]) -> PathPattern:
    """A path regex compiled for linear-time matching; one RE2 cannot run matches nothing."""
    if pattern.pattern == NEVER_MATCHING_PATTERN:  # the settings reader's stand-in for an invalid regex
        return NeverMatches(pattern.pattern)
    refusal = linear_problem(pattern, name)
    if refusal is not None:
        problems.append(refusal)
        return NeverMatches(pattern.pattern)
    return compile_linear(pattern)


class PolicySet:
    """Every policy of the site, compiled, and how to pick one for a request."""

    def __init__(self, cors_settings: CorsSettings, *, enforce_checks: bool = False, serves: bool = False) -> None:
        # enforce_checks: no system check will run (the app is not installed), so each
        # policy with a security error is closed here (crossorigin._config.fail_closed).
        # serves: this set answers requests (registry.current()); its view policies are
        # guarded even with the app installed (see _compile_view).
        self.enforce_checks = enforce_checks
        self.serves = serves
        self.settings = cors_settings
        problems: list[Problem] = list(cors_settings.problems)
        self.checker: OriginChecker | None = None
        if cors_settings.origin_checker:
            try:
                func = import_string(cors_settings.origin_checker)
                if not callable(func):
                    raise TypeError("it is not callable")
                wrong = signature_problem(func)
                if wrong:
                    raise TypeError(wrong)
                self.checker = OriginChecker(
                    func,
                    cors_settings.checker_cache_size,
                    cors_settings.checker_cache_ttl,
                    cors_settings.origin_checker,
                )
            except Exception as exc:  # any failure to import must fail closed, not 500 every request
                problems.append(
                    error(
                        16,
                        f"CORS_ORIGIN_CHECKER {cors_settings.origin_checker!r} cannot be used: {exc}.",
                        "Point it at a callable (origin, request) -> bool, e.g. 'myapp.cors.is_allowed_origin'.",
                    )
                )
        has_checker = self.checker is not None
        self.global_policy = Policy(cors_settings.options, "global", has_checker)
        if enforce_checks:
            fail_closed.log_errors(problems)
            scope = fail_closed.scope_for("global", "the CORS settings", {})
            self.global_policy = fail_closed.guard(self.global_policy, scope, has_checker)
        self.replaces_referer = cors_settings.replace_https_referer
        # Path regexes run on every request: compiled for linear-time matching (RE2).
        self.urls_regex: PathPattern | None = None
        if cors_settings.urls_regex is not None:
            self.urls_regex = _linear_path(cors_settings.urls_regex, "CORS_URLS_REGEX", problems)
        url_policies: list[tuple[PathPattern, Policy, Mapping[str, object]]] = []
        for index, (raw, overrides) in enumerate(cors_settings.url_policies):
            where = f"CORS_URL_POLICIES[{index}]"
            pattern = _linear_path(raw, f"{where} path regex", problems)
            options, found = cors_settings.options.merged(overrides, where)
            problems.extend(found)
            policy = Policy(options, f"url:{pattern.pattern}", has_checker)
            if enforce_checks:
                fail_closed.log_errors(found)
                scope = fail_closed.scope_for("url", f"{where} ({pattern.pattern!r})", overrides, where)
                policy = fail_closed.guard(policy, scope, has_checker)
            url_policies.append((pattern, policy, overrides))
        self.url_policies = tuple(url_policies)
        self.problems: tuple[Problem, ...] = tuple(problems)
        # One Selection per URL policy, and for the global settings with CORS on and off.
        self._url_selections = tuple(
            Selection(policy, True, "url", index) for index, (_p, policy, _o) in enumerate(url_policies)
        )
        self._global_on = Selection(self.global_policy, True, "global", -1)
        self._global_off = Selection(self.global_policy, False, "global", -1)
        self._view_selections: dict[tuple[int, ViewOverrides], Selection] = {}
        self._routed: dict[tuple[Selection, str], Selection] = {}
        self._view_problems: dict[ViewOverrides, list[Problem]] = {}
        self._lock = threading.Lock()
        self.exempt = Decision(Reason.VIEW_EXEMPT, "view", False, False)
        # The selection of every path when neither CORS_URL_POLICIES nor CORS_URLS_REGEX
        # tells paths apart (the global policy, CORS on); None otherwise.
        self._paths: Memo[str, Selection] = Memo()
        self.every_path: Selection | None = None
        if not self.url_policies and self.urls_regex is None:
            self.every_path = self._global_on
        # Every view policy the decorators registered, compiled now under every URL policy
        # a request could pair it with, so a policy fail_closed closes is closed and
        # logged at start-up rather than on its first request.
        for view in registered_views():
            for index in range(-1, len(self.url_policies)):
                self.view_selection(self.url_selection_at(index), view)
        # CORS_REPORT_ONLY, compiled by this same class; never closed by fail_closed (it never
        # reaches a response). None when unset: the middleware's one test. The comparison
        # lives above this module (crossorigin._http.report_only), which keeps its ReportOnly here.
        self.report_only_policies: PolicySet | None = None
        if cors_settings.report_only is not None:
            self.report_only_policies = PolicySet(cors_settings.report_only)
        self.report_only: Any = None

    # The building blocks of crossorigin._config.selection.select_policy, the one place that
    # picks a policy for a request; nothing else calls them.

    def url_selection(self, path: str) -> Selection:
        """The URL policy for a path (or the global one) and whether CORS is on for it.

        Path regexes run in RE2, whose every call costs microseconds, so a path's answer
        is remembered (bounded, forgetting paths no longer asked for; long paths are not
        kept). The answer depends on the path alone, so remembering cannot change it.
        """
        found = self._paths.get(path)
        if found is None:
            found = self._route(path)
            if len(path) <= MAX_REMEMBERED_PATH:
                self._paths.put(path, found)
        return found

    def remembered_paths(self) -> int:
        """How many paths' URL policies are remembered now (for tests and diagnostics)."""
        return len(self._paths)

    def _route(self, path: str) -> Selection:
        for index, (pattern, _policy, _overrides) in enumerate(self.url_policies):
            if pattern.match(path):
                return self._url_selections[index]
        regex = self.urls_regex
        return self._global_on if regex is None or regex.match(path) is not None else self._global_off

    def url_selection_at(self, index: int) -> Selection:
        """The selection of URL policy ``index`` (-1: the global settings, CORS on)."""
        return self._global_on if index < 0 else self._url_selections[index]

    def view_selection(self, base: Selection, view: ViewOverrides) -> Selection:
        """``view``'s own policy laid over ``base`` (exempt: CORS off); compiled once."""
        index = base.url_index
        key = (index, view)
        found = self._view_selections.get(key)
        if found is None:
            if view.exempt:
                found = Selection(base.policy, False, "exempt", index, view)
            else:
                found = Selection(self._compile_view(index, view), True, "view", index, view)
            with self._lock:
                self._view_selections[key] = found
        return found

    def routed_by(self, found: Selection, urlconf: str) -> Selection:
        """``found`` as picked for a request routed by a per-request URLconf; one object per pair."""
        key = (found, urlconf)
        routed = self._routed.get(key)
        if routed is None:
            routed = Selection(found.policy, found.enabled, found.source, found.url_index, found.view, urlconf)
            with self._lock:
                self._routed[key] = routed
        return routed

    def _compile_view(self, index: int, view: ViewOverrides) -> Policy:
        options, problems = self._view_options(index, view)
        policy = Policy(options, f"view:{view.name}", self.checker is not None)
        if self.enforce_checks:
            fail_closed.log_errors(problems)
        # A view policy is guarded whether the app is installed or not: the checks see
        # the views of the URLconfs they can find, not one routed by a URLconf set per
        # request that they cannot, nor one a server never ran the checks for.
        if self.serves or self.enforce_checks:
            where = "" if index < 0 else f", under CORS_URL_POLICIES[{index}]"
            label = f"@cors_policy on {view.name}{where}"
            policy = fail_closed.guard(
                policy, fail_closed.scope_for("view", label, view.as_dict(), view.name), self.checker is not None
            )
        with self._lock:
            self._view_problems[view] = problems
        return policy

    def _view_options(self, index: int, view: ViewOverrides) -> tuple[PolicyOptions, list[Problem]]:
        base_options = self.settings.options
        if index >= 0:
            base_options = self.url_policies[index][1].options
        return base_options.merged(view.as_dict(), f"@cors_policy on {view.name}")

    def view_problems(self, view: ViewOverrides) -> list[Problem]:
        """What is wrong with a view's overrides (used by the system checks)."""
        return self._view_options(-1, view)[1]


# The policies for the current settings once compiled; None before first use and after a
# settings change. ``current()`` compiles them when needed; the middleware reads this
# first (``registry.compiled or registry.current()``) since an attribute costs no call.
compiled: PolicySet | None = None
_build_lock: Final = threading.Lock()


def current() -> PolicySet:
    """The policies for the current settings, compiled on first use."""
    policies = compiled
    if policies is None:
        policies = _rebuild()
    return policies


def _rebuild() -> PolicySet:
    global compiled
    with _build_lock:
        if compiled is None:
            _load_urlconf()
            compiled = PolicySet(read_settings(), enforce_checks=fail_closed.checks_are_off(), serves=True)
        return compiled


def _load_urlconf() -> None:
    """Import the URLconf, so @cors_policy views are known before the first preflight.

    A preflight never reaches a view, so nothing else would import the URL modules in
    a fresh worker process until some other request did.
    """
    try:
        from django.urls import get_resolver

        get_resolver().url_patterns  # noqa: B018  (the access imports the module)
    except Exception:  # a broken URLconf is Django's own check's to report
        return


# Settings outside CORS_* that change what a policy set contains.
_OTHER_DEPENDENCIES: Final = frozenset({"ROOT_URLCONF", "INSTALLED_APPS", "SILENCED_SYSTEM_CHECKS", "DEBUG"})


def reset(setting: str | None = None, **_: Any) -> None:
    """Drop the compiled policies (``setting_changed`` receiver; no argument: always)."""
    global compiled
    if setting is None or setting.startswith("CORS_") or setting in _OTHER_DEPENDENCIES:
        compiled = None


# Connected here rather than in AppConfig.ready so the policies follow setting changes
# even in a project that uses the middleware without listing the app.
setting_changed.connect(reset, dispatch_uid="crossorigin._config.registry.reset")
