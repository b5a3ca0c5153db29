"""End to end: requests per second for a trivial view under gunicorn, over loopback, with wrk.

    python -m bench.e2e                 # 8 servers, 7 interleaved rounds of 3 s each (~3.5 minutes)
    python -m bench.e2e --rounds 7 --seconds 5

Eight gunicorn servers run side by side (one sync worker each): no CORS middleware,
django-cors-headers and django-crossorigin, each with 1 and with 1,000 allowed
origins, and for scale a pass-through middleware and the floor (sets the same two
headers unconditionally) with 1. Every server is first checked to return the expected headers; then, round
after round in rotating order, wrk loads one server at a time for a fixed time with an
allowed Origin. Medians and per-round ratios go to a table and bench/results/e2e.json.
Targets: at 1 origin ours serves at least 95% of the no-middleware throughput; at
1,000 origins at least 5x the incumbent's.

Two throughputs are recorded per run: wrk's requests per second (wall clock), and the
worker's capacity, requests per CPU-second of the gunicorn worker process (from
/proc; Linux only). On a machine shared with other work the wall-clock figure swings
with everything else that runs, while the CPU time a request costs the worker barely
moves, so the targets are judged on capacity; both are reported.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
PATH = "/api/items/"
CONFIGS = [(mw, n) for n in (1, 1000) for mw in ("none", "incumbent", "crossorigin")]
# For scale: what any middleware layer, and setting the two headers, cost in a real server.
CONFIGS += [("pass-through", 1), ("floor", 1)]


def origin_for(count: int) -> str:
    return f"https://site{count - 1}.example.org"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start(middleware: str, origins: int, port: int) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.e2e_settings",
        "CROSSORIGIN_BENCH_MIDDLEWARE": middleware,
        "CROSSORIGIN_BENCH_ORIGINS": str(origins),
    }
    gunicorn = Path(sys.executable).with_name("gunicorn")
    command = [str(gunicorn), "bench.e2e_wsgi:application", "--bind", f"127.0.0.1:{port}", "--workers", "1"]
    command += ["--log-level", "warning", "--chdir", str(ROOT)]
    return subprocess.Popen(command, env=env, cwd=ROOT, start_new_session=True)


def fetch(port: int, origin: str) -> dict[str, str]:
    request = urllib.request.Request(f"http://127.0.0.1:{port}{PATH}", headers={"Origin": origin})
    with urllib.request.urlopen(request, timeout=5) as response:
        return {k.lower(): v for k, v in response.headers.items()}


def wait_ready(port: int, origin: str, deadline: float) -> dict[str, str]:
    while True:
        try:
            return fetch(port, origin)
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def check(middleware: str, origins: int, headers: dict[str, str]) -> None:
    origin = origin_for(origins)
    if middleware in ("none", "pass-through"):
        ok = "access-control-allow-origin" not in headers
    else:
        ok = headers.get("access-control-allow-origin") == origin and headers.get("vary") == "origin"
    if not ok:
        raise SystemExit(f"{middleware} with {origins} origins answered wrong headers: {headers}")


def worker_cpu_seconds(master: int) -> float:
    """CPU time (user + system) used so far by the gunicorn master's worker processes."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for task in Path(f"/proc/{master}/task").iterdir():
        for child in (task / "children").read_text().split():
            fields = Path(f"/proc/{child}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / ticks  # utime, stime
    return total


def wrk(port: int, origins: int, seconds: int, connections: int) -> tuple[float, int]:
    """wrk's requests per second and the number of requests it completed."""
    command = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "-H", f"Origin: {origin_for(origins)}"]
    command.append(f"http://127.0.0.1:{port}{PATH}")
    out = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 30, check=True).stdout
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if errors:
        raise SystemExit(f"wrk saw {errors.group(1)} error responses:\n{out}")
    match = re.search(r"Requests/sec:\s+([\d.]+)", out)
    count = re.search(r"(\d+) requests in", out)
    if match is None or count is None:
        raise SystemExit(f"cannot read wrk's output:\n{out}")
    return float(match.group(1)), int(count.group(1))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=7, help="rounds (each loads every server once; default 7)")
    parser.add_argument("--seconds", type=int, default=3, help="wrk duration per run (default 3)")
    parser.add_argument("--connections", type=int, default=4, help="wrk connections (default 4)")
    parser.add_argument("--json", type=Path, default=RESULTS / "e2e.json")
    args = parser.parse_args(argv)
    if shutil.which("wrk") is None:
        raise SystemExit("the end-to-end benchmark needs wrk: sudo apt-get install -y wrk")

    servers: dict[tuple[str, int], tuple[subprocess.Popen[bytes], int]] = {}
    rps: dict[tuple[str, int], list[float]] = {config: [] for config in CONFIGS}
    capacity: dict[tuple[str, int], list[float]] = {config: [] for config in CONFIGS}
    try:
        for config in CONFIGS:
            port = free_port()
            servers[config] = (start(*config, port), port)
        deadline = time.monotonic() + 60
        for (middleware, origins), (_, port) in servers.items():
            check(middleware, origins, wait_ready(port, origin_for(origins), deadline))
        for (_, origins), (_, port) in servers.items():
            wrk(port, origins, 1, args.connections)  # warm-up
        for index in range(args.rounds):
            order = CONFIGS[index % len(CONFIGS) :] + CONFIGS[: index % len(CONFIGS)]
            for config in order:
                process, port = servers[config]
                cpu = worker_cpu_seconds(process.pid)
                value, count = wrk(port, config[1], args.seconds, args.connections)
                cpu = worker_cpu_seconds(process.pid) - cpu
                rps[config].append(value)
                capacity[config].append(count / cpu if cpu > 0 else float("nan"))
                print(
                    f"round {index + 1}: {config[0]:>12} {config[1]:>5} origins: {value:7.0f} req/s, "
                    f"{capacity[config][-1]:7.0f} req per worker CPU-second",
                    flush=True,
                )
        for (middleware, origins), (_, port) in servers.items():
            check(middleware, origins, fetch(port, origin_for(origins)))
    finally:
        for process, _ in servers.values():
            os.killpg(process.pid, signal.SIGTERM)
        for process, _ in servers.values():
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)

    def per_round(series: dict[tuple[str, int], list[float]], top: tuple[str, int], bottom: tuple[str, int]) -> float:
        return statistics.median(a / b for a, b in zip(series[top], series[bottom], strict=True))

    targets: list[dict[str, Any]] = []
    for label, series in (("capacity", capacity), ("wall-clock req/s", rps)):
        targets.append(
            {
                "name": f"1 origin: ours / none, {label}",
                "value": per_round(series, ("crossorigin", 1), ("none", 1)),
                "limit": ">= 0.95",
            }
        )
        targets.append(
            {
                "name": f"1,000 origins: ours / incumbent, {label}",
                "value": per_round(series, ("crossorigin", 1000), ("incumbent", 1000)),
                "limit": ">= 5",
            }
        )
    for target in targets:
        target["ok"] = target["value"] >= float(target["limit"].split()[1])
        target["judged"] = "capacity" in target["name"]
    lines = [
        "| origins | measure | none | django-cors-headers | crossorigin | ours / none | ours / incumbent |",
        "|---:|---|---:|---:|---:|---:|---:|",
    ]
    for origins in (1, 1000):
        for label, series in (("req per worker CPU-second", capacity), ("wall-clock req/s", rps)):
            med = {mw: statistics.median(series[(mw, origins)]) for mw in ("none", "incumbent", "crossorigin")}
            vs_none = per_round(series, ("crossorigin", origins), ("none", origins))
            vs_inc = per_round(series, ("crossorigin", origins), ("incumbent", origins))
            lines.append(
                f"| {origins:,} | {label} | {med['none']:,.0f} | {med['incumbent']:,.0f} | {med['crossorigin']:,.0f} "
                f"| {vs_none:.3f}x | {vs_inc:.2f}x |"
            )
    lines += ["", "| 1 origin, req per worker CPU-second | median | / none (per round) |", "|---|---:|---:|"]
    for mw in ("none", "pass-through", "floor", "crossorigin", "incumbent"):
        ratio = per_round(capacity, (mw, 1), ("none", 1))
        lines.append(f"| {mw} | {statistics.median(capacity[(mw, 1)]):,.0f} | {ratio:.3f}x |")
    table = "\n".join(lines)
    print()
    print(table)
    for target in targets:
        verdict = ("PASS" if target["ok"] else "FAIL") if target["judged"] else "info"
        print(f"{verdict}  {target['name']}: {target['value']:.3f} (target {target['limit']})")
    from bench.run import machine  # here: importing it sets Django up, needed only for the record

    result: dict[str, Any] = {
        "machine": machine(),
        "settings": {"rounds": args.rounds, "seconds": args.seconds, "connections": args.connections, "workers": 1},
        "requests_per_second": {f"{mw}/{n}": values for (mw, n), values in rps.items()},
        "requests_per_worker_cpu_second": {f"{mw}/{n}": values for (mw, n), values in capacity.items()},
        "targets": targets,
        "table": table,
    }
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(result, indent=1))
    args.json.with_suffix(".md").write_text(table + "\n")
    print(f"wrote {args.json}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
