"""WebSocket handshakes checked against the CORS policy: plain values in, a verdict out.

A browser opens a WebSocket to any origin and sends the site's cookies with the
handshake; CORS never applies. Only the server's check of the handshake's ``Origin``
stops a page on another site from driving a logged-in user's socket (cross-site
WebSocket hijacking). This module decides a handshake with the same compiled policies
and the same ``decide()`` as HTTP requests, so there is one origin list. It imports
nothing of Channels: ``crossorigin.channels`` is the ASGI wrapper, ``cors_explain
--websocket`` the explanation; both call ``check_handshake``/``acheck_handshake``.

The rules, in order (``docs/websockets.md``):

1. No ``Origin``: not a browser (browsers always send it on a handshake), so no
   hijacking is possible; accepted unless ``allow_missing_origin`` is False.
2. The site's own origins are accepted: the handshake's scheme (``ws`` gives ``http``,
   ``wss`` gives ``https``) with a host that ``ALLOWED_HOSTS`` accepts, as Channels'
   ``AllowedHostsOriginValidator`` does, except that a bare ``*`` in ``ALLOWED_HOSTS``
   only makes the handshake's own ``Host`` the site's (``*`` is not a list of origins).
3. Otherwise the policy that covers the socket's path decides (``decide()``, with the
   origin checker asked with the ASGI scope in place of a request; the
   ``check_request_enabled`` signal is not sent: its receivers expect a request).
4. A socket that authenticates by cookie is opened only for an origin whose policy
   allows credentials: an origin allowed without them (a public API under allow-all,
   say) must not drive a logged-in user's socket.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Final, NamedTuple
from urllib.parse import urlsplit

from django.conf import settings
from django.http.request import validate_host

from crossorigin._config import registry
from crossorigin._config.checker import OriginChecker
from crossorigin._config.selection import select_policy
from crossorigin._core.origins import is_well_formed_request_origin
from crossorigin._core.policy import Decision, Policy, Reason
from crossorigin._http.resolution import Question, achecker_answer, aresolve_decision, checker_answer, resolve_decision

# The public names (docs/api.md); everything else here is internal.
__all__ = ["Handshake", "HandshakeReason", "Verdict", "acheck_handshake", "check_handshake"]

# The page origin's scheme for each WebSocket scheme.
HTTP_SCHEMES: Final = {"ws": "http", "wss": "https", "http": "http", "https": "https"}
# What Django lets in when DEBUG is on and ALLOWED_HOSTS is empty (HttpRequest.get_host).
DEBUG_ALLOWED_HOSTS: Final = (".localhost", "127.0.0.1", "[::1]")


class HandshakeReason(StrEnum):
    """Why a handshake was decided without, or against, the policy's ``Decision``."""

    NO_ORIGIN = "websocket-no-origin"
    NO_ORIGIN_REFUSED = "websocket-no-origin-refused"
    OWN_ORIGIN = "websocket-own-origin"
    CREDENTIALS_NOT_ALLOWED = "websocket-credentials-not-allowed"

    @property
    def sentence(self) -> str:
        """A human sentence for the reason."""
        return HANDSHAKE_SENTENCES[self]


HANDSHAKE_SENTENCES: Final = {
    HandshakeReason.NO_ORIGIN: "The handshake has no Origin header: not a browser, which always sends one, so no page can be driving it.",
    HandshakeReason.NO_ORIGIN_REFUSED: "The handshake has no Origin header, and this socket refuses clients that send none.",
    HandshakeReason.OWN_ORIGIN: "The Origin is the site's own (the handshake's scheme and a host ALLOWED_HOSTS accepts).",
    HandshakeReason.CREDENTIALS_NOT_ALLOWED: "The socket authenticates by cookie and the policy allows this origin only without credentials, so a page on it must not open the socket.",
}


@dataclass(frozen=True, slots=True)
class Handshake:
    """The plain values of one WebSocket handshake."""

    origin: str | None
    path: str
    scheme: str = "ws"
    host: str | None = None
    # The socket authenticates by cookie (a Channels session or auth middleware).
    cookies: bool = False


class Verdict(NamedTuple):
    """Whether a handshake is accepted, and why (``reason`` is a stable code)."""

    accepted: bool
    reason: Reason | HandshakeReason
    policy: str
    decision: Decision | None = None

    @property
    def sentence(self) -> str:
        """A human sentence for the reason."""
        return self.reason.sentence


