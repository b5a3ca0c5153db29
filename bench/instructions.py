"""Instruction counts per call under callgrind: a stable comparison on a busy machine.

    python -m bench.instructions "allowed origin" [sync|async] [calls]

Timing on a shared machine drifts; instruction counts do not (a run takes about
15 s of CPU). The command re-runs itself under ``valgrind --tool=callgrind``; there
each variant serves the same number of calls after a warm-up, and ``zlib.crc32`` is
called between variants only so that callgrind dumps a profile part there
(``--dump-before``). The report divides each part's instructions by the calls and
subtracts the no-middleware part. Needs valgrind (``apt-get install valgrind``).
"""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import sys
import tempfile
import zlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bench.variants import INCUMBENT

READS_VARY = "floor+vary-read"
READS_VARY_HOOK = "floor+vary-read+hook"

if TYPE_CHECKING:
    from bench.scenarios import Scenario

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")


def measure(name: str, mode: str, calls: int) -> None:
    import django

    django.setup()
    from django.test.utils import override_settings

    from bench.run import check
    from bench.scenarios import scenarios
    from bench.variants import (
        FLOOR,
        VARIANTS,
        FloorReadingVary,
        FloorReadingVaryWithHook,
        build_chain,
        factories,
    )

    scenario = next(s for s in scenarios() if s.name == name)
    loop = asyncio.new_event_loop()
    with override_settings(**scenario.settings):
        make = scenario.request_factory()
        built = factories(scenario.floor_headers, scenario.preflight)
        names = [v for v in VARIANTS if v not in skipped(scenario)]
        if not scenario.preflight:
            # References: the floor plus what a correct middleware cannot avoid.
            headers = scenario.floor_headers
            built[READS_VARY] = lambda get_response: FloorReadingVary(get_response, headers)
            built[READS_VARY_HOOK] = lambda get_response: FloorReadingVaryWithHook(get_response, headers)
            names[names.index(FLOOR) + 1 : names.index(FLOOR) + 1] = [READS_VARY, READS_VARY_HOOK]
        the_view = scenario.view(mode == "async")  # the @cors_policy view of "view policy"
        for variant in names:
            chain = build_chain(built[variant], mode == "async", the_view)
            requests: list[Any] = [make() for _ in range(calls + 20)]

            async def run_async(batch: list[object], chain: object = chain) -> object:
                response = None
                for request in batch:
                    response = await chain(request)  # type: ignore[operator]
                return response

            def run(batch: list[object], chain: object = chain) -> object:
                if mode == "async":
                    return loop.run_until_complete(run_async(batch))
                response = None
                for request in batch:
                    response = chain(request)  # type: ignore[operator]
                return response

            expected_as = FLOOR if variant in (READS_VARY, READS_VARY_HOOK) else variant
            check(scenario, expected_as, mode, run(requests[:20]))  # type: ignore[arg-type]
            zlib.crc32(variant.encode())  # callgrind dumps the part before this variant
            run(requests[20:])
            zlib.crc32(b"end")
        print(" ".join(names))


def skipped(scenario: Scenario) -> set[str]:
    """Variants left out: the scenario's own, and the incumbent where it would take minutes."""
    left_out = set(scenario.skip)
    if scenario.family and scenario.family[0] == "exact" and scenario.family[1] >= 1000:
        left_out.add(INCUMBENT)  # tens of ms per call natively, ~50x that under callgrind
    return left_out


def report(prefix: str, calls: int, variants: list[str]) -> None:
    parts = sorted(Path(prefix).parent.glob(Path(prefix).name + ".*"), key=lambda p: int(p.name.rsplit(".", 1)[1]))
    totals = []
    for part in parts:
        match = re.search(r"^summary: (\d+)", part.read_text(errors="replace"), re.M)
        totals.append(int(match.group(1)) if match else 0)
    # Parts: [setup..first variant], then per variant: [its calls], [check of next ...].
    measured = totals[1::2][: len(variants)]
    base = measured[0] / calls
    for variant, total in zip(variants, measured, strict=False):
        print(f"{variant:>22}: {total / calls:10.0f} instructions/call  (+{total / calls - base:8.0f})")


def main(argv: list[str]) -> None:
    if argv and argv[0] == "--report":  # python -m bench.instructions --report <prefix> <calls> <a,b,...>
        report(argv[1], int(argv[2]), argv[3].split(","))
        return
    name = argv[0] if argv else "allowed origin"
    mode = argv[1] if len(argv) > 1 else "sync"
    calls = int(argv[2]) if len(argv) > 2 else 1000
    if os.environ.get("CROSSORIGIN_UNDER_CALLGRIND"):
        measure(name, mode, calls)
        return
    with tempfile.TemporaryDirectory() as tmp:
        out = f"{tmp}/cg"
        command = ["valgrind", "--tool=callgrind", "--dump-before=zlib_crc32", f"--callgrind-out-file={out}"]
        command += [sys.executable, "-m", "bench.instructions", name, mode, str(calls)]
        done = subprocess.run(
            command, check=False, env={**os.environ, "CROSSORIGIN_UNDER_CALLGRIND": "1"}, capture_output=True, text=True
        )
        if done.returncode:
            raise SystemExit(done.stderr[-3000:])
        variants = done.stdout.split()
        print(f"{name} [{mode}], {calls} calls per variant:")
        report(out, calls, variants)


if __name__ == "__main__":
    main(sys.argv[1:])
