"""Decision logging on the ``crossorigin`` logger: one DEBUG line per decision.

Values from the request (Origin, path) are escaped and truncated before they reach a
log, so a hostile header cannot forge log lines or flood them (B16).
"""

from __future__ import annotations

import logging
from typing import Final

from crossorigin.policy import Decision

logger: Final = logging.getLogger("crossorigin")

LOGGED_VALUE_MAX_LENGTH: Final = 200


def escape(value: str | None) -> str:
    """A request value made safe for one log line: printable ASCII, bounded length."""
    if value is None:
        return "-"
    cut = value[:LOGGED_VALUE_MAX_LENGTH]
    text = cut.encode("ascii", "backslashreplace").decode("ascii")
    # backslashreplace leaves ASCII control characters (CR, LF, ESC...) alone.
    text = "".join(ch if 32 <= ord(ch) < 127 else f"\\x{ord(ch):02x}" for ch in text)
    return text + ("..." if len(value) > LOGGED_VALUE_MAX_LENGTH else "")


def log_decision(decision: Decision, origin: str | None, path: str) -> None:
    """Log one decision at DEBUG with its reason code, policy, origin and path."""
    if not logger.isEnabledFor(logging.DEBUG):
        return
    logger.debug(
        "cors %s policy=%s origin=%s path=%s%s",
        decision.reason.value,
        decision.policy,
        escape(origin),
        escape(path),
        f" refused={','.join(escape(r) for r in decision.refused)}" if decision.refused else "",
    )
