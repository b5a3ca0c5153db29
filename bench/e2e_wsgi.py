"""The WSGI application gunicorn serves in the end-to-end benchmark."""

from __future__ import annotations

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.e2e_settings")
application = get_wsgi_application()
