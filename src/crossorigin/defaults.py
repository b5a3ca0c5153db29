"""Default allowed headers and methods, importable so settings can extend them.

Example::

    from crossorigin.defaults import default_headers
    CORS_ALLOW_HEADERS = (*default_headers, "x-api-key")
"""

# The public names (docs/api.md); everything else here is internal.
__all__ = ["default_headers", "default_methods"]


default_headers: tuple[str, ...] = (
    "accept",
    "authorization",
    "content-type",
    "user-agent",
    "x-csrftoken",
    "x-requested-with",
)

default_methods: tuple[str, ...] = (
    "DELETE",
    "GET",
    "OPTIONS",
    "PATCH",
    "POST",
    "PUT",
)
