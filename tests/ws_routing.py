"""A Channels project's ASGI application: the example of docs/websockets.md, run as written.

``application`` (and ``EchoConsumer``, ``websocket_urlpatterns``) come from the
``<!-- asgi-example -->`` code block of the page, so the documented example is what the
unit tests and the browser tests (under uvicorn) serve. The names below it are the
variants the tests point ``ASGI_APPLICATION`` at.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Final

from channels.auth import AuthMiddlewareStack
from channels.routing import ProtocolTypeRouter, URLRouter
from django.urls import re_path

from crossorigin.channels import CorsOriginValidator

PAGE: Final = Path(__file__).resolve().parents[1] / "docs" / "websockets.md"


def documented_example() -> str:
    """The Python code block that follows ``<!-- asgi-example -->`` on docs/websockets.md."""
    found = re.search(r"<!-- asgi-example -->\n```python\n(.*?)```", PAGE.read_text(), re.DOTALL)
    assert found, f"no asgi-example block on {PAGE}"
    return found.group(1)


_example: dict[str, Any] = {"__name__": __name__}
exec(compile(documented_example(), str(PAGE), "exec"), _example)
EchoConsumer: Any = _example["EchoConsumer"]
websocket_urlpatterns: list[Any] = _example["websocket_urlpatterns"]
application: Any = _example["application"]

# A socket that does not authenticate by cookie (no session or auth middleware).
cookieless = ProtocolTypeRouter({"websocket": CorsOriginValidator(URLRouter(websocket_urlpatterns))})

# The cookie middleware around the validator rather than inside it.
stack_outside = ProtocolTypeRouter(
    {"websocket": AuthMiddlewareStack(CorsOriginValidator(URLRouter(websocket_urlpatterns)))}
)

# A re_path() route: its paths cannot be written out, so the checks assume any path.
regex_routes = ProtocolTypeRouter(
    {
        "websocket": CorsOriginValidator(
            AuthMiddlewareStack(URLRouter([re_path(r"^ws/(?P<room>\w+)/$", EchoConsumer.as_asgi())]))
        )
    }
)
