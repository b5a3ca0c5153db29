"""Allowed origins kept in the database, editable in the admin, matched from memory.

Set-up: add ``"crossorigin.contrib.origins"`` to ``INSTALLED_APPS`` and set
``CORS_ORIGIN_CHECKER = "crossorigin.contrib.origins.checker.is_allowed"``
(``ais_allowed`` under ASGI). See docs/database-origins.md.
"""
