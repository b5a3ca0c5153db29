"""Django settings for the benchmark: nothing but what a middleware needs.

Each scenario lays its ``CORS_*`` settings over these with ``override_settings``, which
both middlewares see: django-cors-headers reads settings on every request, and
django-crossorigin recompiles when ``setting_changed`` fires.
"""

from __future__ import annotations

SECRET_KEY = "crossorigin-bench-not-secret"
DEBUG = False
ALLOWED_HOSTS = ["*"]
ROOT_URLCONF = "bench.urls"
USE_TZ = True
INSTALLED_APPS: list[str] = []
MIDDLEWARE: list[str] = []
LOGGING_CONFIG = None
