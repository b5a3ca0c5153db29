"""Flood every policy with distinct origins through the real middleware; print RSS as JSON.

Run in a fresh interpreter by ``tests/test_memo_flood.py`` (``python -m tests.memo_flood
PER_POLICY``), so the memory measured is this flood's alone. 41 policies (the global one
and 40 URL policies); for each, ``PER_POLICY`` allowed actual requests, refused actual
requests and allowed preflights, each from a distinct origin of the longest length a
request may have (``ORIGIN_MAX_LENGTH``): every answer a memo could keep is a new key.
"""

from __future__ import annotations

import gc
import json
import sys
from typing import Any

import django
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import re_path

POLICIES = 41


def view(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok")


urlpatterns = [re_path(r"^", view)]


def rss_kib() -> dict[str, int]:
    """This process's resident set now (VmRSS) and at its peak (VmHWM), in KiB."""
    found = {}
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            name, _, value = line.partition(":")
            if name in {"VmRSS", "VmHWM"}:
                found[name] = int(value.split()[0])
    return found


def origin(kind: str, n: int) -> str:
    """A distinct origin of exactly ORIGIN_MAX_LENGTH characters (a 253-character host)."""
    from crossorigin._core.origins import ORIGIN_MAX_LENGTH

    first = f"{kind}{n:010d}"
    host = ".".join([first, "b" * 63, "c" * 63, "d" * 63, "e" * (253 - len(first) - 3 - 189)])
    scheme = "s" * (ORIGIN_MAX_LENGTH - len("://") - len(host) - len(":65535"))
    return f"{scheme}://{host}:65535"


def main(per_policy: int) -> dict[str, Any]:
    settings.configure(
        DEBUG=False,
        SECRET_KEY="memo-flood",
        ALLOWED_HOSTS=["*"],
        ROOT_URLCONF="tests.memo_flood",
        INSTALLED_APPS=["crossorigin"],
        MIDDLEWARE=["crossorigin.middleware.CorsMiddleware"],
        # Hosts starting with "a" are allowed, with "r" refused: both are remembered.
        CORS_ALLOWED_ORIGIN_REGEXES=[r"^s+://a[a-z0-9.]+:65535$"],
        CORS_URL_POLICIES=[(rf"^/p{i}/", {"allow_methods": ["GET", "PUT"]}) for i in range(POLICIES - 1)],
    )
    django.setup()
    from django.test import RequestFactory

    from crossorigin._core.policy import PROCESS_MEMO_BUDGET
    from crossorigin.middleware import CorsMiddleware

    middleware = CorsMiddleware(view)
    factory = RequestFactory()
    paths = [f"/p{i}/items" for i in range(POLICIES - 1)] + ["/global/items"]

    def send(path: str, origin_: str, preflight: bool) -> None:
        if preflight:
            request = factory.options(
                path,
                HTTP_ORIGIN=origin_,
                HTTP_ACCESS_CONTROL_REQUEST_METHOD="PUT",
                HTTP_ACCESS_CONTROL_REQUEST_HEADERS="content-type, authorization",
            )
        else:
            request = factory.get(path, HTTP_ORIGIN=origin_)
        middleware(request)

    for path in paths:  # warm-up: every import and compiled policy in place before measuring
        send(path, origin("a", 0), False)
    gc.collect()
    before = rss_kib()
    n = 0
    for path in paths:
        for _ in range(per_policy):
            n += 1
            send(path, origin("a", n), False)
            send(path, origin("r", n), False)
            send(path, origin("a", n), True)
    gc.collect()
    after = rss_kib()
    return {
        "requests": 3 * n,
        "policies": len(paths),
        "origin_length": len(origin("a", n)),
        "remembered": PROCESS_MEMO_BUDGET.entries(),
        "budget": PROCESS_MEMO_BUDGET.limit,
        "peak_growth_kib": after["VmHWM"] - before["VmRSS"],
        "growth_kib": after["VmRSS"] - before["VmRSS"],
    }


if __name__ == "__main__":
    print(json.dumps(main(int(sys.argv[1]))))
