"""Settings of the demo API (served on the API origin by ``python -m demo``).

The three origins come from the environment, which ``demo/__main__.py`` fills from its
command line, so the demo runs on any ports. Read the CORS part at the bottom: it is the
configuration the page's matrix exercises, row by row.
"""

from __future__ import annotations

import os
from pathlib import Path

from crossorigin.defaults import default_headers

API_ORIGIN = os.environ.get("DEMO_API_ORIGIN", "http://127.0.0.1:8101")
FRONT_ORIGIN = os.environ.get("DEMO_FRONT_ORIGIN", "http://localhost:8102")
UNTRUSTED_ORIGIN = os.environ.get("DEMO_UNTRUSTED_ORIGIN", "http://127.0.0.1:8103")

SECRET_KEY = "demo-only-not-secret"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "demo.urls"
USE_TZ = True
TIME_ZONE = "UTC"
STATIC_URL = "/static/"
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ.get("DEMO_DATABASE", str(Path(__file__).resolve().parent / "demo.sqlite3")),
        # The page fires its requests at once, and the threaded server runs them at
        # once: the PUT's update_or_create and the session writes of /api/whoami/ meet.
        # SQLite's default (deferred) transactions then fail with "database is locked"
        # (a 500) when one must upgrade its read lock to a write lock, without waiting.
        # IMMEDIATE takes the write lock at BEGIN, so a writer waits its turn (up to
        # `timeout` seconds) instead.
        "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 20},
    }
}

INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "crossorigin",
    "demo",
]

MIDDLEWARE = [
    # First, so redirects and errors from everything below still get CORS headers.
    "crossorigin.middleware.CorsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"short": {"format": "  api  %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "short"}},
    "loggers": {
        # One line per CORS decision, with its reason code: the terminal shows what the
        # page shows.
        "crossorigin": {"handlers": ["console"], "level": "DEBUG", "propagate": False},
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
        # A server error shows its traceback in the terminal, not only a 500 in the page.
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
    },
}

# --- CORS -------------------------------------------------------------------------
# The trusted front end may read the API, with credentials (cookies) too.
CORS_ALLOWED_ORIGINS = [FRONT_ORIGIN]
CORS_ALLOW_CREDENTIALS = True
# The preflighted request sends X-Demo-Token; every other custom header is refused.
CORS_ALLOW_HEADERS = (*default_headers, "x-demo-token")
# Scripts may read this response header; any other non-safelisted one stays hidden.
CORS_EXPOSE_HEADERS = ["x-request-id"]
# Short, so edits to this file show up in the browser quickly.
CORS_PREFLIGHT_MAX_AGE = 10
# A URL policy with a wildcard: any port of http://localhost may read /api/wildcard/.
CORS_URL_POLICIES = [
    (r"^/api/wildcard/", {"allowed_origins": ["http://localhost:*"], "allow_credentials": False}),
]
# Per-view policies are in demo/views.py (@cors_policy).

# --- Cookies and CSRF, for the credentialed requests (docs/cors-vs-csrf.md) ---------
# The front end is another site (localhost vs 127.0.0.1), so the session cookie must be
# SameSite=None, hence Secure, to be sent with its fetch() calls at all. Whether the
# browser then stores and sends it is its cookie policy's decision (third-party cookie
# blocking, HTTPS), not CORS's: the credentialed row is about reading the response.
SESSION_COOKIE_SAMESITE = "None"
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SAMESITE = "None"
CSRF_COOKIE_SECURE = True
# Unsafe requests from the front end with its cookies must also pass Django's CSRF check.
CSRF_TRUSTED_ORIGINS = [FRONT_ORIGIN]
