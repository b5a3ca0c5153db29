"""The micro benchmark: every variant around a trivial view, interleaved, in one process.

    python -m bench.run            # the full run (a few minutes), writes bench/results/
    python -m bench.run --smoke    # a few rounds: checks every answer, times nothing seriously

Per scenario and mode (sync, async) the variants run in rounds, A B C D E, the order
rotating each round. In a round each variant serves one batch of fresh requests, built
before the clock starts; the batch time over its size is that round's cost per call.
"Added" is a variant's cost minus the no-middleware cost of the same round, and ratios
are taken per round, then their median reported, so drift from a shared machine
cancels out. The last response of every batch is checked against the expected headers.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

import django

django.setup()

from django.http.response import HttpResponseBase  # noqa: E402
from django.test.utils import override_settings  # noqa: E402

from bench.scenarios import Scenario, scenarios  # noqa: E402
from bench.targets import evaluate  # noqa: E402
from bench.variants import FLOOR, INCUMBENT, NONE, OURS, PASS_THROUGH, VARIANTS, build_chain, factories  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results"
CHECKED = (FLOOR, INCUMBENT, OURS)  # the variants that must return the expected headers


class WrongAnswer(AssertionError):
    """A variant returned headers other than the expected ones."""


def cors_headers(response: HttpResponseBase) -> dict[str, str]:
    """A response's headers, lower-cased names, without Content-Type (the view sets it)."""
    return {name.lower(): value for name, value in response.items() if name.lower() != "content-type"}


def check(scenario: Scenario, variant: str, mode: str, response: HttpResponseBase) -> None:
    """Raise WrongAnswer unless the response carries exactly the expected headers."""
    expected = dict(scenario.expected) if variant in CHECKED else {}
    got = cors_headers(response)
    if got != expected or response.status_code != 200:
        raise WrongAnswer(
            f"{scenario.name} [{mode}] {variant}: status {response.status_code}, headers {got}, expected {expected}"
        )


@dataclass
class Series:
    """One variant's measurements in one scenario and mode."""

    batch: int
    per_call_ns: list[float] = field(default_factory=list)


def timed_sync(handler: Callable[[Any], Any], requests: Sequence[Any]) -> tuple[float, Any]:
    gc.disable()
    start = time.perf_counter_ns()
    for request in requests:
        response = handler(request)
    elapsed = time.perf_counter_ns() - start
    gc.enable()
    return elapsed / len(requests), response


def timed_async(
    loop: asyncio.AbstractEventLoop, handler: Callable[[Any], Any], requests: Sequence[Any]
) -> tuple[float, Any]:
    async def run() -> tuple[float, Any]:
        gc.disable()
        start = time.perf_counter_ns()
        for request in requests:
            response = await handler(request)
        elapsed = time.perf_counter_ns() - start
        gc.enable()
        return elapsed / len(requests), response

    return loop.run_until_complete(run())


