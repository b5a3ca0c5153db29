"""Fuzz ``decide``: arbitrary request values against several compiled policies.

Input: newline-separated fields (latin-1): flags, origin, request method,
Access-Control-Request-Headers. The flags line picks the policy and whether the
request is a preflight. Checks: no exception; a granted origin is the request's own or
'*'; '*' never with credentials; a malformed origin is never granted; a pending decision
only when an answer is missing.
"""

from __future__ import annotations

import re
import sys

import _common  # noqa: F401  (sets sys.path)
import atheris

with atheris.instrument_imports(include=["crossorigin"]):
    from crossorigin._core.options import PolicyOptions
    from crossorigin._core.origins import is_well_formed_request_origin, parse_origin
    from crossorigin._core.policy import Policy, decide

ORIGINS = tuple(parse_origin(o) for o in ("https://example.com", "https://*.example.org", "http://localhost:*", "null"))
REGEXES = (re.compile(r"^https://[a-z0-9-]+\.example\.net$"),)
POLICIES = [
    Policy(PolicyOptions(allowed_origins=ORIGINS, allowed_origin_regexes=REGEXES)),
    Policy(PolicyOptions(allowed_origins=ORIGINS, allow_credentials=True, expose_headers=("x-total",))),
    Policy(PolicyOptions(allow_all_origins=True, allow_headers=("*",), allow_methods=("*",))),
    Policy(PolicyOptions(allow_all_origins=True, allow_credentials=True, allow_private_network=True)),
    Policy(PolicyOptions(allowed_origins=ORIGINS, allow_all_requested_headers=True, preflight_max_age=0)),
    Policy(PolicyOptions(allowed_origin_regexes=REGEXES), has_checker=True),
]


def test_one_input(data: bytes) -> None:
    fields = data.decode("latin-1").split("\n", 3)
    fields += [""] * (4 - len(fields))
    flags, origin, method, requested = fields
    code = sum(map(ord, flags[:4]))
    policy = POLICIES[code % len(POLICIES)]
    preflight = "p" in flags
    checker: bool | None = None if "c" in flags else "C" in flags
    signal: bool | None = None if "s" in flags else "S" in flags
    decision = decide(
        policy,
        origin if "n" not in flags else None,
        preflight=preflight,
        request_method=method if preflight else None,
        request_headers=requested if "h" in flags else None,
        private_network="v" in flags,
        url_enabled="d" not in flags,
        checker=checker,
        signal=signal,
    )
    if decision.pending:
        assert checker is None or signal is None, decision
        return
    headers = dict(decision.headers)
    assert len(headers) == len(decision.headers), "a header name appears twice"
    granted = headers.get("access-control-allow-origin")
    if granted is not None:
        assert granted in (origin, "*"), (origin, granted)
        assert is_well_formed_request_origin(origin), origin
        assert decision.enabled
    if granted == "*":
        assert "access-control-allow-credentials" not in headers
    if decision.allowed:
        assert granted is not None


def main() -> None:
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
