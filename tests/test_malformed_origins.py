"""Issue 13 item 9 through the middleware: malformed Origins and numeric wildcards refuse."""

from __future__ import annotations

import pytest
from django.test import override_settings

from crossorigin._config import registry
from crossorigin.checks import check_settings
from tests.conftest import Send
from tests.cors_asserts import allowed, refused


@pytest.mark.parametrize(
    "origin", ["https://.example.com", "https://exa%6dple.com", "https://example.com:65536", "https://a..example.com"]
)
def test_malformed_origins_are_refused_under_allow_all(send: Send, origin: str) -> None:
    with override_settings(CORS_ALLOW_ALL_ORIGINS=True, CORS_ALLOWED_ORIGINS=[]):
        assert allowed(send("GET", "/api/items/", {"Origin": "https://ok.example"}), "https://ok.example") == "*"
        assert refused(send("GET", "/api/items/", {"Origin": origin})) is None
        assert refused(send.preflight("/api/items/", origin, "GET")) is None


@pytest.mark.parametrize("origin", ["https://.example.com", "https://%2e.example.com"])
def test_malformed_origins_never_match_a_wildcard(send: Send, origin: str) -> None:
    with override_settings(CORS_ALLOWED_ORIGINS=["https://*.example.com"]):
        assert allowed(send("GET", "/api/items/", {"Origin": "https://a.example.com"}), "https://a.example.com")
        assert refused(send("GET", "/api/items/", {"Origin": origin})) is None


def test_a_numeric_wildcard_is_an_error_and_allows_nothing(send: Send) -> None:
    with override_settings(CORS_ALLOWED_ORIGINS=["https://*.0.0.1"]):
        messages = [m for m in check_settings() if m.id == "crossorigin.E004"]
        assert len(messages) == 1
        assert "https://*.0.0.1" in messages[0].msg
        assert registry.current().global_policy.options.allowed_origins == ()
        assert refused(send("GET", "/api/items/", {"Origin": "https://10.0.0.1"})) is None
