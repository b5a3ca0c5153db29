"""WebSocket handshakes decided by the CORS policy, without Channels.

The public names of ``crossorigin.websocket``; the implementation lives in ``crossorigin._http.websocket``. See docs/api.md.
"""

from __future__ import annotations

from crossorigin._http.websocket import (
    Handshake,
    HandshakeReason,
    Verdict,
    acheck_handshake,
    check_handshake,
)

__all__ = [
    "Handshake",
    "HandshakeReason",
    "Verdict",
    "acheck_handshake",
    "check_handshake",
]