def run_scenario(
    scenario: Scenario,
    mode: str,
    *,
    rounds: int,
    batch_ns: float,
    max_batch: int,
    budget_s: float,
    loop: asyncio.AbstractEventLoop,
    calibration: int = 10,
) -> dict[str, Any]:
    """Measure one scenario in one mode; returns its JSON record."""
    is_async = mode == "async"
    make = scenario.request_factory()
    variants = [v for v in VARIANTS if v not in scenario.skip]
    the_view = scenario.view(is_async)
    chains = {
        name: build_chain(factory, is_async, the_view)
        for name, factory in factories(scenario.floor_headers, scenario.preflight).items()
        if name in variants
    }

    def call(name: str, requests: Sequence[Any]) -> tuple[float, Any]:
        if is_async:
            return timed_async(loop, chains[name], requests)
        return timed_sync(chains[name], requests)

    # Warm up (compiles our policy, fills caches) and check every variant's answer; the
    # cost per call, for sizing batches, is the best of three small batches, so that one
    # hiccup of a shared machine cannot shrink a variant's batches to a single call.
    cost: dict[str, float] = {}
    for name in variants:
        call(name, [make() for _ in range(3)])
        samples = []
        for _ in range(3):
            per_call, response = call(name, [make() for _ in range(calibration)])
            check(scenario, name, mode, response)
            samples.append(per_call)
        cost[name] = min(samples)
    series = {name: Series(batch=batch_size(cost[name], batch_ns, max_batch)) for name in variants}
    per_round_s = sum(cost[n] * series[n].batch for n in variants) / 1e9
    rounds = max(min(rounds, 5), min(rounds, int(budget_s / max(per_round_s, 1e-9))))

    for index in range(rounds):
        order = variants[index % len(variants) :] + variants[: index % len(variants)]
        for name in order:
            requests = [make() for _ in range(series[name].batch)]
            per_call, response = call(name, requests)
            check(scenario, name, mode, response)
            series[name].per_call_ns.append(per_call)
            del requests, response
        gc.collect()

    base = series[NONE].per_call_ns
    added = {
        name: [value - base[i] for i, value in enumerate(series[name].per_call_ns)] for name in variants if name != NONE
    }
    record: dict[str, Any] = {
        "scenario": scenario.name,
        "mode": mode,
        "family": list(scenario.family) if scenario.family else None,
        "rounds": rounds,
        "skipped": dict(scenario.skip),
        "batch": {n: series[n].batch for n in variants},
        "median_ns": {n: statistics.median(series[n].per_call_ns) for n in variants},
        "median_added_ns": {n: statistics.median(values) for n, values in added.items()},
        "per_round_ns": {n: series[n].per_call_ns for n in variants},
        "ratios": {},
    }
    for other in (FLOOR, INCUMBENT):
        if other in added:
            per_round = [a / b for a, b in zip(added[OURS], added[other], strict=True) if b > 0]
            record["ratios"][f"{OURS}/{other}"] = {
                "median_per_round": statistics.median(per_round) if per_round else None,
                "of_medians": _ratio(record["median_added_ns"][OURS], record["median_added_ns"][other]),
            }
    return record


# Fast variants get at least this many calls per batch, so the clock's own cost and a
# cold first call stay small next to the batch.
MIN_BATCH = 50
MIN_BATCH_BELOW_NS = 20_000


def batch_size(cost_ns: float, batch_ns: float, max_batch: int) -> int:
    """Calls per batch for a variant costing ``cost_ns`` per call."""
    size = int(batch_ns / max(cost_ns, 1.0))
    if cost_ns < MIN_BATCH_BELOW_NS:
        size = max(size, min(MIN_BATCH, max_batch))
    return max(1, min(max_batch, size))


def _ratio(a: float, b: float) -> float | None:
    return a / b if b > 0 else None


def machine() -> dict[str, Any]:
    """What the figures were measured on."""
    cpu = platform.processor()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "cpu": cpu,
        "cpus": os.cpu_count(),
        "load_average": list(os.getloadavg()) if hasattr(os, "getloadavg") else None,
        "platform": platform.platform(),
        "python": sys.version.split()[0],
        "implementation": platform.python_implementation(),
        "versions": {pkg: version(pkg) for pkg in ("Django", "django-cors-headers", "django-crossorigin")},
    }


def us(ns: float | None) -> str:
    return "-" if ns is None else f"{ns / 1000:.2f}"


def ratio_text(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}x"


