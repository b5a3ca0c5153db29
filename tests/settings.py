"""Django settings for the test suite: the smallest project that runs the middleware."""

from __future__ import annotations

SECRET_KEY = "crossorigin-tests-not-secret"
DEBUG = False
ALLOWED_HOSTS = ["*"]
ROOT_URLCONF = "tests.urls"
USE_TZ = True
STATIC_URL = "/static/"
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"

INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.admin",
    "crossorigin",
    # The optional database-origins app (tests/contrib/); not wired to CORS_ORIGIN_CHECKER
    # here, so the rest of the suite never consults it.
    "crossorigin.contrib.origins",
]

MIDDLEWARE = [
    "crossorigin.middleware.CorsMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]

# For the admin of crossorigin.contrib.origins (tests/contrib/test_admin.py).
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]
# The database-origins app is installed but deliberately not wired (W001); tests/contrib/
# tests that check directly.
SILENCED_SYSTEM_CHECKS = ["crossorigin_origins.W001"]

CORS_ALLOWED_ORIGINS = ["https://example.com"]
