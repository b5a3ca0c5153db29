"""Explain what the site does with one cross-origin request, and why.

The public names of ``crossorigin.explain``; the implementation lives in ``crossorigin._explain``. See docs/api.md.
"""

from __future__ import annotations

from crossorigin._explain import (
    ExplainArgumentError,
    Explanation,
    RequestExplanation,
    explain,
)

__all__ = [
    "ExplainArgumentError",
    "Explanation",
    "RequestExplanation",
    "explain",
]
