"""The CI plugin tests.no_skips: a skip fails an otherwise green run; an expected failure does not."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPOSITORY = Path(__file__).resolve().parent.parent
SAMPLE = """
import pytest

def test_runs():
    pass

def test_skips():
    pytest.skip("no browser here")

@pytest.mark.xfail(strict=True)
def test_expected_failure():
    assert False
"""


def run_sample(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    (tmp_path / "test_sample.py").write_text(SAMPLE)
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "tests.no_skips",
            "-p",
            "no:cacheprovider",
            # Not needed by the sample; asyncio would warn about its unset loop scope.
            *("-p", "no:asyncio", "-p", "no:django", "-p", "no:hypothesispytest", "-p", "no:cov"),
            "-c",
            os.devnull,
            "--rootdir",
            str(tmp_path),
            "-q",
            *args,
            str(tmp_path),
        ],
        check=False,
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(REPOSITORY)},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_skip_fails_the_run_and_is_named(tmp_path: Path) -> None:
    result = run_sample(tmp_path)
    assert result.returncode == pytest.ExitCode.TESTS_FAILED, result.stdout + result.stderr
    assert "1 skipped, and CI allows none" in result.stdout
    assert "test_sample.py::test_skips" in result.stdout


def test_without_skips_the_run_stays_green(tmp_path: Path) -> None:
    result = run_sample(tmp_path, "-k", "not test_skips")
    assert result.returncode == pytest.ExitCode.OK, result.stdout + result.stderr
    assert "CI allows none" not in result.stdout
