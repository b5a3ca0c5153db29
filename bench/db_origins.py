"""Benchmark rows of the database-origins app (crossorigin.contrib.origins).

    python -m bench.db_origins             # 100,000 origins (about a minute)
    python -m bench.db_origins --smoke     # 2,000 origins, few rounds: checks answers only

Measured, with the rows in a real SQLite file:

- the cost of a request whose origin is allowed by the database, through
  CorsMiddleware around a trivial view, with 100,000 origins in the table against
  one origin (the issue's bound: within 1.25x); sync (``is_allowed``) and async
  (``ais_allowed``);
- the time to load and compile 100,000 origins (what each process does once per
  change), and the memory the compiled set holds.

The two sets are loaded into two stores and swapped in turn, in rounds whose order
rotates; each round times one batch of fresh requests built before the clock starts,
and the median per-round ratio is reported, so drift on a shared machine cancels out.
Writes bench/results/db_origins.json and .md.
"""

from __future__ import annotations

import argparse
import asyncio
import atexit
import gc
import json
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any

import django
from django.conf import settings

TMP = tempfile.mkdtemp(prefix="crossorigin-bench-db-")
atexit.register(shutil.rmtree, TMP, ignore_errors=True)
settings.configure(
    DEBUG=False,
    SECRET_KEY="bench",
    ALLOWED_HOSTS=["*"],
    USE_TZ=True,
    ROOT_URLCONF=__name__,
    INSTALLED_APPS=["crossorigin", "crossorigin.contrib.origins"],
    DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": os.path.join(TMP, "bench.sqlite3")}},
    CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}},
    MIDDLEWARE=["crossorigin.middleware.CorsMiddleware"],
    CORS_ALLOWED_ORIGINS=["https://static.example"],
    CORS_ORIGIN_CHECKER="crossorigin.contrib.origins.checker.is_allowed",
    # Long enough that no stamp check falls inside a timed batch.
    CORS_DB_ORIGINS_CHECK_INTERVAL=3600,
    LOGGING_CONFIG=None,
)
django.setup()

from django.core.management import call_command  # noqa: E402
from django.http import HttpRequest, HttpResponse  # noqa: E402
from django.test import RequestFactory  # noqa: E402

from crossorigin import registry  # noqa: E402
from crossorigin.contrib.origins import store as store_module  # noqa: E402
from crossorigin.contrib.origins.models import AllowedOrigin  # noqa: E402
from crossorigin.contrib.origins.store import OriginStore, load_from_database  # noqa: E402
from crossorigin.middleware import CorsMiddleware  # noqa: E402

urlpatterns: list[Any] = []
RESULTS = Path(__file__).resolve().parent / "results"
# One origin in a hundred is a subdomain wildcard, as white-label customers use them.
WILDCARD_EVERY = 100


def origin(n: int) -> str:
    return f"https://*.brand-{n}.example" if n % WILDCARD_EVERY == 1 else f"https://tenant-{n}.example"


def fill(rows: int) -> None:
    """Make the table hold exactly ``rows`` enabled origins."""
    AllowedOrigin.objects.all().delete()
    batch = 5000
    for start in range(0, rows, batch):
        AllowedOrigin.objects.bulk_create(
            [AllowedOrigin(origin=origin(n)) for n in range(start, min(rows, start + batch))], batch_size=batch
        )


def measure_load(rows: int, repeats: int) -> dict[str, float]:
    """Median seconds to load and compile the table; bytes the compiled set holds."""
    times = []
    for _ in range(repeats):
        gc.collect()
        started = time.perf_counter()
        load_from_database("bench")
        times.append(time.perf_counter() - started)
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    compiled = load_from_database("bench")
    held, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert len(compiled) == rows, (len(compiled), rows)
    return {
        "load_compile_s": statistics.median(times),
        "held_bytes": held - before,
        "peak_bytes": peak - before,
    }


