#!/usr/bin/env bash
# The Pythons of the test matrix that this machine may not have (3.12, 3.13 and 3.14).
#
#   scripts/pythons.sh run 3.13 CMD...   run CMD (from the checkout) where python3.13 exists
#   scripts/pythons.sh root 3.14         build (or reuse) the Debian root for 3.14; print its path
#   scripts/pythons.sh clean             delete the cached roots
#
# If this machine has a working python3.X, `run` simply runs CMD here. Python 3.12 comes
# from pyenv (~/.pyenv/versions/3.12.*, as on the CI image): `run` puts it first on PATH,
# and stops with an error when it is missing, so its cells never pass by not running.
# For 3.13 and 3.14 it otherwise uses
# a minimal Debian root made by debootstrap from the mirror the host's apt already uses
# (Debian 13 "trixie" has 3.13; testing, built with debootstrap's `sid` script, has
# 3.14) and runs CMD in it with chroot. Inside the root:
#   - the checkout is bind-mounted read-only at /src, the working directory; so nothing
#     a test run does can write into the checkout, and `src/` is never on sys.path unless
#     a command puts it there;
#   - what a run writes goes into the root: the venvs (below), hypothesis' examples
#     (/var/hypothesis), no bytecode into the checkout;
#   - nox lives in /opt/tools (pinned in requirements/dev.txt) and is on PATH; nox keeps
#     each matrix cell's virtualenv in /var/nox, so the venvs stay with the root and
#     never mix with the host's .nox/;
#   - redis-server is installed, so the Redis tests run (and are required) there too;
#   - pip reaches PyPI with the host's CA bundle and resolv.conf, copied in on each run.
# /proc and /dev are mounted only for the run and unmounted when it ends, however it ends.
#
# The roots are kept between runs in $CROSSORIGIN_ROOTS (default
# /var/cache/django-crossorigin; under 1 GB each with the venvs and pip's cache), so
# only the first run pays for debootstrap (a minute or two each). `clean` removes them.
# Building and entering a root needs root: the script uses sudo when it is not root.
set -euo pipefail

ROOTS=${CROSSORIGIN_ROOTS:-/var/cache/django-crossorigin}
CHECKOUT=$(cd "$(dirname "$0")/.." && pwd)
# debootstrap's log and the lock files: somewhere anyone may write, even without sudo.
LOGS=${TMPDIR:-/tmp}
SUDO=()
[ "$(id -u)" = 0 ] || SUDO=(sudo)

# Pythons taken from pyenv rather than from a Debian root.
PYENV_PYTHONS=" 3.12 "

# The bin folder of pyenv's newest $1.x, or a loud error naming what is missing.
pyenv_bin() {
  local pyenv=${PYENV_ROOT:-$HOME/.pyenv} dir
  dir=$(ls -d "$pyenv/versions/$1".*/bin 2>/dev/null | sort -V | tail -n1)
  if [ -z "$dir" ] || [ ! -x "$dir/python$1" ]; then
    echo "error: Python $1 is missing: the test matrix needs it from pyenv ($pyenv/versions/$1.*). Install it with: pyenv install $1" >&2
    exit 1
  fi
  echo "$dir"
}

# The Debian suite (and debootstrap script) that provides each Python.
suite_for() {
  case $1 in
    3.13) echo "trixie trixie" ;;
    3.14) echo "testing sid" ;;
    *) echo "error: no Debian root is known for Python $1" >&2; return 2 ;;
  esac
}

