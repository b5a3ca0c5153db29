# Sourced by the scripts in this folder: make sure .venv exists (Python 3.11 preferred),
# and install into it when a probe import fails.
#   ensure_venv                      create .venv if it is missing
#   ensure_installed "MODULES" ARGS  pip install ARGS unless `import MODULES` works
ensure_venv() {
  local python=${PYTHON:-python3.11}
  command -v "$python" >/dev/null || python=python3
  if [ ! -x .venv/bin/python ]; then
    echo "Creating .venv with $python..."
    "$python" -m venv .venv
  fi
}

ensure_installed() {
  local modules=$1
  shift
  if ! .venv/bin/python -c "import $modules" 2>/dev/null; then
    echo "Installing into .venv: $*"
    .venv/bin/python -m pip install -q --disable-pip-version-check "$@"
  fi
}
