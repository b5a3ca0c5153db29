"""The browser suite's Django settings: the test project plus a recording middleware.

In the pytest process these values are applied per test through pytest-django's
``settings`` fixture (``BROWSER_SETTINGS``), because the in-process API server shares
the process's settings object. A server started as a subprocess (uvicorn, scenario 13)
cannot see that fixture, so this module is also a complete settings module: point
``DJANGO_SETTINGS_MODULE`` at it and pass the CORS settings of the run as a JSON object
in the ``CROSSORIGIN_BROWSER_SETTINGS`` environment variable.

No CORS setting is inherited: every test states the settings it needs, so a test that
forgets one fails closed (nothing is allowed) instead of passing by accident.
"""

from __future__ import annotations

import json
import os
from typing import Any

from tests.settings import *  # noqa: F403  (the test project, then the browser's changes)
from tests.settings import MIDDLEWARE as _PROJECT_MIDDLEWARE

RECORDING_MIDDLEWARE = "tests.browser.recording.RecordingMiddleware"

BROWSER_SETTINGS: dict[str, Any] = {
    "ROOT_URLCONF": "tests.browser.urls",
    # Above CorsMiddleware, so it sees every request (preflights included) and every
    # response as it leaves the site, CORS headers and all.
    "MIDDLEWARE": [RECORDING_MIDDLEWARE, *_PROJECT_MIDDLEWARE],
    # Sessions in a signed cookie: the servers never need the database, so no test
    # has to give them access to pytest-django's test database.
    "SESSION_ENGINE": "django.contrib.sessions.backends.signed_cookies",
    "APPEND_SLASH": True,
    "CSRF_TRUSTED_ORIGINS": [],
}

globals().update(BROWSER_SETTINGS)
for _name in [name for name in globals() if name.startswith("CORS_")]:
    del globals()[_name]
globals().update(json.loads(os.environ.get("CROSSORIGIN_BROWSER_SETTINGS") or "{}"))