def view(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


async def aview(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


def make_store(rows: int) -> OriginStore:
    fill(rows)
    store = OriginStore(store_module.read_version, 3600.0, load_from_database)
    store.get()
    return store


def timed_batch(mode: str, middleware: Any, requests: list[HttpRequest], expected: str) -> float:
    """Seconds per request for one batch; the last answer is checked."""
    if mode == "sync":
        started = time.perf_counter()
        for request in requests:
            response = middleware(request)
        elapsed = time.perf_counter() - started
    else:

        async def run() -> tuple[float, Any]:
            begin = time.perf_counter()
            last = None
            for request in requests:
                last = await middleware(request)
            return time.perf_counter() - begin, last

        elapsed, response = asyncio.run(run())
    got = response.headers.get("Access-Control-Allow-Origin")
    if got != expected:
        raise AssertionError(f"{mode}: expected {expected!r}, got {got!r}")
    return elapsed / len(requests)


def small_store(pattern: str) -> OriginStore:
    """A store holding one origin (or one pattern), as if the table had one row."""
    store = OriginStore(store_module.read_version, 3600.0, load_from_database)
    store._compiled = store_module.compile_origins([pattern], credentials=False, stamp="one")
    return store


def measure_requests(
    big: OriginStore, rows: int, probes: dict[str, tuple[str, str]], rounds: int, batch: int
) -> dict[str, Any]:
    """Per request cost with one row against ``rows`` rows, per mode and probe, interleaved by round."""
    factory = RequestFactory()
    results: dict[str, Any] = {}
    for mode, checker in (
        ("sync", "crossorigin.contrib.origins.checker.is_allowed"),
        ("async", "crossorigin.contrib.origins.checker.ais_allowed"),
    ):
        settings.CORS_ORIGIN_CHECKER = checker
        registry.reset()
        middleware = CorsMiddleware(view if mode == "sync" else aview)
        for probe, (request_origin, row) in probes.items():
            stores = {"one": small_store(row), "many": big}
            costs: dict[str, list[float]] = {"one": [], "many": []}
            ratios: list[float] = []
            for size in ("one", "many"):  # warm-up, not timed
                store_module._store = stores[size]
                timed_batch(mode, middleware, [factory.get("/api/", HTTP_ORIGIN=request_origin)], request_origin)
            for index in range(rounds):
                order = ("one", "many") if index % 2 == 0 else ("many", "one")
                for size in order:
                    store_module._store = stores[size]
                    requests = [factory.get("/api/", HTTP_ORIGIN=request_origin) for _ in range(batch)]
                    gc.disable()
                    try:
                        costs[size].append(timed_batch(mode, middleware, requests, request_origin))
                    finally:
                        gc.enable()
                ratios.append(costs["many"][-1] / costs["one"][-1])
            results[f"{mode}, {probe}"] = {
                "one_us": statistics.median(costs["one"]) * 1e6,
                "many_us": statistics.median(costs["many"]) * 1e6,
                "ratio": statistics.median(ratios),
                # The fastest batch of each: the cost with the least interference.
                "one_min_us": min(costs["one"]) * 1e6,
                "many_min_us": min(costs["many"]) * 1e6,
                "min_ratio": min(costs["many"]) / min(costs["one"]),
            }
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="few rows and rounds; checks answers")
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args(argv)
    rows = 2000 if args.smoke else args.rows
    # Many short rounds: on a shared machine a burst of other work spoils a few rounds,
    # not the median of their ratios.
    rounds, batch, repeats = (3, 50, 1) if args.smoke else (201, 200, 5)

    call_command("migrate", verbosity=0)
    big = make_store(rows)
    load = measure_load(rows, repeats)
    # (request Origin, the row that allows it); a row from the middle of the table.
    middle = rows // 2 - (rows // 2) % WILDCARD_EVERY
    probes = {
        "exact row": (origin(middle), origin(middle)),
        "wildcard row": (f"https://shop.brand-{middle + 1}.example", origin(middle + 1)),
    }
    requests = measure_requests(big, rows, probes, rounds, batch)
    figures = {
        "rows": rows,
        "load": load,
        "requests": requests,
        "python": platform.python_version(),
        "django": django.get_version(),
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
        "smoke": args.smoke,
    }
    lines = [
        f"# Database origins: {rows:,} rows (SQLite file), Python {figures['python']}, Django {figures['django']}",
        "",
        f"Load and compile {rows:,} origins: {load['load_compile_s'] * 1000:.0f} ms (median of {repeats}); "
        f"compiled set holds {load['held_bytes'] / 1e6:.1f} MB (peak while loading {load['peak_bytes'] / 1e6:.1f} MB).",
        "",
        f"| request allowed by a row (middleware + trivial view) | 1 row | {rows:,} rows | ratio, median per round "
        "| fastest batch: 1 row | fastest: {rows:,} rows | ratio of fastest |".replace("{rows:,}", f"{rows:,}"),
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for key, row in requests.items():
        lines.append(
            f"| {key} | {row['one_us']:.1f} us | {row['many_us']:.1f} us | {row['ratio']:.3f} "
            f"| {row['one_min_us']:.1f} us | {row['many_min_us']:.1f} us | {row['min_ratio']:.3f} |"
        )
    text = "\n".join(lines) + "\n"
    print(text)
    if not args.smoke:
        RESULTS.mkdir(exist_ok=True)
        (RESULTS / "db_origins.json").write_text(json.dumps(figures, indent=2) + "\n")
        (RESULTS / "db_origins.md").write_text(text)
    worst = max(row["ratio"] for row in requests.values())
    if not args.smoke and worst > 1.25:
        print(f"FAIL: a request with {rows:,} origins costs {worst:.2f}x one origin (bound 1.25x)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
