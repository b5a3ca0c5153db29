"""Dependency lines naming the incumbents. Reported, never rewritten: pins, hashes and
lock files are the project's to change, and a half-edited lock file is worse than none."""

from __future__ import annotations

import re
from pathlib import Path

from crossorigin.migrate.report import Finding

# A requirement name is compared after PEP 503 normalisation (-, _ and . are the same).
_OLD = re.compile(r"(?<![\w.-])django[-_.]+(cors[-_.]+headers|dcors)(?![\w-])", re.IGNORECASE)


def requirement_findings(path: Path, shown: str) -> list[Finding]:
    """One finding per line of a dependency file that names django-cors-headers or django-dcors."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return []
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        old = _OLD.search(line)
        if old is not None and not line.lstrip().startswith("#"):
            found.append(
                Finding(
                    shown,
                    number,
                    f"{line.strip()!r}: depend on django-crossorigin instead of {old.group(0)} "
                    "(its version pin and hashes do not carry over)",
                )
            )
    return found
