"""Shared set-up for the fuzz harnesses: Django configured once, crossorigin instrumented.

Each harness is a libFuzzer target run by atheris (``fuzz/run.py`` runs them all). The
harnesses check properties, not just crashes: an exception other than the documented
``OriginError`` is a finding, and so is a decision that breaks a CORS rule.
"""

from __future__ import annotations

import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path[:0] = [os.path.join(ROOT, "src"), ROOT]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fuzz.settings")


def setup_django() -> None:
    """Configure Django from fuzz/settings.py (no database, no logging noise)."""
    import django

    django.setup()
