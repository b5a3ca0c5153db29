"""Settings of the end-to-end benchmark's site, chosen by environment variables.

``CROSSORIGIN_BENCH_MIDDLEWARE``: ``none``, ``incumbent`` (django-cors-headers) or
``crossorigin``; ``CROSSORIGIN_BENCH_ORIGINS``: how many exact origins are allowed
(the request's origin is the last). Everything else is the smallest Django site.
"""

from __future__ import annotations

import os
from typing import Any

SECRET_KEY = "crossorigin-bench-not-secret"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "bench.e2e_urls"
USE_TZ = True
INSTALLED_APPS: list[str] = []
LOGGING_CONFIG = None

_MIDDLEWARE = {
    "none": [],
    "pass-through": ["bench.variants.PassThrough"],
    "floor": ["bench.e2e_settings.Floor"],
    "incumbent": ["corsheaders.middleware.CorsMiddleware"],
    "crossorigin": ["crossorigin.middleware.CorsMiddleware"],
}
MIDDLEWARE = _MIDDLEWARE[os.environ.get("CROSSORIGIN_BENCH_MIDDLEWARE", "crossorigin")]
CORS_ALLOWED_ORIGINS = [
    f"https://site{i}.example.org" for i in range(int(os.environ.get("CROSSORIGIN_BENCH_ORIGINS", "1")))
]


def Floor(get_response: Any) -> Any:  # a middleware factory, named like the class it builds
    """The floor middleware: sets the headers ours sends to the benchmark's allowed origin."""
    from bench.variants import Floor as FloorMiddleware

    origin = CORS_ALLOWED_ORIGINS[-1]
    return FloorMiddleware(get_response, (("Vary", "origin"), ("access-control-allow-origin", origin)))
