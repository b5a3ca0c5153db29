"""Per-view policies: ``@cors_policy(**overrides)`` and ``@cors_exempt``.

The public names of ``crossorigin.decorators``; the implementation lives in ``crossorigin._config.decorators``. See docs/api.md.
"""

from __future__ import annotations

from crossorigin._config.decorators import (
    cors_exempt,
    cors_policy,
)

__all__ = [
    "cors_exempt",
    "cors_policy",
]
