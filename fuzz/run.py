"""Run the fuzz harnesses for a bounded time each and report executions and findings.

    python fuzz/run.py                     # every target, 20 s each (the CI session)
    python fuzz/run.py --seconds 600       # a long run (make fuzz-long)
    python fuzz/run.py --targets decide --update-corpus

The committed corpus under fuzz/corpus/<target>/ seeds each run; new inputs go to a
scratch directory unless --update-corpus is given. A crash or a broken property makes
libFuzzer write the input to fuzz/artifacts/ and this script exit non-zero.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
TARGETS = ("origins", "decide", "middleware")
EXECUTED = re.compile(r"stat::number_of_executed_units:\s*(\d+)")
COVERAGE = re.compile(r"cov: (\d+) ft: (\d+)")


def run_target(target: str, seconds: int, update_corpus: bool, artifacts: Path) -> tuple[int, int, str]:
    """Fuzz one target; returns (libFuzzer exit code, executions, last coverage line)."""
    seeds = HERE / "corpus" / target
    with tempfile.TemporaryDirectory(prefix=f"fuzz-{target}-") as scratch:
        fresh = seeds if update_corpus else Path(scratch)
        command = [
            sys.executable,
            str(HERE / f"fuzz_{target}.py"),
            f"-max_total_time={seconds}",
            f"-artifact_prefix={artifacts}/{target}-",
            "-print_final_stats=1",
            "-timeout=10",
            "-rss_limit_mb=2048",
            "-max_len=8192",
            str(fresh),
            str(seeds),
        ]
        result = subprocess.run(command, capture_output=True, text=True, errors="replace", check=False)
    output = result.stderr + result.stdout
    executed = sum(int(n) for n in EXECUTED.findall(output))
    coverage = COVERAGE.findall(output)
    summary = f"cov {coverage[-1][0]} ft {coverage[-1][1]}" if coverage else "no coverage line"
    if result.returncode != 0:
        sys.stderr.write(output[-6000:])
    return result.returncode, executed, summary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=20, help="time per target (default 20)")
    parser.add_argument("--targets", nargs="*", default=list(TARGETS), choices=TARGETS)
    parser.add_argument("--update-corpus", action="store_true", help="keep new interesting inputs in fuzz/corpus/")
    args = parser.parse_args(argv)
    artifacts = HERE / "artifacts"
    artifacts.mkdir(exist_ok=True)
    failed = []
    for target in args.targets:
        started = time.monotonic()
        code, executed, summary = run_target(target, args.seconds, args.update_corpus, artifacts)
        elapsed = time.monotonic() - started
        status = "ok" if code == 0 else f"FINDING (exit {code})"
        print(f"fuzz {target:<10} {executed:>9} executions in {elapsed:5.1f} s, {summary}: {status}", flush=True)
        if code != 0:
            failed.append(target)
    if not any(artifacts.iterdir()):
        shutil.rmtree(artifacts)
    if failed:
        print(f"findings in: {', '.join(failed)}; inputs are in {artifacts}/", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
