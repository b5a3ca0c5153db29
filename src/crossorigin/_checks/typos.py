"""Near misses of the setting names we read: ``CORS_ALLOWED_ORIGIN`` for ``CORS_ALLOWED_ORIGINS``.

A project's own ``CORS_*`` settings (``CORS_ORIGIN_DOMAINS``, used to build its regexes)
are not typos: only a name within two edits of one we read counts, and a name that
merely adds or drops whole ``_WORD`` parts (``CORS_ALLOWED_ORIGINS_EXTRA``) does not.
"""

from __future__ import annotations

from typing import Final

from crossorigin._config.settings import DCORS_NAMES, RENAMED, SETTING_NAMES

READ_NAMES: Final = frozenset(SETTING_NAMES)
MAX_EDITS: Final = 2


def edit_distance(a: str, b: str) -> int:
    """Damerau-Levenshtein distance (optimal string alignment): a swap of two neighbours is one edit."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return previous[len(b)]


def _extends(longer: str, shorter: str) -> bool:
    return longer.startswith(shorter + "_")


def near_miss(name: str) -> str | None:
    """The setting we read that ``name`` most likely misspells, or None if it is no near miss."""
    best: tuple[int, str] | None = None
    for known in sorted(READ_NAMES):
        if _extends(name, known) or _extends(known, name):
            continue
        distance = edit_distance(name, known)
        if distance <= MAX_EDITS and (best is None or distance < best[0]):
            best = (distance, known)
    return None if best is None else best[1]


def modern_name(name: str) -> str:
    """The name to suggest for a setting we read: itself, or what replaced an old or django-dcors name."""
    if name in RENAMED:
        return f"{RENAMED[name]} (the current name of {name})"
    if name in DCORS_NAMES:
        return f"{DCORS_NAMES[name]} (which replaces django-dcors' {name})"
    return name
