"""Django settings for the fuzz harnesses: the test project's, with a richer CORS policy."""

from __future__ import annotations

from tests.settings import *  # noqa: F403

CORS_ALLOWED_ORIGINS = ["https://example.com", "https://*.example.org", "http://localhost:*", "null"]
CORS_ALLOWED_ORIGIN_REGEXES = [r"^https://[a-z0-9-]+\.example\.net$"]
CORS_ALLOW_CREDENTIALS = True
CORS_EXPOSE_HEADERS = ["x-total"]
CORS_URL_POLICIES = [(r"^/public/", {"allow_all_origins": True, "allow_credentials": False})]
SILENCED_SYSTEM_CHECKS = ["crossorigin.E024"]
LOGGING_CONFIG = None
