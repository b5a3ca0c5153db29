"""Load and soak test: the load app under gunicorn (WSGI) and uvicorn (ASGI), driven by wrk.

    python load/run.py                         # 60 s per server, 64 connections
    python load/run.py --duration 10           # a quick run
    python load/run.py --servers uvicorn --connections 128 --output results.json

For each server: start it on a free loopback port; check every case of load/cases.py
once; warm up with wrk; record the server's resident memory (master and workers);
run wrk for --duration with the request mix (load/mix.lua checks every response)
while a sampler thread re-checks every case, headers and all, on its own connection;
record memory again. Targets: zero wrong answers, zero errors, memory growth after
warm-up below --max-growth percent. Exits non-zero when a target is missed.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(ROOT)]

from load.cases import ALLOW_METHODS, CASES, PREFLIGHT_GRANTS, Case  # noqa: E402

BIN = Path(sys.executable).parent


def lua_string(value: str) -> str:
    """A Lua string literal for any latin-1 text (each byte outside printable ASCII escaped)."""
    out = []
    for char in value:
        code = ord(char)
        out.append(char if 32 <= code < 127 and char not in '"\\' else f"\\{code:03d}")
    return '"' + "".join(out) + '"'


def lua_cases() -> str:
    """The case table that load/mix.lua reads."""
    lines = ["CASES = {"]
    for case in CASES:
        headers = ", ".join(f"[{lua_string(k)}] = {lua_string(v)}" for k, v in case.headers.items())
        expected = ", ".join(
            f"[{lua_string(k)}] = {lua_string(v) if v is not None else 'false'}" for k, v in case.expected().items()
        )
        lines.append(
            f"  {{ name = {lua_string(case.name)}, method = {lua_string(case.method)}, path = {lua_string(case.path)}, "
            f"preflight = {str(case.preflight).lower()}, enabled = {str(case.enabled).lower()}, "
            f"headers = {{ {headers} }}, expected = {{ {expected} }} }},"
        )
    lines.append("}")
    lines.append(
        "PREFLIGHT_GRANTS = { " + ", ".join(f"[{lua_string(o)}] = true" for o in sorted(PREFLIGHT_GRANTS)) + " }"
    )
    lines.append(f"ALLOW_METHODS = {lua_string(ALLOW_METHODS)}")
    return "\n".join(lines) + "\n"


# -- checking one answer -----------------------------------------------------------------


def check_answer(case: Case, index: int, status: int, headers: dict[str, str]) -> str | None:
    """Why an answer is wrong for a case, or None when it is right."""
    if status != 200:
        return f"{case.name}: status {status}"
    for name, value in case.expected().items():
        if headers.get(name) != value:
            return f"{case.name}: {name} = {headers.get(name)!r}, expected {value!r}"
    vary = [v.strip().lower() for v in headers.get("vary", "").split(",")]
    if ("origin" in vary) != case.enabled:
        return f"{case.name}: Vary = {headers.get('vary')!r}"
    if not case.preflight and headers.get("x-load-case") != str(index):
        return f"{case.name}: the view did not answer"
    return None


def send_case(connection: http.client.HTTPConnection, case: Case, index: int) -> tuple[int, dict[str, str]]:
    headers = dict(case.headers)
    if not case.preflight:
        headers["X-Load-Case"] = str(index)
    connection.request(case.method, case.path, headers=headers)
    response = connection.getresponse()
    response.read()
    return response.status, {k.lower(): v for k, v in response.getheaders()}


class Sampler(threading.Thread):
    """Re-checks every case, all headers, on its own connection while wrk runs."""

    def __init__(self, port: int, pause: float = 0.02) -> None:
        super().__init__(daemon=True)
        self.port, self.pause = port, pause
        self.stop = threading.Event()
        self.sampled = self.wrong = self.errors = 0
        self.examples: list[str] = []

    def run(self) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        index = 0
        while not self.stop.is_set():
            case = CASES[index % len(CASES)]
            try:
                status, headers = send_case(connection, case, index % len(CASES) + 1)
            except (OSError, http.client.HTTPException) as exc:
                self.errors += 1
                self.examples.append(f"{case.name}: {exc!r}")
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            else:
                self.sampled += 1
                why = check_answer(case, index % len(CASES) + 1, status, headers)
                if why:
                    self.wrong += 1
                    self.examples.append(why)
            index += 1
            self.stop.wait(self.pause)
        connection.close()


# -- servers and memory ------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def server_command(server: str, port: int, workers: int) -> list[str]:
    if server == "gunicorn":
        return [
            str(BIN / "gunicorn"),
            "load.wsgi:application",
            f"--bind=127.0.0.1:{port}",
            f"--workers={workers}",
            "--worker-class=gthread",
            "--threads=8",
            "--log-level=warning",
        ]
    return [
        str(BIN / "uvicorn"),
        "load.asgi:application",
        "--host=127.0.0.1",
        f"--port={port}",
        f"--workers={workers}" if workers > 1 else "--lifespan=off",
        "--log-level=warning",
        "--no-access-log",
    ]


def process_tree(pid: int) -> list[int]:
    """A process and all its descendants."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        parents.setdefault(ppid, []).append(int(entry.name))
    tree, queue = [], [pid]
    while queue:
        current = queue.pop()
        tree.append(current)
        queue.extend(parents.get(current, []))
    return tree


