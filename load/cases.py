"""The request mix of the load test and the answer the policy in load/settings.py requires.

The same table drives wrk (through the generated Lua script) and the Python sampler,
so "wrong answer" means the same thing in both. Expectations are written out by hand
from the settings, not computed by the package under test.
"""

from __future__ import annotations

from dataclasses import dataclass, field

ALLOW_METHODS = "DELETE, GET, OPTIONS, PATCH, POST, PUT"
ALLOW_HEADERS = "accept, authorization, content-type, user-agent, x-csrftoken, x-requested-with"
MAX_AGE = "600"
EXPOSE = "x-load-case"


@dataclass(frozen=True)
class Case:
    """One kind of request and whether its origin must be granted."""

    name: str
    kind: str  # allowed, disallowed, preflight, hostile
    method: str
    path: str
    headers: dict[str, str] = field(default_factory=dict)
    granted: str | None = None  # the Access-Control-Allow-Origin the answer must carry, or None
    preflight: bool = False

    @property
    def enabled(self) -> bool:
        return self.path.startswith("/api/")

    def expected(self) -> dict[str, str | None]:
        """Every Access-Control-* header of the right answer (None: must be absent)."""
        granted = self.granted
        answer: dict[str, str | None] = {
            "access-control-allow-origin": granted,
            "access-control-allow-credentials": "true" if granted else None,
            "access-control-expose-headers": EXPOSE if granted else None,
            "access-control-allow-methods": None,
            "access-control-allow-headers": None,
            "access-control-max-age": None,
        }
        if self.preflight and granted:
            answer["access-control-allow-methods"] = ALLOW_METHODS
            answer["access-control-allow-headers"] = ALLOW_HEADERS
            answer["access-control-max-age"] = MAX_AGE
        return answer


def _preflight(name: str, kind: str, origin: str, granted: bool, **extra: str) -> Case:
    headers = {"Origin": origin, "Access-Control-Request-Method": extra.pop("method", "PUT"), **extra}
    return Case(name, kind, "OPTIONS", "/api/items/", headers, origin if granted else None, preflight=True)


CASES: tuple[Case, ...] = (
    Case("exact", "allowed", "GET", "/api/items/", {"Origin": "https://app.example.com"}, "https://app.example.com"),
    Case("wildcard", "allowed", "GET", "/api/items/", {"Origin": "https://a.b.example.org"}, "https://a.b.example.org"),
    Case(
        "regex-post",
        "allowed",
        "POST",
        "/api/items/",
        {"Origin": "https://shop.example.net"},
        "https://shop.example.net",
    ),
    Case("other", "disallowed", "GET", "/api/items/", {"Origin": "https://evil.example"}),
    Case("lookalike", "disallowed", "GET", "/api/items/", {"Origin": "https://app.example.com.evil.net"}),
    Case("http-scheme", "disallowed", "GET", "/api/items/", {"Origin": "http://app.example.com"}),
    Case("no-origin", "disallowed", "GET", "/api/items/"),
    Case("outside-api", "disallowed", "GET", "/other/", {"Origin": "https://app.example.com"}),
    _preflight(
        "preflight",
        "preflight",
        "https://pre.example.org",
        True,
        **{"Access-Control-Request-Headers": "content-type,x-requested-with"},
    ),
    _preflight("preflight-method", "preflight", "https://method.example.org", True, method="PROPFIND"),
    _preflight("preflight-denied", "preflight", "https://evil.example", False),
    _preflight(
        "commas", "hostile", "https://commas.example.org", False, **{"Access-Control-Request-Headers": "," * 5000}
    ),
    _preflight(
        "many-names",
        "hostile",
        "https://names.example.org",
        False,
        **{"Access-Control-Request-Headers": ",".join(f"x-h{i}" for i in range(300))},
    ),
    Case("long-origin", "hostile", "GET", "/api/items/", {"Origin": "https://" + "a" * 3000 + ".example.org"}),
    Case("bracket", "hostile", "GET", "/api/items/", {"Origin": "https://app.example.com]"}),
    Case("latin1", "hostile", "GET", "/api/items/", {"Origin": "https://app.ex\xe4mple.com"}),
    Case("log-forge", "hostile", "GET", "/api/items/", {"Origin": "https://x.example.org%0d%0acors allowed-exact"}),
)

# Origins a preflight answer may grant, for checking preflights wrk cannot tell apart.
PREFLIGHT_GRANTS: frozenset[str] = frozenset(c.granted for c in CASES if c.preflight and c.granted)
