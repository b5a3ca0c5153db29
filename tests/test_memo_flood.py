"""One memory budget per process: 41 policies flooded with distinct origins of the longest
accepted length, through the real middleware, in a fresh interpreter whose RSS is measured.

Before the budget each policy kept three memos of up to 4,096 entries: this flood grew
the process by about 95 MiB (68 MiB with 1,000 per policy), and more policies meant more.
System-level (a subprocess flood of ~20 s): host cell only.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from crossorigin._core.origins import ORIGIN_MAX_LENGTH
from crossorigin._core.policy import MEMO_BUDGET_ENTRIES

pytestmark = [pytest.mark.slow, pytest.mark.host_only]

ROOT = Path(__file__).resolve().parents[1]
PER_POLICY = 1400  # x 3 requests x 41 policies: 172,200 distinct answers to remember
BOUND_MIB = 64


def test_a_flood_of_every_policy_stays_within_one_budget() -> None:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    env.pop("DJANGO_SETTINGS_MODULE", None)  # the flood configures its own settings
    done = subprocess.run(
        [sys.executable, "-m", "tests.memo_flood", str(PER_POLICY)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout)
    print(f"\nmemo flood: {found}")
    assert found["policies"] == 41
    assert found["requests"] == 3 * 41 * PER_POLICY
    assert found["origin_length"] == ORIGIN_MAX_LENGTH
    assert found["remembered"] <= MEMO_BUDGET_ENTRIES
    assert found["peak_growth_kib"] <= BOUND_MIB * 1024
