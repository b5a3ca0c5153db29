"""Names of the CORS headers, as the middleware writes and reads them, and the
middleware paths the checks and explain look for in ``settings.MIDDLEWARE``.

Header names are lower-case like django-cors-headers' constants, so code that imported
those keeps working; Django compares header names case-insensitively.
"""

from typing import Final

ACCESS_CONTROL_ALLOW_ORIGIN: Final = "access-control-allow-origin"
ACCESS_CONTROL_ALLOW_CREDENTIALS: Final = "access-control-allow-credentials"
ACCESS_CONTROL_ALLOW_HEADERS: Final = "access-control-allow-headers"
ACCESS_CONTROL_ALLOW_METHODS: Final = "access-control-allow-methods"
ACCESS_CONTROL_EXPOSE_HEADERS: Final = "access-control-expose-headers"
ACCESS_CONTROL_MAX_AGE: Final = "access-control-max-age"
ACCESS_CONTROL_ALLOW_PRIVATE_NETWORK: Final = "access-control-allow-private-network"
ACCESS_CONTROL_REQUEST_PRIVATE_NETWORK: Final = "access-control-request-private-network"

# The same request headers as keys of a WSGI/ASGI ``request.META``.
META_ORIGIN: Final = "HTTP_ORIGIN"
META_REFERER: Final = "HTTP_REFERER"
META_REQUEST_METHOD: Final = "HTTP_ACCESS_CONTROL_REQUEST_METHOD"
META_REQUEST_HEADERS: Final = "HTTP_ACCESS_CONTROL_REQUEST_HEADERS"
META_REQUEST_PRIVATE_NETWORK: Final = "HTTP_ACCESS_CONTROL_REQUEST_PRIVATE_NETWORK"

# Dotted paths as they are written in settings.MIDDLEWARE.
CORS_MIDDLEWARE: Final = "crossorigin.middleware.CorsMiddleware"
POST_CSRF_MIDDLEWARE: Final = "crossorigin.middleware.CorsPostCsrfMiddleware"
CSRF_MIDDLEWARE: Final = "django.middleware.csrf.CsrfViewMiddleware"
