#!/usr/bin/env bash
# `make test`: everything CI runs, from a fresh checkout, one numbered step at a time.
#   lint (ruff, mypy --strict); build (sdist and wheel, twine check, their file lists);
#   the whole suite on every cell of the matrix (noxfile.py's MATRIX): on the host's
#   Python 3.11 from the source tree with the browsers and coverage, and on Python 3.12,
#   3.13 and 3.14 against the built wheel in the Pythons of scripts/pythons.sh; then the
#   coverage floor, the docs site, the platforms' wheels, fuzzing and the benchmark
#   smoke run.
#   scripts/test.sh --fast   the quick loop (`make test-fast`): the host cell without
#                            browsers, fuzzing or the other cells
# Arguments after the options go to pytest (e.g. scripts/test.sh -- -k csrf).
# Each step's output streams as it runs; a summary with each step's time comes at the end.
set -uo pipefail
cd "$(dirname "$0")/.."

source scripts/venv.sh
ensure_venv
.venv/bin/python -m pip install -q --disable-pip-version-check -r requirements/dev.txt || exit 1
export PATH="$PWD/.venv/bin:$PATH"

fast=
if [ "${1:-}" = "--fast" ]; then fast=1; shift; fi
if [ "${1:-}" = "--" ]; then shift; fi
PYTEST_ARGS=("$@")

if [ -z "$fast" ] && ! command -v chromium >/dev/null && [ -z "${CROSSORIGIN_REQUIRE_BROWSER:-}" ]; then
  echo "note: Chromium is not installed, so the browser tests will be skipped."
  echo "      Install it with: sudo apt-get install -y chromium   (or run .ci/run as CI does)"
fi

# One step per line: "python|nox session|label". Each runs through scripts/pythons.sh,
# which runs it right here when this machine has that Python (always so for 3.11).
# The matrix cells come from noxfile.py (MATRIX), the one place that lists them.
steps=()
cells=$(nox -l --json 2>/dev/null | python3 -c '
import json, sys
for s in json.load(sys.stdin):
    if s["name"] == "tests":
        print(s["python"] + "|" + s["session"] + "|Django " + s["call_spec"]["django"] + " on Python " + s["python"])
') || { echo "error: cannot list the nox sessions" >&2; exit 1; }
host_cell=$(head -n1 <<<"$cells")
if [ -n "$fast" ]; then
  steps+=("$host_cell, without the browser suite")
  PYTEST_ARGS=(-m "not browser" --no-cov "${PYTEST_ARGS[@]}")
else
  steps+=("3.11|lint|lint: ruff, mypy --strict")
  steps+=("3.11|build|build: sdist and wheel, twine check, their file lists")
  steps+=("$host_cell: source tree, browsers, coverage")
  steps+=("3.11|coverage|coverage floor of the Python 3.11 cell")
  while IFS= read -r cell; do steps+=("$cell: the wheel"); done < <(tail -n +2 <<<"$cells")
  steps+=("3.11|docs|docs: mkdocs --strict")
  steps+=("3.11|platforms|platforms: a wheel of every dependency, per platform (PyPI)")
  steps+=("3.11|fuzz|fuzz: atheris, 20 s a target")
  steps+=("3.11|bench_smoke|benchmark smoke run")
fi

results=()
failed=0
total=${#steps[@]}
started=$SECONDS
clock() { date -u -d "@$1" +%M:%S; }
for i in "${!steps[@]}"; do
  IFS='|' read -r python session label <<<"${steps[$i]}"
  k=$((i + 1))
  printf '\n\033[1m==> [%d/%d] %s\033[0m  (nox -s "%s"; %s elapsed)\n' "$k" "$total" "$label" "$session" "$(clock $((SECONDS - started)))"
  step_start=$SECONDS
  nox_args=(-s "$session")
  if [[ $session == tests* ]]; then nox_args+=(-- "${PYTEST_ARGS[@]}"); fi
  scripts/pythons.sh run "$python" nox "${nox_args[@]}"
  status=$?
  verdict=ok
  if [ $status -ne 0 ]; then verdict="FAILED (exit $status)"; failed=$((failed + 1)); fi
  results+=("$(printf '[%2d/%d] %-62s %s  %s' "$k" "$total" "$label" "$(clock $((SECONDS - step_start)))" "$verdict")")
done

printf '\n\033[1m==> Summary (%s in all)\033[0m\n' "$(clock $((SECONDS - started)))"
printf '%s\n' "${results[@]}"
if [ $failed -ne 0 ]; then
  echo "$failed of $total steps failed; each one's output is above, under its [k/$total] heading."
  exit 1
fi
