#!/usr/bin/env bash
# `make bench`: django-crossorigin against django-cors-headers, from a fresh checkout.
# Makes (or reuses) .venv, installs the package and requirements/bench.txt into it, then
#   ./scripts/bench.sh [options]       the micro benchmark (python -m bench.run; a few minutes)
#   ./scripts/bench.sh e2e [options]   requests/second under gunicorn + wrk (python -m bench.e2e)
# Results go to bench/results/ (JSON and a Markdown table); see docs/performance.md.
set -euo pipefail
cd "$(dirname "$0")/.."

python=${PYTHON:-python3.11}
command -v "$python" >/dev/null || python=python3
if [ ! -x .venv/bin/python ]; then
  echo "Creating .venv with $python..."
  "$python" -m venv .venv
fi
if ! .venv/bin/python -c "import crossorigin, corsheaders, gunicorn" 2>/dev/null; then
  echo "Installing django-crossorigin and requirements/bench.txt into .venv..."
  .venv/bin/python -m pip install -q --disable-pip-version-check -r requirements/bench.txt -e .
fi

if [ "${1:-}" = "e2e" ]; then
  shift
  if ! command -v wrk >/dev/null; then
    echo "error: the end-to-end benchmark needs wrk: sudo apt-get install -y wrk" >&2
    exit 2
  fi
  exec .venv/bin/python -m bench.e2e "$@"
fi
exec .venv/bin/python -m bench.run "$@"
