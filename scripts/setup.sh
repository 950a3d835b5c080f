#!/usr/bin/env bash
# Install the Python side: uv (from PyPI, if missing) and the locked workspace.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '[trellis] %s\n' "$*"; }
die() { printf '[trellis] error: %s\n' "$*" >&2; exit 1; }

command -v python3 >/dev/null \
  || die "python3 not found: install Python 3.11 or newer (e.g. apt-get install python3)"
python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
  || die "Python 3.11+ required, found $(python3 --version 2>&1)"

# uv on PATH, else uv installed as a Python package (`python3 -m uv`).
if command -v uv >/dev/null; then
  UV=(uv)
else
  if ! python3 -m uv --version >/dev/null 2>&1; then
    say "setup: installing uv from PyPI (first run only)"
    python3 -m pip install --quiet uv 2>/dev/null \
      || python3 -m pip install --quiet --user uv \
      || die "could not install uv with pip: check access to PyPI, or install uv yourself"
  fi
  UV=(python3 -m uv)
fi

export UV_PYTHON_DOWNLOADS=never
# Trust the system certificate store (where a site adds its own CA), not only
# the bundle compiled into uv.
export UV_SYSTEM_CERTS=${UV_SYSTEM_CERTS:-1}
say "setup: syncing the Python workspace from uv.lock"
"${UV[@]}" sync --all-packages --frozen --quiet \
  || die "uv sync failed: see the output above (network to PyPI, or a stale uv.lock: run 'uv lock')"
say "setup: Python environment ready in .venv/"
# The mentorship engine's inner loops are compiled by numba on first use and
# cached on disk (ADR 0009): do it here, once, rather than inside a first
# cycle run that a caller waits for. Later runs only load the cache.
say "setup: compiling the mentorship matching engine (numba; seconds on a first run)"
"${UV[@]}" run --frozen --quiet trellis-mentorship warm-up \
  || die "the mentorship engine did not compile: see the output above (numba/llvmlite from uv.lock)"
