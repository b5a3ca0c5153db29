"""The report-only policy: a second set of CORS settings, decided beside the enforced one.

``CORS_REPORT_ONLY`` holds a dict of CORS settings, read by the same reader
(``crossorigin._config.settings``) and compiled by the same compiler (``registry.PolicySet``)
as the enforced ones; ``registry`` keeps it as ``PolicySet.report_only``, a
``ReportOnly``. The middleware calls ``ReportOnly.compare`` once per request, after the
enforced decision has been set on the response: it decides the request again under the
report-only policy (``decide()``, with that policy's memos) and, when the two disagree
on whether the browser may read the response, reports it. The response is never
touched here.

A difference is reported in two ways:

- a WARNING record on the ``crossorigin.report_only`` logger, at most once per
  (origin, report-only policy, reason) in each window (``ReportWindow``), with at most
  ``max_reports`` distinct ones a window, so invented origins cannot flood the log; what
  was left out is counted and summed up in one record when the window ends;
- the ``report_only_differs`` signal (``crossorigin.signals``), on every difference,
  for projects that count them in their metrics.

The report-only policy is decided from its settings alone: it has no origin checker and
sends no ``check_request_enabled`` (settings.REPORT_ONLY_IGNORED lists what it ignores).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Final, NamedTuple

from crossorigin._config.decorators import view_overrides, views_are_decorated
from crossorigin._config.selection import UNRESOLVED, select_for_request, select_policy
from crossorigin._core.constants import (
    META_ORIGIN,
    META_REQUEST_HEADERS,
    META_REQUEST_METHOD,
    META_REQUEST_PRIVATE_NETWORK,
)
from crossorigin._core.policy import Decision, Reason, decide
from crossorigin._http.logs import LOGGED_VALUE_MAX_LENGTH, escape
from crossorigin.signals import report_only_differs

if TYPE_CHECKING:
    from django.http import HttpRequest

    from crossorigin._config.registry import PolicySet, Selection, ViewOverrides

logger: Final = logging.getLogger("crossorigin.report_only")

# A week of logs at one window an hour names each differing origin at most 168 times.
WINDOW_SECONDS: Final = 3600.0
# Distinct differences logged per window; the rest are counted (a flood of invented
# origins costs one counter, not one log line, each).
MAX_REPORTS_PER_WINDOW: Final = 1000
# How many of the most repeated differences a window's summary line names.
SUMMARY_TOP: Final = 10

# Decisions the view's code made, not the settings: the report-only settings would make
# the same ones, so there is nothing to compare. (Compared by identity: hashing an Enum
# member is a Python-level call, and this runs on every request.)
_VIEW_EXEMPT: Final = Reason.VIEW_EXEMPT
_REQUEST_DISABLED: Final = Reason.REQUEST_DISABLED

ReportKey = tuple[str, str, str]  # (origin, report-only policy, report-only reason)


class WindowSummary(NamedTuple):
    """What one window saw: every difference, those logged, and those left out."""

    seconds: float
    differences: int
    reported: int
    repeats: dict[ReportKey, int]
    over_budget: int


class ReportWindow:
    """Which differences to log: each key once a window, at most ``max_reports`` keys a window.

    Memory is bounded by ``max_reports`` keys of bounded length; what is not logged is
    counted, and the counts come back as a ``WindowSummary`` with the first difference
    after the window ends (no timer thread: an idle site has nothing to sum up).
    """

    def __init__(
        self,
        seconds: float = WINDOW_SECONDS,
        max_reports: int = MAX_REPORTS_PER_WINDOW,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.seconds = seconds
        self.max_reports = max_reports
        self.clock = clock
        self._lock = threading.Lock()
        self._start = clock()
        self._repeats: dict[ReportKey, int] = {}
        self._differences = 0
        self._over_budget = 0

    def admit(self, key: ReportKey) -> tuple[bool, bool, WindowSummary | None]:
        """Count one difference: (log it, the budget was just reached, the summary of a window that ended)."""
        now = self.clock()
        repeats = self._repeats
        if key in repeats and now - self._start < self.seconds:
            # The common case, a repeat within the window, is counted without the lock: two
            # threads counting the same repeat at once may lose one count, never log twice.
            repeats[key] += 1
            self._differences += 1
            return False, False, None
        with self._lock:
            summary = None
            if now - self._start >= self.seconds:
                summary = self._close(now)
            self._differences += 1
            repeats = self._repeats
            if key in repeats:
                repeats[key] += 1
                return False, False, summary
            if len(repeats) >= self.max_reports:
                self._over_budget += 1
                return False, self._over_budget == 1, summary
            repeats[key] = 0
            return True, False, summary

    def _close(self, now: float) -> WindowSummary | None:
        summary = None
        if self._differences:
            summary = WindowSummary(
                now - self._start,
                self._differences,
                len(self._repeats),
                {key: count for key, count in self._repeats.items() if count},
                self._over_budget,
            )
        self._start = now
        self._repeats = {}
        self._differences = self._over_budget = 0
        return summary


class ReportOnly:
    """The compiled report-only policies and the window that rations their reports."""

    def __init__(self, policies: PolicySet, window: ReportWindow | None = None) -> None:
        self.policies = policies
        self.window = window or ReportWindow()

    def selection(self, path: str, view: ViewOverrides | None) -> Selection:
        """The report-only policy for a path and the view that served it: the one selection, as enforced."""
        return select_policy(self.policies, path, None, "GET", view)

    def decision(
        self, path: str, view: ViewOverrides | None, origin: str, method: str | None, private_network: bool
    ) -> Decision:
        """The decision the report-only settings give a request (an actual one, as the middleware's)."""
        selected = self.selection(path, view)
        if selected.source == "exempt":
            return self.policies.exempt
        policy, enabled = selected.policy, selected.enabled
        # An OPTIONS that reached the view is decided as a GET preflight, as the middleware does.
        preflight = method == "OPTIONS"
        if enabled and not preflight and not private_network:
            # The common case without decide()'s call: with no checker and no signal to
            # ask, a remembered answer (a refusal too) is decide()'s answer.
            found = policy.remembered(origin)
            if found is not None:
                return found
        return decide(
            policy,
            origin,
            preflight=preflight,
            request_method="GET" if preflight else None,
            private_network=private_network,
            url_enabled=enabled,
        )

    def compare(self, request: HttpRequest, enforced: Decision) -> None:
        """Decide ``request`` under the report-only policy and report it if the browser's answer would differ.

        Called by the middleware once the enforced decision is on the response; it
        changes nothing on the request or the response and never raises.
        """
        try:
            meta = request.META
            origin = meta.get(META_ORIGIN)
            if origin is None:
                return
            view = None
            if views_are_decorated():
                match = request.resolver_match
                view = None if match is None else view_overrides(match.func)
            shadow = self.decision(
                request.path_info, view, origin, request.method, meta.get(META_REQUEST_PRIVATE_NETWORK) == "true"
            )
            if differs(enforced, shadow):
                self.report(request, origin, enforced, shadow)
        except Exception:  # reporting must never cost a response
            logger.exception("crossorigin: the report-only policy failed on a request; the response is unchanged")

    def compare_preflight(self, request: HttpRequest, enforced: Decision) -> None:
        """``compare`` for a preflight the middleware answered itself: the same method and headers asked.

        A stricter list of methods or headers shows here only: the actual request that
        follows is compared on its origin alone.
        """
        try:
            meta = request.META
            origin = meta[META_ORIGIN]
            found = select_for_request(request, self.policies, view=UNRESOLVED)
            if found.source == "exempt":
                return
            shadow = decide(
                found.policy,
                origin,
                preflight=True,
                request_method=meta[META_REQUEST_METHOD],
                request_headers=meta.get(META_REQUEST_HEADERS),
                private_network=meta.get(META_REQUEST_PRIVATE_NETWORK) == "true",
                url_enabled=found.enabled,
            )
            if differs(enforced, shadow):
                self.report(request, origin, enforced, shadow)
        except Exception:  # reporting must never cost a response
            logger.exception("crossorigin: the report-only policy failed on a preflight; the response is unchanged")

    def report(self, request: HttpRequest, origin: str, enforced: Decision, shadow: Decision) -> None:
        """Log the difference (rationed by the window) and send ``report_only_differs``."""
        path = request.path_info
        # str(): the code as a plain str (an Enum member's hash is a Python-level call).
        key = (origin[: LOGGED_VALUE_MAX_LENGTH + 1], shadow.policy, str(shadow.reason))
        log_it, budget_reached, summary = self.window.admit(key)
        if summary is not None:
            log_summary(summary)
        if log_it:
            log_difference(origin, path, enforced, shadow)
        elif budget_reached:
            logger.warning(
                "cors-report-only budget-reached max=%d: further differences in this window are counted, "
                "not logged, and summed up when it ends",
                self.window.max_reports,
                extra={"cors_report_max": self.window.max_reports},
            )
        if report_only_differs.receivers:
            for receiver, result in report_only_differs.send_robust(
                sender=None, request=request, origin=origin, path=path, enforced=enforced, report_only=shadow
            ):
                if isinstance(result, Exception):
                    logger.error("report_only_differs receiver %r raised %r", receiver, result)


_attach_lock: Final = threading.Lock()


def for_policies(policies: PolicySet) -> ReportOnly | None:
    """The ``ReportOnly`` of a compiled policy set (made on first use), or None when ``CORS_REPORT_ONLY`` is unset.

    The registry compiles the report-only settings (``PolicySet.report_only_policies``)
    but never imports this module, which sits above it; the window that rations the
    reports lives as long as that policy set, so it is kept on it.
    """
    shadow = policies.report_only_policies
    if shadow is None:
        return None
    found: ReportOnly | None = policies.report_only
    if found is None:
        with _attach_lock:
            found = policies.report_only
            if found is None:
                found = policies.report_only = ReportOnly(shadow)
    return found


def compare(policies: PolicySet, request: HttpRequest, enforced: Decision) -> None:
    """The middleware's call after the view: report ``request`` if the report-only policy would answer it differently."""
    found = for_policies(policies)
    if found is not None:
        found.compare(request, enforced)


def compare_preflight(policies: PolicySet, request: HttpRequest, enforced: Decision) -> None:
    """The middleware's call for a preflight it answered: report it if the report-only policy would answer differently."""
    found = for_policies(policies)
    if found is not None:
        found.compare_preflight(request, enforced)


def differs(enforced: Decision, shadow: Decision) -> bool:
    """Whether the report-only decision is worth a report: the browser's answer would change."""
    reason = enforced.reason
    return shadow.allowed is not enforced.allowed and reason is not _VIEW_EXEMPT and reason is not _REQUEST_DISABLED


def log_difference(origin: str, path: str, enforced: Decision, shadow: Decision) -> None:
    """One WARNING record: the request, the decision served and the one the report-only policy would give."""
    verdict = "would-allow" if shadow.allowed else "would-refuse"
    fields: dict[str, Any] = {
        "cors_report": verdict,
        "cors_origin": escape(origin),
        "cors_path": escape(path),
        "cors_policy": escape(shadow.policy),
        "cors_reason": shadow.reason.value,
        "cors_enforced_policy": escape(enforced.policy),
        "cors_enforced_reason": enforced.reason.value,
    }
    logger.warning(
        "cors-report-only %s origin=%s path=%s policy=%s reason=%s enforced_policy=%s enforced_reason=%s",
        verdict,
        fields["cors_origin"],
        fields["cors_path"],
        fields["cors_policy"],
        fields["cors_reason"],
        fields["cors_enforced_policy"],
        fields["cors_enforced_reason"],
        extra=fields,
    )


def log_summary(summary: WindowSummary) -> None:
    """One WARNING record summing up a window that ended: what was logged and what was left out."""
    repeats = {"/".join(escape(part) for part in key): count for key, count in summary.repeats.items()}
    # The line names the most repeated few; a structured formatter gets every count.
    top = sorted(repeats.items(), key=lambda item: -item[1])[:SUMMARY_TOP]
    logger.warning(
        "cors-report-only summary seconds=%d differences=%d reported=%d repeats_left_out=%d "
        "over_budget_left_out=%d top=%s",
        summary.seconds,
        summary.differences,
        summary.reported,
        sum(summary.repeats.values()),
        summary.over_budget,
        ",".join(f"{name}:{count}" for name, count in top) or "-",
        extra={
            "cors_report_differences": summary.differences,
            "cors_report_reported": summary.reported,
            "cors_report_repeats": repeats,
            "cors_report_over_budget": summary.over_budget,
        },
    )
