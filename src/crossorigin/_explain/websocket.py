"""``cors_explain --websocket``: whether a page on ORIGIN may open a WebSocket to PATH, and why.

It decides through ``crossorigin._http.websocket.check_handshake``, as ``CorsOriginValidator``
does, with a scope built from the arguments (what the origin checker receives).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from crossorigin._explain.query import default_host
from crossorigin._http.websocket import Handshake, Verdict, check_handshake


@dataclass(frozen=True)
class HandshakeExplanation:
    """One handshake, its verdict, and the scope the origin checker was given."""

    handshake: Handshake
    verdict: Verdict
    scope: dict[str, Any]

    def as_dict(self) -> dict[str, object]:
        """A JSON-ready form."""
        h, v = self.handshake, self.verdict
        return {
            "websocket": True,
            "origin": h.origin,
            "path": h.path,
            "scheme": h.scheme,
            "host": h.host,
            "cookies": h.cookies,
            "policy": v.policy,
            "reason": v.reason.value,
            "sentence": v.sentence,
            "allowed": v.accepted,
        }

    def lines(self) -> list[str]:
        """The explanation as lines of text."""
        h, v = self.handshake, self.verdict
        verdict = (
            "ACCEPTED: a page on the origin can open this socket."
            if v.accepted
            else "REFUSED: the handshake is closed before accept (HTTP 403)."
        )
        return [
            f"WebSocket handshake from {h.origin} to {h.scheme}://{h.host}{h.path}",
            f"  socket authenticates by cookie: {'yes' if h.cookies else 'no'}",
            f"  policy:  {v.policy}",
            f"  reason:  {v.reason.value} - {v.sentence}",
            "",
            verdict,
        ]


def scope_for(h: Handshake) -> dict[str, Any]:
    """An ASGI ``websocket`` scope with the handshake's values (for the origin checker)."""
    headers = [(b"host", (h.host or "").encode("latin-1"))]
    if h.origin is not None:
        headers.append((b"origin", h.origin.encode("latin-1")))
    return {"type": "websocket", "path": h.path, "scheme": h.scheme, "headers": headers, "query_string": b""}


def explain_websocket(
    origin: str | None, path: str, *, host: str | None = None, secure: bool = False, cookies: bool = False
) -> HandshakeExplanation:
    """Explain a WebSocket handshake from ``origin`` to ``path`` (``cookies``: the socket authenticates by cookie)."""
    handshake = Handshake(origin, path, "wss" if secure else "ws", host or default_host(), cookies)
    scope = scope_for(handshake)
    return HandshakeExplanation(handshake, check_handshake(handshake, scope), scope)