# The Debian mirror the host's apt uses, so roots come from the same place as the host's packages.
host_mirror() {
  local uri
  uri=$(grep -hoE '^URIs: *[^ ]+/debian/?$' /etc/apt/sources.list.d/*.sources 2>/dev/null | head -n1 | awk '{print $2}')
  [ -n "$uri" ] || uri=$(grep -hoE '^deb +(\[[^]]*\] +)?[^ ]+/debian/? ' /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
    head -n1 | awk '{print $NF}')
  echo "${uri:-http://deb.debian.org/debian}"
}

# Does this machine itself have a usable python3.X (a pyenv shim without that version does not count)?
host_has() {
  command -v "python$1" >/dev/null && "python$1" -c 'import ensurepip, venv' >/dev/null 2>&1
}

# Build the root for Python $1 unless a finished one is cached; print its path.
ensure_root() {
  local version=$1 root=$ROOTS/python$1 suite script
  read -r suite script < <(suite_for "$version")
  if [ ! -x "$root/usr/bin/python$version" ]; then
    command -v debootstrap >/dev/null || { echo "error: install debootstrap (apt-get install debootstrap)" >&2; exit 2; }
    echo "pythons.sh: building a Debian $suite root for Python $version in $root (once per machine)..." >&2
    "${SUDO[@]}" mkdir -p "$ROOTS"
    "${SUDO[@]}" rm -rf "$root.partial"
    # A partial root never looks finished: it is built aside and renamed at the end.
    "${SUDO[@]}" debootstrap --variant=minbase --include=python3,python3-venv,ca-certificates,redis-server \
      "$suite" "$root.partial" "$(host_mirror)" "/usr/share/debootstrap/scripts/$script" >"$LOGS/django-crossorigin-debootstrap-$version.log" 2>&1 ||
      { tail -n 20 "$LOGS/django-crossorigin-debootstrap-$version.log" >&2; exit 1; }
    if [ ! -x "$root.partial/usr/bin/python$version" ]; then
      echo "error: Debian $suite no longer ships Python $version: $(ls "$root.partial"/usr/bin/python3.* | head -n1)" >&2
      exit 1
    fi
    "${SUDO[@]}" mkdir -p "$root.partial/src"
    "${SUDO[@]}" mv "$root.partial" "$root"
  fi
  echo "$root"
}

unmount_all() {
  local root=$1 target
  for target in "$root/src" "$root/dev" "$root/proc"; do
    # --make-rslave below keeps a recursive unmount of /dev from reaching the host's /dev.
    if mountpoint -q "$target"; then "${SUDO[@]}" umount -R "$target"; fi
  done
}

# Run "$@" inside the root of Python $1, with the checkout at /src.
run_in_root() {
  local version=$1
  shift
  # Global, not local: the EXIT trap runs after this function has returned.
  root=$(ensure_root "$version")
  # One run per root at a time: two runs would unmount each other's /proc.
  exec 9>"$LOGS/django-crossorigin-python$version.lock"
  flock 9
  unmount_all "$root" # left over from a run that was killed
  trap 'unmount_all "$root"' EXIT
  trap 'exit 130' INT TERM
  "${SUDO[@]}" cp /etc/resolv.conf "$root/etc/resolv.conf"
  "${SUDO[@]}" cp /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/host-ca-certificates.crt"
  "${SUDO[@]}" mount -t proc proc "$root/proc"
  "${SUDO[@]}" mount --rbind /dev "$root/dev"
  "${SUDO[@]}" mount --make-rslave "$root/dev"
  "${SUDO[@]}" mount --bind "$CHECKOUT" "$root/src"
  "${SUDO[@]}" mount -o remount,bind,ro "$root/src"

  local -a env=(
    HOME=/root LANG=C.UTF-8 TERM="${TERM:-dumb}" PATH=/opt/tools/bin:/usr/local/bin:/usr/bin:/bin
    PIP_CERT=/etc/ssl/certs/host-ca-certificates.crt SSL_CERT_FILE=/etc/ssl/certs/host-ca-certificates.crt
    PIP_DISABLE_PIP_VERSION_CHECK=1 PYTHONDONTWRITEBYTECODE=1 CROSSORIGIN_NOX_ENVDIR=/var/nox
    HYPOTHESIS_STORAGE_DIRECTORY=/var/hypothesis
  )
  local name
  for name in CI CROSSORIGIN_REQUIRE_REDIS CROSSORIGIN_REQUIRE_BROWSER FORCE_COLOR NO_COLOR; do
    if [ -n "${!name:-}" ]; then env+=("$name=${!name}"); fi
  done
  local nox_pin
  nox_pin=$(grep -E '^nox==' "$CHECKOUT/requirements/dev.txt")
  "${SUDO[@]}" chroot "$root" /usr/bin/env -i "${env[@]}" /bin/sh -c \
    "[ -x /opt/tools/bin/nox ] && /opt/tools/bin/nox --version 2>&1 | grep -qx '${nox_pin#nox==}' ||
     { python$version -m venv /opt/tools && /opt/tools/bin/pip install -q '$nox_pin'; }"
  # Not exec: the EXIT trap must unmount after the command.
  "${SUDO[@]}" chroot "$root" /usr/bin/env -i "${env[@]}" /bin/sh -c 'cd /src && exec "$@"' sh "$@"
}

case ${1:-} in
  run)
    [ $# -ge 3 ] || { echo "usage: $0 run 3.13 CMD..." >&2; exit 2; }
    version=$2
    shift 2
    if host_has "$version"; then
      cd "$CHECKOUT"
      exec "$@"
    fi
    if [[ $PYENV_PYTHONS == *" $version "* ]]; then
      bin=$(pyenv_bin "$version")
      cd "$CHECKOUT"
      PATH="$bin:$PATH" exec "$@"
    fi
    run_in_root "$version" "$@"
    ;;
  root) ensure_root "$2" ;;
  clean)
    # Never rm -rf through a mount: a bound /dev would lose the host's device nodes.
    for root in "$ROOTS"/python3.*; do [ -d "$root" ] && unmount_all "$root"; done
    if findmnt -rn -o TARGET | grep -q "^$ROOTS/"; then
      echo "error: something is still mounted under $ROOTS; nothing deleted" >&2
      exit 1
    fi
    "${SUDO[@]}" rm -rf --one-file-system "$ROOTS"
    ;;
  *)
    sed -n '2,6p' "$0" >&2
    exit 2
    ;;
esac
