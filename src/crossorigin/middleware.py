"""The middleware, at the path django-cors-headers used (``corsheaders.middleware``).

The public names of ``crossorigin.middleware``; the implementation lives in ``crossorigin._http.middleware``. See docs/api.md.
"""

from __future__ import annotations

from crossorigin._core.constants import (
    ACCESS_CONTROL_ALLOW_CREDENTIALS,
    ACCESS_CONTROL_ALLOW_HEADERS,
    ACCESS_CONTROL_ALLOW_METHODS,
    ACCESS_CONTROL_ALLOW_ORIGIN,
    ACCESS_CONTROL_ALLOW_PRIVATE_NETWORK,
    ACCESS_CONTROL_EXPOSE_HEADERS,
    ACCESS_CONTROL_MAX_AGE,
    ACCESS_CONTROL_REQUEST_PRIVATE_NETWORK,
)
from crossorigin._http.middleware import (
    CorsMiddleware,
    CorsPostCsrfMiddleware,
)

# Named by the path projects list in MIDDLEWARE (repr, error pages, the subclass check).
CorsMiddleware.__module__ = CorsPostCsrfMiddleware.__module__ = __name__

__all__ = [
    "ACCESS_CONTROL_ALLOW_CREDENTIALS",
    "ACCESS_CONTROL_ALLOW_HEADERS",
    "ACCESS_CONTROL_ALLOW_METHODS",
    "ACCESS_CONTROL_ALLOW_ORIGIN",
    "ACCESS_CONTROL_ALLOW_PRIVATE_NETWORK",
    "ACCESS_CONTROL_EXPOSE_HEADERS",
    "ACCESS_CONTROL_MAX_AGE",
    "ACCESS_CONTROL_REQUEST_PRIVATE_NETWORK",
    "CorsMiddleware",
    "CorsPostCsrfMiddleware",
]
