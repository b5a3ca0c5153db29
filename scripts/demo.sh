#!/usr/bin/env bash
# `make demo`: the demo API and two pages on three loopback origins, from a fresh checkout.
# Makes (or reuses) .venv, installs the package into it, then runs `python -m demo`, which
# migrates its SQLite database and prints the URLs to open. Ctrl-C stops everything.
# Options go to the demo: ./scripts/demo.sh --api-port 9101 --front-port 9102 --untrusted-port 9103
set -euo pipefail
cd "$(dirname "$0")/.."

python=${PYTHON:-python3.11}
command -v "$python" >/dev/null || python=python3
if [ ! -x .venv/bin/python ]; then
  echo "Creating .venv with $python..."
  "$python" -m venv .venv
fi
if ! .venv/bin/python -c "import django, crossorigin" 2>/dev/null; then
  echo "Installing django-crossorigin (and Django) into .venv..."
  .venv/bin/python -m pip install -q --disable-pip-version-check -e .
fi
# exec: Ctrl-C reaches the demo process itself, which stops all three servers.
exec .venv/bin/python -m demo "$@"