def table(records: Sequence[dict[str, Any]]) -> str:
    """A Markdown table of the median added time per call, in microseconds."""
    lines = [
        "| scenario | mode | none (us/call) | pass-through | floor | django-cors-headers | crossorigin "
        "| ours/floor | ours/incumbent |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for rec in records:
        added = rec["median_added_ns"]
        ratios = rec["ratios"]
        inc = us(added.get(INCUMBENT)) if INCUMBENT in added else "n/a"
        lines.append(
            f"| {rec['scenario']} | {rec['mode']} | {us(rec['median_ns'][NONE])} | +{us(added[PASS_THROUGH])} "
            f"| +{us(added[FLOOR])} | {'+' + inc if inc != 'n/a' else inc} | +{us(added[OURS])} "
            f"| {ratio_text(ratios.get(f'{OURS}/{FLOOR}', {}).get('median_per_round'))} "
            f"| {ratio_text(ratios.get(f'{OURS}/{INCUMBENT}', {}).get('median_per_round'))} |"
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=61, help="rounds per scenario and mode (default 61)")
    parser.add_argument("--batch-ms", type=float, default=1.5, help="target time of one batch (default 1.5 ms)")
    parser.add_argument("--max-batch", type=int, default=400, help="most calls in one batch")
    parser.add_argument("--budget", type=float, default=8.0, help="seconds one scenario and mode may take")
    parser.add_argument("--only", action="append", default=[], help="run scenarios whose name contains this")
    parser.add_argument("--mode", choices=("sync", "async", "both"), default="both")
    parser.add_argument("--smoke", action="store_true", help="3 rounds of small batches: correctness, not speed")
    parser.add_argument("--json", type=Path, default=None, help="where to write the results (default bench/results/)")
    args = parser.parse_args(argv)
    if args.smoke:
        args.rounds, args.batch_ms, args.max_batch, args.budget = 3, 0.05, 5, 0.5

    chosen = [s for s in scenarios() if not args.only or any(word in s.name for word in args.only)]
    modes = ["sync", "async"] if args.mode == "both" else [args.mode]
    loop = asyncio.new_event_loop()
    records = []
    started = time.time()
    for scenario in chosen:
        with override_settings(**scenario.settings):
            for mode in modes:
                record = run_scenario(
                    scenario,
                    mode,
                    rounds=args.rounds,
                    batch_ns=args.batch_ms * 1e6,
                    max_batch=args.max_batch,
                    budget_s=args.budget,
                    loop=loop,
                    calibration=2 if args.smoke else 10,
                )
                records.append(record)
                print(
                    f"{scenario.name:>28} {mode:>5}: ours +{us(record['median_added_ns'][OURS])} us, "
                    f"floor +{us(record['median_added_ns'][FLOOR])} us, incumbent "
                    f"{'+' + us(record['median_added_ns'][INCUMBENT]) if INCUMBENT in record['median_added_ns'] else 'n/a'}"
                    f" us  ({record['rounds']} rounds)",
                    flush=True,
                )
    loop.close()
    targets = evaluate(records)
    result: dict[str, Any] = {
        "machine": machine(),
        "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(started)),
        "seconds": round(time.time() - started, 1),
        "settings": {k: getattr(args, k) for k in ("rounds", "batch_ms", "max_batch", "budget", "smoke")},
        "scenarios": records,
        "targets": targets,
    }
    print()
    print(table(records))
    print()
    if args.smoke:
        print("smoke run: every answer was checked; the timing targets are not judged on so few rounds")
        targets = []
    for target in targets:
        if "raw" in target:
            target["name"] += f" (raw, not drift-corrected: {ratio_text(target['raw'])})"
        print(
            f"{'PASS' if target['ok'] else 'FAIL'}  {target['name']}: {ratio_text(target['value'])} (limit {target['limit']}x)"
        )
    info = result["machine"]
    print(
        f"\n{info['cpu']}, {info['cpus']} CPUs, load {info['load_average']}, Python {info['python']}, {info['versions']}"
    )
    path = args.json or RESULTS / ("smoke.json" if args.smoke else "micro.json")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(result, indent=1))
    (path.with_suffix(".md")).write_text(table(records) + "\n")
    print(f"wrote {path} and {path.with_suffix('.md')} in {result['seconds']} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
