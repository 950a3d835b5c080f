#!/usr/bin/env bash
# `make test`: lint, then every test against real infrastructure, then stop
# whatever this run started — also when something fails.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '[trellis] %s\n' "$*"; }
if command -v uv >/dev/null; then UV=(uv); else UV=(python3 -m uv); fi
export UV_PYTHON_DOWNLOADS=never
started_at=$(date +%s)

say "test: lint (ruff, format, mypy strict, generated stubs current)"
make --no-print-directory lint

# The portal's journeys run in a real browser.
bash scripts/browser.sh

# Tests find Kafka and the database in this order: TRELLIS_KAFKA_BOOTSTRAP /
# TRELLIS_MONGODB_URI, then testcontainers when a Docker engine answers, then
# the embedded stack. We start the embedded stack here, up front, so a missing
# JDK, Maven or Go is reported before any test runs.
docker_answers() {
  "${UV[@]}" run --frozen python -c \
    'from trellis_shared.testing.infrastructure import docker_engine_answers as d; raise SystemExit(0 if d() else 1)'
}
started_stack=false
if [[ -n "${TRELLIS_KAFKA_BOOTSTRAP:-}" && -n "${TRELLIS_MONGODB_URI:-}" ]]; then
  say "test: using external Kafka ${TRELLIS_KAFKA_BOOTSTRAP} and database (TRELLIS_MONGODB_URI)"
elif docker_answers; then
  say "test: a Docker engine answers; tests will use testcontainers"
elif bash deploy/local/stack.sh status >/dev/null 2>&1; then
  say "test: embedded stack already running; leaving it running afterwards"
else
  say "test: starting the embedded stack (Kafka + FerretDB)"
  started_stack=true
  trap 'say "test: stopping the embedded stack this run started"; bash deploy/local/stack.sh down' EXIT
  bash deploy/local/stack.sh up
fi

say "test: pytest (unit, integration, e2e) — logs of failing tests are shown inline"
status=0
"${UV[@]}" run --frozen pytest "$@" || status=$?
elapsed=$(( $(date +%s) - started_at ))
if [[ $status -eq 0 ]]; then
  say "test: all green in ${elapsed}s"
else
  say "test: FAILED (pytest exit $status) after ${elapsed}s"
fi
exit $status