def rss_kib(pid: int) -> int:
    """Resident memory of a process tree, in KiB."""
    total = 0
    for member in process_tree(pid):
        try:
            for line in Path(f"/proc/{member}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total


@contextmanager
def running(server: str, port: int, workers: int, log: Path) -> Iterator[subprocess.Popen[bytes]]:
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="load.settings", PYTHONPATH=str(ROOT))
    env["CROSSORIGIN_LOAD_ASYNC"] = "1" if server == "uvicorn" else "0"
    with log.open("wb") as out:
        process = subprocess.Popen(server_command(server, port, workers), cwd=ROOT, env=env, stdout=out, stderr=out)
        try:
            wait_ready(port, process)
            yield process
        finally:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def wait_ready(port: int, process: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode}")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/api/items/")
            connection.getresponse().read()
            connection.close()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("the server did not start")


def run_wrk(port: int, script: Path, seconds: int, connections: int, threads: int) -> dict[str, Any]:
    command = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{seconds}s",
        "--timeout=10s",
        "-s",
        str(script),
        f"http://127.0.0.1:{port}",
    ]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    for line in result.stdout.splitlines():
        if line.startswith("LOAD-RESULT "):
            data: dict[str, Any] = json.loads(line[len("LOAD-RESULT ") :])
            data["rps"] = data["requests"] / (data["duration_us"] / 1e6)
            return data
    raise RuntimeError(f"wrk failed: {result.stdout}\n{result.stderr}")


def run_server(server: str, args: argparse.Namespace, script: Path, scratch: Path) -> dict[str, Any]:
    port = free_port()
    log = scratch / f"{server}.log"
    with running(server, port, args.workers, log) as process:
        # Every case once, before any load: the answers are right to begin with.
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        for index, case in enumerate(CASES, 1):
            why = check_answer(case, index, *send_case(connection, case, index))
            if why:
                raise RuntimeError(f"{server}: wrong answer before load: {why}")
        connection.close()
        warm = run_wrk(port, script, args.warmup, args.connections, args.threads)
        rss_warm = rss_kib(process.pid)
        peak = [rss_warm]
        stop = threading.Event()

        def watch_memory() -> None:
            while not stop.wait(1.0):
                peak[0] = max(peak[0], rss_kib(process.pid))

        watcher = threading.Thread(target=watch_memory, daemon=True)
        sampler = Sampler(port)
        watcher.start()
        sampler.start()
        main = run_wrk(port, script, args.duration, args.connections, args.threads)
        sampler.stop.set()
        sampler.join(timeout=35)
        stop.set()
        watcher.join()
        rss_end = rss_kib(process.pid)
    errors = sum(main[k] for k in ("connect", "read", "write", "status", "timeout")) + sampler.errors
    result = {
        "server": server,
        "duration_s": args.duration,
        "connections": args.connections,
        "requests": main["requests"],
        "rps": round(main["rps"]),
        "latency_p50_ms": main["latency_p50_us"] / 1000,
        "latency_p99_ms": main["latency_p99_us"] / 1000,
        "checked": main["checked"],
        "wrong": main["wrong"],
        "first_wrong": main["first_wrong"],
        "sampled": sampler.sampled,
        "sampled_wrong": sampler.wrong,
        "sample_examples": sampler.examples[:5],
        "errors": errors,
        "warmup_requests": warm["requests"],
        "rss_after_warmup_kib": rss_warm,
        "rss_end_kib": rss_end,
        "rss_peak_kib": peak[0],
        "rss_growth_percent": round(100 * (rss_end - rss_warm) / rss_warm, 2),
    }
    result["passed"] = (
        result["wrong"] == 0
        and result["sampled_wrong"] == 0
        and result["errors"] == 0
        and result["sampled"] > 0
        and result["rss_growth_percent"] < args.max_growth
    )
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--servers", nargs="*", default=["gunicorn", "uvicorn"], choices=["gunicorn", "uvicorn"])
    parser.add_argument("--duration", type=int, default=60, help="seconds of measured load per server (default 60)")
    parser.add_argument("--warmup", type=int, default=10, help="seconds of load before the first memory reading")
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--workers", type=int, default=1, help="server worker processes")
    parser.add_argument("--max-growth", type=float, default=5.0, help="allowed memory growth after warm-up, percent")
    parser.add_argument("--output", type=Path, help="write the results as JSON here")
    args = parser.parse_args(argv)
    if shutil.which("wrk") is None:
        print("wrk is not installed: sudo apt-get install -y wrk", file=sys.stderr)
        return 2
    results = []
    with tempfile.TemporaryDirectory(prefix="crossorigin-load-") as tmp:
        scratch = Path(tmp)
        script = scratch / "mix.lua"
        script.write_text(lua_cases() + (HERE / "mix.lua").read_text())
        for server in args.servers:
            result = run_server(server, args, script, scratch)
            results.append(result)
            print(
                f"{server:<9} {result['requests']:>8} requests ({result['rps']}/s, p99 {result['latency_p99_ms']:.1f} ms), "
                f"{result['checked']} checked, {result['wrong']} wrong; {result['sampled']} sampled, "
                f"{result['sampled_wrong']} wrong; {result['errors']} errors; RSS {result['rss_after_warmup_kib']} -> "
                f"{result['rss_end_kib']} KiB ({result['rss_growth_percent']:+.2f}%): "
                f"{'PASS' if result['passed'] else 'FAIL'}",
                flush=True,
            )
            if not result["passed"]:
                print(json.dumps(result, indent=2), file=sys.stderr)
                log = (scratch / f"{server}.log").read_text(errors="replace")
                print(log[-3000:], file=sys.stderr)
    if args.output:
        args.output.write_text(json.dumps(results, indent=2) + "\n")
    return 0 if all(r["passed"] for r in results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
