"""Shared assertions for tests that check both the browser's verdict and the exact header.

``crossorigin.testing`` asserts what a browser would do; these wrappers also return the
Access-Control-Allow-Origin value so a test can pin it exactly (the public helper accepts
``*`` for an allowed origin, and a different origin for a denied one).
"""

from __future__ import annotations

from typing import Any

from crossorigin.testing import assert_cors_allowed, assert_cors_denied, cors_headers


def acao(response: Any) -> str | None:
    """The response's Access-Control-Allow-Origin, or None."""
    return cors_headers(response).get("access-control-allow-origin")


def allowed(response: Any, origin: str, **kwargs: Any) -> str | None:
    """Assert that a browser lets a script on ``origin`` read the response; return its ACAO."""
    assert_cors_allowed(response, origin, **kwargs)
    return acao(response)


def refused(response: Any) -> str | None:
    """Assert that a browser refuses the response; return its ACAO (callers check it is None)."""
    assert_cors_denied(response)
    return acao(response)
