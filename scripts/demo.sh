#!/usr/bin/env bash
# `make demo`: the demo API and two pages on three loopback origins, from a fresh checkout.
# Makes (or reuses) .venv, installs the package into it, then runs `python -m demo`, which
# migrates its SQLite database and prints the URLs to open. Ctrl-C stops everything.
# Options go to the demo: ./scripts/demo.sh --api-port 9101 --front-port 9102 --untrusted-port 9103
set -euo pipefail
cd "$(dirname "$0")/.."

source scripts/venv.sh
ensure_venv
ensure_installed "django, crossorigin" -e .
# exec: Ctrl-C reaches the demo process itself, which stops all three servers.
exec .venv/bin/python -m demo "$@"
