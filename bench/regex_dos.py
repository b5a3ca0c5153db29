"""Regex denial of service (issue 13, item 3): the worst request cost with hostile input.

    python -m bench.regex_dos            # crossorigin through its middleware, plus Python's re alone
    python -m bench.regex_dos --no-re    # skip the (slow) Python re baseline

The patterns are the issue's: an origin regex and a CORS_URLS_REGEX that backtrack
exponentially under Python's ``re``. Each hostile request (an Origin of the longest accepted length, an
8 KB path, and shorter steps up to them) goes through ``CorsMiddleware`` around a
trivial view; the worst CPU time over the repeats is reported and must stay under 10 ms.
The baseline times Python's ``re`` on the same kind of input, at lengths short enough
to finish (it doubles with each added character).

Issue 21 item 5 adds configurations that are slow for RE2's automaton rather than for
backtracking: 200 per-customer subdomain regexes plus three of the shape
``[a-z]*a[a-z]{20}`` (every character of a random Origin is a new automaton state), and
the worst list the settings accept (patterns of that shape up to TOTAL_PROGRAM_BUDGET
instructions). Their hostile Origins are random letters of the longest length the
middleware accepts (ORIGIN_MAX_LENGTH), each one different.
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import re
import sys
import time
from collections.abc import Callable

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

import django

django.setup()

from django.http import HttpRequest, HttpResponse  # noqa: E402
from django.test import RequestFactory  # noqa: E402
from django.test.utils import override_settings  # noqa: E402

from crossorigin._core.linear_regex import TOTAL_PROGRAM_BUDGET, compile_linear  # noqa: E402
from crossorigin._core.origins import ORIGIN_MAX_LENGTH  # noqa: E402
from crossorigin.middleware import CorsMiddleware  # noqa: E402

ORIGIN_PATTERN = r"^https://([a-z0-9]+-?)+\.example\.com$"
PATH_PATTERN = r"^/api/([a-z0-9]+/?)+$"
LIMIT_SECONDS = 0.010
REPEATS = 50
# Issue 21: one regex per customer, and three whose automaton has a state per 21-letter window.
CUSTOMER_PATTERNS = [rf"^https://([a-z0-9-]+\.)*customer{i}\.example\.com$" for i in range(200)]
WINDOW_PATTERNS = [rf"^https://[a-z]*{letter}[a-z]{{20}}\.example\.com$" for letter in "abc"]


def worst_accepted_list() -> list[str]:
    """Window-shaped patterns, as many as the settings accept (up to TOTAL_PROGRAM_BUDGET)."""
    patterns: list[str] = []
    total = 0
    for first in "abcdefghijklmnopqrstuvwxyz":
        for second in "abcdefghijklmnopqrstuvwxyz":
            source = rf"^https://[a-z]*{first}{second}[a-z]{{20}}\.example\.com$"
            size = compile_linear(re.compile(source)).program_size
            if total + size > TOTAL_PROGRAM_BUDGET:
                return patterns
            patterns.append(source)
            total += size
    return patterns


def random_origin(length: int, variant: int) -> str:
    """A well-formed Origin of ``length`` characters: random letters, different per variant."""
    letters = random.Random(variant)
    body = "".join(letters.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(length - len("https://.example.org")))
    return f"https://{body}.example.org"


def hostile_origin(length: int, variant: int = 0) -> str:
    """A well-formed Origin of ``length`` characters that the origin pattern backtracks on.

    Each ``variant`` differs in one letter, so no answer the middleware remembers is reused.
    """
    body = "a" * (length - len("https://") - len(".example.org"))
    body = f"{body[:-2]}{chr(97 + variant % 26)}{chr(97 + variant // 26 % 26)}"
    return "https://" + body + ".example.org"


def hostile_path(length: int, variant: int = 0) -> str:
    """A path of ``length`` characters that the path pattern backtracks on (one letter per variant)."""
    body = "a" * (length - len("/api/") - 3) + chr(97 + variant % 26) + chr(97 + variant // 26 % 26)
    return "/api/" + body + "!"


def _view(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok")


def worst(call: Callable[[int], object]) -> float:
    """The slowest of REPEATS calls after one warm-up call, in CPU seconds of this thread.

    CPU time, not wall time: on a shared machine the scheduler can stall any request for
    tens of milliseconds, which says nothing about what the request costs. GC is paused,
    as in the micro benchmark.
    """
    call(REPEATS)  # the first request compiles the policies and RE2 builds its automaton lazily
    slowest = 0.0
    gc.disable()
    try:
        for variant in range(REPEATS):
            start = time.thread_time()
            call(variant)
            slowest = max(slowest, time.thread_time() - start)
    finally:
        gc.enable()
    return slowest


def through_middleware() -> list[tuple[str, int, float]]:
    """Worst time per request through CorsMiddleware, per hostile input."""
    factory = RequestFactory()
    rows = []
    settings = {"CORS_ALLOWED_ORIGIN_REGEXES": [ORIGIN_PATTERN], "CORS_URLS_REGEX": PATH_PATTERN}
    with override_settings(**settings):
        middleware = CorsMiddleware(_view)
        for length in (44, 128, ORIGIN_MAX_LENGTH):  # longer ones are refused before any regex
            origins = [hostile_origin(length, variant) for variant in range(REPEATS + 1)]
            requests = [factory.get("/api/items/", HTTP_ORIGIN=origin) for origin in origins]
            rows.append(("origin", length, worst(lambda i, requests=requests: middleware(requests[i]))))
        for length in (30, 1024, 8192):
            paths = [hostile_path(length, variant) for variant in range(REPEATS + 1)]
            requests = [factory.get(path, HTTP_ORIGIN="https://a.example.com") for path in paths]
            rows.append(("path", length, worst(lambda i, requests=requests: middleware(requests[i]))))
    return rows


def automaton_cases() -> list[tuple[str, int, float]]:
    """Worst time per request for the configurations that are slow for RE2's automaton."""
    factory = RequestFactory()
    rows = []
    cases = [
        ("200+3 regexes", CUSTOMER_PATTERNS + WINDOW_PATTERNS),
        (f"{len(worst_accepted_list())} windows", worst_accepted_list()),
    ]
    for name, patterns in cases:
        with override_settings(CORS_ALLOWED_ORIGIN_REGEXES=patterns):
            middleware = CorsMiddleware(_view)
            origins = [random_origin(ORIGIN_MAX_LENGTH, variant) for variant in range(REPEATS + 1)]
            requests = [factory.get("/api/items/", HTTP_ORIGIN=origin) for origin in origins]
            call = lambda i, requests=requests, middleware=middleware: middleware(requests[i])  # noqa: E731
            rows.append((name, ORIGIN_MAX_LENGTH, worst(call)))
    return rows


