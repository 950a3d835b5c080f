#!/usr/bin/env bash
# `make run` (after `make up`): start Trellis' processes in the background with
# logs under .trellis/logs, load demo data, print what runs where, and stop the
# processes on Ctrl-C. Kafka and FerretDB keep running (`make down` stops them).
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '[trellis] %s\n' "$*"; }
if command -v uv >/dev/null; then UV=(uv); else UV=(python3 -m uv); fi
export UV_PYTHON_DOWNLOADS=never
LOG_DIR=${TRELLIS_DATA_DIR:-$PWD/.trellis}/logs
mkdir -p "$LOG_DIR"
PY=$("${UV[@]}" run --frozen python -c 'import sys; print(sys.executable)')

pids=()
stop_all() {
  say "run: stopping Trellis processes"
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait || true
  say "run: stopped. Kafka and FerretDB are still up; 'make down' stops them."
}
trap stop_all EXIT
# Ctrl-C or a TERM: leave through the EXIT trap (stopping once), not past `wait -n`.
trap 'exit 130' INT TERM

start() {  # name, then the command
  local name=$1; shift
  "$@" >"$LOG_DIR/$name.log" 2>&1 &
  pids+=("$!")
  say "run: started $name (pid $!, log $LOG_DIR/$name.log)"
}

start skeleton-writer "$PY" -m trellis_skeleton.entrypoints.cli writer
start skeleton-reader "$PY" -m trellis_skeleton.entrypoints.cli reader
start profiles "$PY" -m trellis_profiles.entrypoints.cli serve
start postings "$PY" -m trellis_postings.entrypoints.cli serve
start mentorship "$PY" -m trellis_mentorship.entrypoints.cli serve
start bidding "$PY" -m trellis_bidding.entrypoints.cli serve
start portal "$PY" -m trellis_portal.entrypoints.cli serve

wait_healthy() {  # name, address
  if ! "$PY" -m trellis_shared.grpc.wait_healthy "$2" 60 >/dev/null; then
    say "run: $1 did not become healthy on $2; last lines of its log:"
    tail -n 30 "$LOG_DIR/$1.log"
    exit 1
  fi
  say "run: $1 is serving on $2"
}
wait_healthy profiles localhost:50051
wait_healthy postings localhost:50052
wait_healthy mentorship localhost:50053
wait_healthy bidding localhost:50054
if ! "$PY" -m trellis_portal.entrypoints.cli wait --timeout 60 >/dev/null; then
  say "run: the portal did not answer on ${TRELLIS_PORTAL_PUBLIC_URL:-http://localhost:8000}; last lines of its log:"
  tail -n 30 "$LOG_DIR/portal.log"
  exit 1
fi
say "run: portal is serving on ${TRELLIS_PORTAL_PUBLIC_URL:-http://localhost:8000}"

say "run: loading the demo organisation into profiles (idempotent; TRELLIS_PROFILES_DEMO_SIZE people)"
if ! "$PY" -m trellis_profiles.entrypoints.cli demo-org; then
  say "run: demo import failed; last lines of the profiles log:"
  tail -n 30 "$LOG_DIR/profiles.log"
  exit 1
fi

say "run: posting demo opportunities of every kind (idempotent)"
if ! "$PY" -m trellis_postings.entrypoints.cli demo; then
  say "run: demo postings failed; last lines of the postings log:"
  tail -n 30 "$LOG_DIR/postings.log"
  exit 1
fi

say "run: demo mentors, mentee requests and an open mentoring cycle (idempotent)"
if ! "$PY" -m trellis_mentorship.entrypoints.cli demo; then
  say "run: demo mentorship failed; last lines of the mentorship log:"
  tail -n 30 "$LOG_DIR/mentorship.log"
  exit 1
fi

say "run: a demo bidding round open for bids over the demo stretch assignments (idempotent)"
if ! "$PY" -m trellis_bidding.entrypoints.cli demo; then
  say "run: demo bidding round failed; last lines of the bidding log:"
  tail -n 30 "$LOG_DIR/bidding.log"
  exit 1
fi

say "run: loading demo data (a tally, counted through Kafka into the reader)"
if ! "$PY" -m trellis_skeleton.entrypoints.cli demo; then
  say "run: demo failed; last lines of the logs:"
  tail -n 20 "$LOG_DIR"/skeleton-*.log
  exit 1
fi

PORTAL_URL=${TRELLIS_PORTAL_PUBLIC_URL:-http://localhost:8000}
cat <<INFO
[trellis] run: Trellis is running

  Open the portal:  $PORTAL_URL   (HTTP API reference: $PORTAL_URL/api/docs)
  Demo sign-ins (pick one on the sign-in page, or type any employee id):
INFO
"$PY" -m trellis_portal.entrypoints.cli personas || say "run: (could not list the demo people; see $LOG_DIR/portal.log)"
cat <<INFO

  profiles gRPC   localhost:50051  (ProfileService, OrgChartService, TaxonomyService, LedgerService;
                                    health + reflection: grpcurl -plaintext localhost:50051 list)
  postings gRPC   localhost:50052  (OpportunityService, ApplicationService, InterviewService,
                                    RecommendationService; health + reflection)
  mentorship gRPC localhost:50053  (MentorshipService, MatchingService; health + reflection)
  bidding gRPC    localhost:50054  (CatalogService, RoundService, BidService; health + reflection)
  portal HTTP     $PORTAL_URL  (pages, /api/v1, OpenAPI at /api/openapi.json, log portal.log)
  skeleton gRPC   localhost:50050  (health + reflection)
  Kafka           ${TRELLIS_KAFKA_BOOTSTRAP:-localhost:${TRELLIS_KAFKA_PORT:-9092}}
  database        ${TRELLIS_MONGODB_URI:-mongodb://localhost:${TRELLIS_FERRETDB_PORT:-27017}}
  logs            $LOG_DIR/*.log  (JSON lines with trace ids)
  metrics         http://localhost:9451/metrics .. 9454 (profiles .. bidding), 9457 (portal),
                  9450 (skeleton writer): Prometheus text; unless TRELLIS_METRICS_PORT is set
  stack status    make status
Press Ctrl-C to stop.
INFO
wait -n "${pids[@]}" || true
say "run: a process exited; see its log above"
