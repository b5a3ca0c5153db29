"""The decision the middleware applied, kept on the request for the test helpers (``decision_for``).

Kept only while ``RECORD["on"]``: importing ``crossorigin.testing`` turns it on. Off, a
request pays nothing: one more attribute on a ``WSGIRequest`` costs about 1,500
instructions (docs/performance.md), a tenth of what the middleware costs.
"""

from __future__ import annotations

from typing import Final

from django.http import HttpRequest

from crossorigin._core.policy import Decision

# The attribute the middleware sets (request._crossorigin_decision) while recording.
DECISION_ATTRIBUTE: Final = "_crossorigin_decision"
RECORD: Final = {"on": False}


def decision_for(request: HttpRequest) -> Decision:
    """The decision ``CorsMiddleware`` applied to a request it served, as it recorded it.

    For tests and tools: a preflight's is the one its answer got (or, if CORS was off
    for it, the view's response). The middleware records decisions once
    ``crossorigin.testing`` is imported (or ``record_decisions()`` is called). Raises
    ``LookupError`` for a request it did not finish or served before recording began.
    """
    try:
        return getattr(request, DECISION_ATTRIBUTE)  # type: ignore[no-any-return]
    except AttributeError:
        raise LookupError(
            "CorsMiddleware recorded no decision on this request (import crossorigin.testing before sending it)"
        ) from None


def record_decisions() -> None:
    """Make the middleware keep each decision on its request, for ``decision_for``."""
    RECORD["on"] = True
