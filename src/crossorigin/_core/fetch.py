"""Facts from the WHATWG Fetch standard that the package relies on, in one place.

The policy, the security checks, the browser model used by ``cors_explain`` and the
test helpers all read these lists from here, so they can never disagree.
"""

from __future__ import annotations

from typing import Final

# Methods a preflight never fails on (CORS-safelisted methods).
SAFELISTED_METHODS: Final = frozenset({"GET", "HEAD", "POST"})
# Request headers a script may send without a preflight (with value rules for two).
SAFELISTED_REQUEST_HEADERS: Final = frozenset(
    {"accept", "accept-language", "content-language", "content-type", "range"}
)
SIMPLE_CONTENT_TYPES: Final = frozenset({"application/x-www-form-urlencoded", "multipart/form-data", "text/plain"})
# Browsers upper-case these method names in fetch(); any other is sent as written.
NORMALISED_METHODS: Final = frozenset({"DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT"})
# Request headers a script can never set (forbidden request-header names), and prefixes.
FORBIDDEN_REQUEST_HEADERS: Final = frozenset(
    {
        "accept-charset",
        "accept-encoding",
        "access-control-request-headers",
        "access-control-request-method",
        "connection",
        "content-length",
        "cookie",
        "cookie2",
        "date",
        "dnt",
        "expect",
        "host",
        "keep-alive",
        "origin",
        "referer",
        "set-cookie",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
        "via",
    }
)
FORBIDDEN_REQUEST_HEADER_PREFIXES: Final = ("proxy-", "sec-")
# Methods a script can never use (compared case-insensitively).
FORBIDDEN_METHODS: Final = frozenset({"CONNECT", "TRACE", "TRACK"})
# Response headers a script can never read, exposed or not.
FORBIDDEN_RESPONSE_HEADERS: Final = frozenset({"set-cookie", "set-cookie2"})


def is_forbidden_request_header(name: str) -> bool:
    """True for a header name that scripts are not allowed to set."""
    lowered = name.lower()
    return lowered in FORBIDDEN_REQUEST_HEADERS or lowered.startswith(FORBIDDEN_REQUEST_HEADER_PREFIXES)
