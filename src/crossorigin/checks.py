"""The system checks, at the path django-cors-headers used (``corsheaders.checks``).

The public names of ``crossorigin.checks``; the implementation lives in ``crossorigin._checks``. See docs/api.md.
"""

from __future__ import annotations

from crossorigin._checks import (
    check_settings,
)

__all__ = [
    "check_settings",
]
