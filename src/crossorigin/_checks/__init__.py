"""Start-up checks: Django system checks over the compiled CORS settings.

Nothing on the request path imports this package. ``startup`` registers the Django
checks; ``security`` and ``site`` find the risky configurations; ``regex_lint`` and
``public_suffix`` are their helpers; ``views`` walks the URLconf for decorated views;
``subclasses`` finds middleware subclasses whose django-cors-headers overrides never run;
``websockets`` checks the WebSocket routes of ``ASGI_APPLICATION``.
Django finds the checks through ``crossorigin.apps``, which imports this package.
"""

from __future__ import annotations

from .startup import ANSWERING_MIDDLEWARE, check_middleware, check_settings, middleware_problems, to_message
from .subclasses import check_middleware_subclasses, subclass_problems
from .views import decorated_views
from .websockets import check_websockets, websocket_problems

__all__ = [
    "ANSWERING_MIDDLEWARE",
    "check_middleware",
    "check_middleware_subclasses",
    "check_settings",
    "check_websockets",
    "decorated_views",
    "middleware_problems",
    "subclass_problems",
    "to_message",
    "websocket_problems",
]
