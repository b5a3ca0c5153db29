"""Settings of the two test servers: one SQLite file and one Redis cache, both shared.

The paths come from the environment the test sets: ``CROSSORIGIN_TEST_DB``,
``CROSSORIGIN_TEST_REDIS`` and ``CROSSORIGIN_TEST_CHECKER``.
"""

from __future__ import annotations

import os

from tests.settings import *  # noqa: F403

DEBUG = False
ROOT_URLCONF = "tests.contrib.urls"
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ["CROSSORIGIN_TEST_DB"],
        "OPTIONS": {"timeout": 20},
    }
}
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": os.environ["CROSSORIGIN_TEST_REDIS"],
    }
}
CORS_ORIGIN_CHECKER = os.environ.get("CROSSORIGIN_TEST_CHECKER", "crossorigin.contrib.origins.checker.is_allowed")
CORS_DB_ORIGINS_CHECK_INTERVAL = float(os.environ.get("CROSSORIGIN_TEST_INTERVAL", "1"))
SILENCED_SYSTEM_CHECKS: list[str] = []
