"""Setting a decision's headers on a Django response, through Django's public API.

``apply_decision`` adds ``origin`` to the response's Vary and sets the Access-Control-*
headers a ``Decision`` lists; ``answer_preflight`` builds the empty response a preflight
gets. The middleware and ``cors_explain`` both use them, so an explanation shows the
headers a request really gets. (Importable from ``crossorigin.middleware`` too.)
"""

from __future__ import annotations

from typing import Final

from django.conf import settings
from django.http import HttpResponse
from django.http.response import HttpResponseBase

from crossorigin._core.policy import Decision, Reason


def vary_with_origin(vary: str) -> str:
    """A Vary value with ``origin`` added, or the same value if it already covers it."""
    fields = [field.strip().lower() for field in vary.split(",")]
    if "origin" in fields or "*" in fields:
        return vary
    return f"{vary}, origin"


def add_vary_origin(response: HttpResponseBase) -> None:
    """Add ``origin`` to the response's Vary header, keeping what is there."""
    apply_decision(_VARY_ONLY, response)


def apply_decision(decision: Decision, response: HttpResponseBase) -> None:
    """Set the headers a decision lists, through Django's public response API."""
    if decision.enabled:
        headers = response.headers
        # pop() answers a missing Vary (the common case) with its default; get() would
        # raise and catch a KeyError inside Django, as costly as setting a header.
        vary = headers.pop("Vary", None)
        headers["Vary"] = "origin" if vary is None else _merged_vary(vary)
        for name, value in decision.headers:
            headers[name] = value


def _merged_vary(popped: object) -> str:
    # Django's ResponseHeaders.pop returns the (name, value) pair it stores rather than
    # the value alone, as a dict would; either is accepted.
    value = popped[1] if isinstance(popped, tuple) else popped
    vary = value if isinstance(value, str) else str(value)
    return vary_with_origin(vary) if vary else "origin"


# An enabled decision that sets no header besides Vary.
_VARY_ONLY: Final = Decision(Reason.NO_ORIGIN, "vary", True, False)


def preflight_response() -> HttpResponse:
    """The empty 200 a preflight gets."""
    # Content-Type is the one Django would add; given here, HttpResponse need not look
    # for it first (a miss in Django's header mapping raises and catches a KeyError).
    return HttpResponse(
        headers={"Content-Length": "0", "Content-Type": f"text/html; charset={settings.DEFAULT_CHARSET}"}
    )


def answer_preflight(decision: Decision) -> HttpResponse:
    """The preflight response for an enabled decision (a new response: Vary is set, not merged)."""
    response = preflight_response()
    headers = response.headers
    headers["Vary"] = "origin"
    for name, value in decision.headers:
        headers[name] = value
    return response
