"""The docs' Channels application (tests.ws_routing) for uvicorn: Django is set up first.

``tests.ws_routing`` imports Channels' auth middleware at its top, which needs the app
registry, so this module sets Django up before importing it (the docs' example itself
calls ``get_asgi_application()`` first for the same reason).
"""

from __future__ import annotations

import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.browser.settings")
django.setup(set_prefix=False)

from tests.ws_routing import application  # noqa: E402  (after setup, see above)

__all__ = ["application"]
