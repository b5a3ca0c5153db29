#!/usr/bin/env bash
# `make bench`: django-crossorigin against django-cors-headers, from a fresh checkout.
# Makes (or reuses) .venv, installs the package and requirements/bench.txt into it, then
#   ./scripts/bench.sh [options]       the micro benchmark (python -m bench.run; a few minutes)
#   ./scripts/bench.sh e2e [options]   requests/second under gunicorn + wrk (python -m bench.e2e)
# Results go to bench/results/ (JSON and a Markdown table); see docs/performance.md.
set -euo pipefail
cd "$(dirname "$0")/.."

source scripts/venv.sh
ensure_venv
ensure_installed "crossorigin, corsheaders, gunicorn" -r requirements/bench.txt -e .

if [ "${1:-}" = "e2e" ]; then
  shift
  if ! command -v wrk >/dev/null; then
    echo "error: the end-to-end benchmark needs wrk: sudo apt-get install -y wrk" >&2
    exit 2
  fi
  exec .venv/bin/python -m bench.e2e "$@"
fi
exec .venv/bin/python -m bench.run "$@"
