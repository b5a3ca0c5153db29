"""Fuzz the whole middleware with arbitrary CORS request headers, method and path.

Input: newline-separated fields (latin-1): method, path, Origin,
Access-Control-Request-Method, Access-Control-Request-Headers, and a flags line. The
request goes through ``CorsMiddleware`` around a trivial view under fuzz/settings.py
(credentials, wildcards, a regex, a URL policy, decorated views in the URLconf, so
preflights resolve the fuzzed path). Checks: no exception; 'Vary: origin' on every
response of a request CORS covers (not one it is off for, such as a @cors_exempt view's,
as django-cors-headers sends none for a disabled request); a granted origin is the
request's own or '*'; '*' never with credentials.
"""

from __future__ import annotations

import sys
from io import BytesIO

import _common
import atheris

# Django imports crossorigin while it sets up, so set-up happens under instrumentation.
with atheris.instrument_imports(include=["crossorigin"]):
    _common.setup_django()
    from django.core.handlers.wsgi import WSGIRequest
    from django.http import HttpRequest, HttpResponse

    from crossorigin._http.recording import decision_for, record_decisions
    from crossorigin.middleware import CorsMiddleware

# The decision each request got, to tell a request CORS covers from one it is off for.
record_decisions()

HEADERS = ("HTTP_ORIGIN", "HTTP_ACCESS_CONTROL_REQUEST_METHOD", "HTTP_ACCESS_CONTROL_REQUEST_HEADERS")


def view(request: HttpRequest) -> HttpResponse:
    return HttpResponse("view")


MIDDLEWARE = CorsMiddleware(view)


def test_one_input(data: bytes) -> None:
    fields = data.decode("latin-1").split("\n", 5)
    fields += [""] * (6 - len(fields))
    method, path, origin, request_method, request_headers, flags = fields
    environ = {
        "REQUEST_METHOD": method[:16] or "GET",
        "PATH_INFO": "/" + path.lstrip("/"),
        "SCRIPT_NAME": "",
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "443" if "s" in flags else "80",
        "HTTP_HOST": "testserver",
        "wsgi.url_scheme": "https" if "s" in flags else "http",
        "wsgi.input": BytesIO(b""),
    }
    for name, value, flag in zip(HEADERS, (origin, request_method, request_headers), "omh", strict=True):
        if flag not in flags:
            environ[name] = value
    if "v" in flags:
        environ["HTTP_ACCESS_CONTROL_REQUEST_PRIVATE_NETWORK"] = "true"
    request = WSGIRequest(environ)
    response = MIDDLEWARE(request)
    granted = response.get("access-control-allow-origin")
    if granted is not None:
        assert granted in (origin, "*"), (origin, granted)
    if granted == "*":
        assert "access-control-allow-credentials" not in response
    if decision_for(request).enabled:
        assert "origin" in response.get("Vary", ""), response.items()


def main() -> None:
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
