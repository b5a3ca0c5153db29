"""Security checks on the compiled policies (misconfiguration classes B1-B17).

Filled in by the security work (issue 4); returns Problems like every other check.
"""

from __future__ import annotations

from typing import Any

from crossorigin.problems import Problem
from crossorigin.registry import PolicySet


def security_problems(policies: PolicySet, django_settings: Any) -> list[Problem]:
    """Every security risk found in the policies."""
    return []
