"""Decision logging on the ``crossorigin`` logger: one DEBUG line per decision.

Each request the middleware decides produces exactly one record, at DEBUG, of the form::

    cors <reason-code> policy=<name> origin=<origin> path=<path>[ refused=<names>]

Values from the request (Origin, path, refused names) are escaped and truncated before
they reach a log, so a hostile header can neither forge log lines or fields nor flood
the log (B16). The same values are attached to the record as ``cors_*`` attributes for
structured (e.g. JSON) formatters.
"""

from __future__ import annotations

import logging
from typing import Final

from crossorigin._core.policy import Decision

logger: Final = logging.getLogger("crossorigin")

LOGGED_VALUE_MAX_LENGTH: Final = 200

# Printable ASCII except space and backslash passes through; everything else becomes an
# escape. Space is escaped so a value cannot fake a ``key=value`` field, and backslash
# so that an escape sequence in the log always means the byte was escaped here.
_SAFE: Final = frozenset(chr(c) for c in range(33, 127)) - {"\\"}


def _escape_char(ch: str) -> str:
    code = ord(ch)
    if code < 0x100:
        return f"\\x{code:02x}"
    if code < 0x10000:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def escape(value: str | None) -> str:
    """A request value made safe for one log line: printable ASCII, no spaces, bounded length."""
    if value is None:
        return "-"
    cut = value[:LOGGED_VALUE_MAX_LENGTH]
    text = "".join(ch if ch in _SAFE else _escape_char(ch) for ch in cut)
    if not text:
        return '""'
    return text + ("..." if len(value) > LOGGED_VALUE_MAX_LENGTH else "")


def log_decision(decision: Decision, origin: str | None, path: str) -> None:
    """Log one decision at DEBUG with its reason code, policy, origin and path."""
    if not logger.isEnabledFor(logging.DEBUG):
        return
    reason = decision.reason.value
    policy = escape(decision.policy)
    safe_origin = escape(origin)
    safe_path = escape(path)
    refused = ",".join(escape(name) for name in decision.refused)
    logger.debug(
        "cors %s policy=%s origin=%s path=%s%s",
        reason,
        policy,
        safe_origin,
        safe_path,
        f" refused={refused}" if refused else "",
        extra={
            "cors_reason": reason,
            "cors_policy": policy,
            "cors_origin": safe_origin,
            "cors_path": safe_path,
            "cors_allowed": decision.allowed,
        },
    )


def log_handshake(accepted: bool, reason: str, policy: str, origin: str | None, path: str) -> None:
    """Log one WebSocket handshake: a refusal at INFO (the server's log says why), an acceptance at DEBUG.

    A refused handshake is rare and is the one a developer looks for when a socket
    will not open, so it is visible at INFO, as Django logs a 403; a flood of refused
    handshakes costs one escaped, bounded line each, as each refused request does.
    """
    level = logging.DEBUG if accepted else logging.INFO
    if not logger.isEnabledFor(level):
        return
    verdict = "accepted" if accepted else "refused"
    safe_policy = escape(policy)
    safe_origin = escape(origin)
    safe_path = escape(path)
    logger.log(
        level,
        "websocket %s %s policy=%s origin=%s path=%s",
        reason,
        verdict,
        safe_policy,
        safe_origin,
        safe_path,
        extra={
            "cors_reason": reason,
            "cors_policy": safe_policy,
            "cors_origin": safe_origin,
            "cors_path": safe_path,
            "cors_allowed": accepted,
        },
    )