def handshake_from_scope(scope: Mapping[str, Any], cookies: bool) -> Handshake:
    """The plain values of an ASGI ``websocket`` scope's handshake."""
    origin: str | None = None
    host: str | None = None
    for name, value in scope.get("headers") or ():
        if name == b"origin" and origin is None:
            origin = value.decode("latin-1")
        elif name == b"host" and host is None:
            host = value.decode("latin-1")
    return Handshake(origin, scope.get("path") or "/", scope.get("scheme") or "ws", host, cookies)


def policy_for_socket(path: str) -> tuple[Policy, bool]:
    """The policy that covers a socket's path, and whether CORS is on for it.

    Picked by the one selection HTTP uses, with plain values from the ASGI scope. A
    socket has no view policy (``@cors_policy`` decorates views, not consumers).
    """
    found = select_policy(registry.current(), path, None, "GET", None)
    return found.policy, found.enabled


def allowed_hosts() -> list[str]:
    """``ALLOWED_HOSTS`` as Django applies it (the DEBUG defaults when empty)."""
    hosts = list(getattr(settings, "ALLOWED_HOSTS", None) or [])
    if not hosts and getattr(settings, "DEBUG", False):
        hosts = list(DEBUG_ALLOWED_HOSTS)
    return hosts


def _domain(netloc: str) -> str | None:
    """The host of ``host[:port]`` as ALLOWED_HOSTS names it, lower-case; None if malformed."""
    if not netloc or "@" in netloc:
        return None
    if netloc.startswith("["):
        end = netloc.find("]")
        return netloc[: end + 1].lower() if end > 0 else None
    return netloc.rsplit(":", 1)[0].lower()


def is_own_origin(origin: str, scheme: str, host: str | None, hosts: Sequence[str]) -> bool:
    """True when ``origin`` is the site's own for a handshake on ``scheme`` with ``Host: host``."""
    expected = HTTP_SCHEMES.get(scheme.lower())
    if expected is None or not is_well_formed_request_origin(origin):
        return False
    parts = urlsplit(origin)
    if parts.scheme != expected:
        return False
    domain = _domain(parts.netloc)
    if domain is None:
        return False
    # "*" accepts any Host; it makes only the handshake's own Host the site's.
    if validate_host(domain, [h for h in hosts if h != "*"]):
        return True
    if host is None or parts.netloc.lower() != host.lower():
        return False
    return validate_host(domain, list(hosts))


def _answer_without_policy(h: Handshake, allow_missing_origin: bool) -> Verdict | None:
    if not h.origin:
        if allow_missing_origin:
            return Verdict(True, HandshakeReason.NO_ORIGIN, "-")
        return Verdict(False, HandshakeReason.NO_ORIGIN_REFUSED, "-")
    if is_own_origin(h.origin, h.scheme, h.host, allowed_hosts()):
        return Verdict(True, HandshakeReason.OWN_ORIGIN, "-")
    return None


def _question(h: Handshake, checker: OriginChecker | None, context: object) -> Question:
    policy, enabled = policy_for_socket(h.path)
    # The signal is never sent (False): its receivers expect an HttpRequest.
    return Question(
        policy, h.origin, url_enabled=enabled, checker=None if checker else False, context=(checker, context)
    )


def _verdict(h: Handshake, q: Question, decision: Decision) -> Verdict:
    if decision.allowed and h.cookies and not q.policy.options.allow_credentials:
        return Verdict(False, HandshakeReason.CREDENTIALS_NOT_ALLOWED, decision.policy, decision)
    return Verdict(decision.allowed, decision.reason, decision.policy, decision)


def _never(q: Question) -> bool:
    return False


def _ask(q: Question) -> bool:
    checker, scope = q.context
    return checker_answer(checker, q.origin, scope, q.policy)


async def _aask(q: Question) -> bool:
    checker, scope = q.context
    return await achecker_answer(checker, q.origin, scope, q.policy)


def check_handshake(h: Handshake, context: object = None, *, allow_missing_origin: bool = True) -> Verdict:
    """Decide a handshake synchronously; ``context`` goes to the origin checker (the scope)."""
    early = _answer_without_policy(h, allow_missing_origin)
    if early is not None:
        return early
    q = _question(h, registry.current().checker, context)
    return _verdict(h, q, resolve_decision(q, _ask, _never))


async def acheck_handshake(h: Handshake, context: object = None, *, allow_missing_origin: bool = True) -> Verdict:
    """Decide a handshake from the event loop; an async origin checker is awaited."""
    early = _answer_without_policy(h, allow_missing_origin)
    if early is not None:
        return early
    q = _question(h, registry.current().checker, context)
    return _verdict(h, q, await aresolve_decision(q, _aask, _never))
