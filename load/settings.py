"""Settings for the load test: a small project with a credentialed CORS policy.

Origins: one exact, one subdomain wildcard, one regex; CORS on /api/ only; the
middleware stack a typical API has in front of its views.
"""

from __future__ import annotations

SECRET_KEY = "crossorigin-load-not-secret"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "load.urls"
USE_TZ = True
INSTALLED_APPS = ["crossorigin"]
DATABASES: dict[str, dict[str, str]] = {}
MIDDLEWARE = [
    "crossorigin.middleware.CorsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.common.CommonMiddleware",
]
LOGGING_CONFIG = None

CORS_ALLOWED_ORIGINS = ["https://app.example.com", "https://*.example.org"]
CORS_ALLOWED_ORIGIN_REGEXES = [r"^https://[a-z]+\.example\.net$"]
CORS_ALLOW_CREDENTIALS = True
CORS_EXPOSE_HEADERS = ["x-load-case"]
CORS_PREFLIGHT_MAX_AGE = 600
CORS_URLS_REGEX = r"^/api/"
# Lax cookies are fine here: the load test sends no cookies.
SILENCED_SYSTEM_CHECKS = ["crossorigin.W028"]
