"""The test project as an ASGI application, for uvicorn (scenario 13).

``tests.browser.settings`` reads the run's CORS settings from the environment.
"""

from __future__ import annotations

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.browser.settings")

application = get_asgi_application()
