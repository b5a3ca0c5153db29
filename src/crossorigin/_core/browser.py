"""What a browser does with a response: the Fetch standard's CORS checks, client side.

The server side decides with ``policy.decide``; this module models the other end, the
check a browser runs on the headers it receives, so the explain command can say whether
a script would be able to read a response and the test helpers can assert it. It reads
response headers only and never decides anything for the server.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from crossorigin._core.fetch import SAFELISTED_METHODS, SAFELISTED_REQUEST_HEADERS, SIMPLE_CONTENT_TYPES


def split_list(value: str | None) -> list[str]:
    """The items of a comma-separated header value, stripped, empty ones dropped."""
    if not value:
        return []
    return [item.strip() for item in value.split(",") if item.strip()]


def is_safelisted_request_header(name: str, value: str | None) -> bool:
    """True if a script may send this header without a preflight (value None: unknown)."""
    lowered = name.lower()
    if lowered not in SAFELISTED_REQUEST_HEADERS:
        return False
    if lowered == "content-type":
        return value is not None and value.split(";")[0].strip().lower() in SIMPLE_CONTENT_TYPES
    if lowered == "range":
        return value is not None and value.strip().startswith("bytes=") and "," not in value
    return True


def needs_preflight(method: str, headers: Iterable[tuple[str, str | None]]) -> bool:
    """Whether a browser sends a preflight before a fetch() with this method and headers."""
    return method not in SAFELISTED_METHODS or any(not is_safelisted_request_header(n, v) for n, v in headers)


def cors_check(headers: Mapping[str, str], origin: str, credentials: bool) -> list[str]:
    """Fetch's CORS check on response headers; the reasons it fails (empty: it passes)."""
    allow_origin = headers.get("access-control-allow-origin")
    if allow_origin is None:
        return ["the response has no Access-Control-Allow-Origin header"]
    failures = []
    if allow_origin == "*":
        if credentials:
            failures.append("Access-Control-Allow-Origin is '*', which a credentialed request does not accept")
    elif allow_origin != origin:
        failures.append(f"Access-Control-Allow-Origin is {allow_origin!r}, not the request's origin {origin!r}")
    if credentials and headers.get("access-control-allow-credentials") != "true":
        found = headers.get("access-control-allow-credentials")
        failures.append(
            "a credentialed request needs Access-Control-Allow-Credentials: true, "
            + ("and the response has none" if found is None else f"and the response has {found!r}")
        )
    return failures


def preflight_check(
    status: int,
    headers: Mapping[str, str],
    origin: str,
    *,
    credentials: bool,
    method: str,
    request_headers: Iterable[str],
) -> list[str]:
    """Fetch's checks on a preflight response; the reasons it fails (empty: it passes)."""
    # A browser stops at the first failed check, so only the first kind is reported.
    if not 200 <= status < 300:
        return [f"a preflight response needs a 2xx status, and it has {status}"]
    failures = cors_check(headers, origin, credentials)
    if failures:
        return failures
    methods = split_list(headers.get("access-control-allow-methods"))
    star = not credentials
    if method not in SAFELISTED_METHODS and method not in methods and not (star and "*" in methods):
        return [f"method {method!r} is not in Access-Control-Allow-Methods ({', '.join(methods) or 'absent'})"]
    allowed = {name.lower() for name in split_list(headers.get("access-control-allow-headers"))}
    for name in request_headers:
        lowered = name.lower()
        if lowered in allowed or (star and "*" in allowed and lowered != "authorization"):
            continue
        failures.append(
            f"header {lowered!r} is not in Access-Control-Allow-Headers ({', '.join(sorted(allowed)) or 'absent'})"
        )
    return failures
