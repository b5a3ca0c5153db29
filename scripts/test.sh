#!/usr/bin/env bash
# The whole test suite, from a fresh checkout: lint, types, tests on Django 4.2 and 5.2
# (the browser suite included), combined branch coverage, docs, fuzzing and the
# benchmark smoke run. It makes its own virtual environment in .venv.
set -euo pipefail
cd "$(dirname "$0")/.."

source scripts/venv.sh
ensure_venv
.venv/bin/python -m pip install -q --disable-pip-version-check -r requirements/dev.txt
export PATH="$PWD/.venv/bin:$PATH"

if ! command -v chromium >/dev/null && [ -z "${CROSSORIGIN_REQUIRE_BROWSER:-}" ]; then
  echo "note: Chromium is not installed, so the browser tests will be skipped."
  echo "      Install it with: sudo apt-get install -y chromium   (or run .ci/run as CI does)"
fi

sessions=("lint" "tests" "coverage")
for extra in docs fuzz bench_smoke; do
  if nox -l 2>/dev/null | grep -q "^\* $extra "; then sessions+=("$extra"); fi
done
nox -s "${sessions[@]}" -- "$@"