def python_re_baseline() -> list[tuple[str, int, float]]:
    """Python's re on the same patterns, at lengths that still finish in seconds."""
    origin_re, path_re = re.compile(ORIGIN_PATTERN), re.compile(PATH_PATTERN)
    rows = []
    for length in (30, 34, 38):
        origin = hostile_origin(length)
        start = time.perf_counter()
        origin_re.fullmatch(origin)
        rows.append(("origin (re)", length, time.perf_counter() - start))
    for length in (22, 26, 30):
        path = hostile_path(length)
        start = time.perf_counter()
        path_re.match(path)
        rows.append(("path (re)", length, time.perf_counter() - start))
    return rows


def main(argv: list[str] | None = None) -> int:
    """Print the worst request times; exit 1 if any crossorigin request took 10 ms or more."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--no-re", action="store_true", help="skip the Python re baseline")
    args = parser.parse_args(argv)
    print(f"origin regex {ORIGIN_PATTERN!r}, CORS_URLS_REGEX {PATH_PATTERN!r}")
    rows = through_middleware() + automaton_cases()
    for kind, length, seconds in rows:
        print(f"crossorigin  {kind:14} {length:5} chars  worst {seconds * 1000:8.3f} ms")
    if not args.no_re:
        for kind, length, seconds in python_re_baseline():
            print(f"python re    {kind:12} {length:5} chars  one match {seconds * 1000:10.1f} ms")
    too_slow = [row for row in rows if row[2] >= LIMIT_SECONDS]
    if too_slow:
        print(f"FAIL: {len(too_slow)} request(s) at or above {LIMIT_SECONDS * 1000:.0f} ms", file=sys.stderr)
        return 1
    print(f"OK: every request under {LIMIT_SECONDS * 1000:.0f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
