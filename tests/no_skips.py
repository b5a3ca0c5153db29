"""A pytest plugin for CI: a skipped test fails the run, so nothing passes by not running.

The nox sessions load it (``-p tests.no_skips``) when ``CI`` is set. Locally a missing
browser or redis-server still skips with an install hint.
"""

from __future__ import annotations

import pytest

_skipped: list[str] = []


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """Remember every skipped test (an expected failure is not a skip)."""
    if report.skipped and not hasattr(report, "wasxfail"):
        _skipped.append(report.nodeid)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Name the skipped tests at the end of the report."""
    if _skipped:
        terminalreporter.write_sep("=", f"{len(_skipped)} skipped, and CI allows none", red=True)
        for nodeid in _skipped:
            terminalreporter.write_line(nodeid)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Turn a green run with skips into a failed one."""
    if _skipped and exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
