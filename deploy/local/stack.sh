#!/usr/bin/env bash
# Local infrastructure for Trellis development and tests, without Docker:
#
#   Kafka 4.1.2     single node, KRaft combined broker+controller, localhost:9092
#   FerretDB 1.24.2 MongoDB wire protocol on an SQLite directory, 127.0.0.1:27017
#
# Both run as plain background processes. Kafka's jars come from Maven Central
# (via `mvn`) and FerretDB is compiled from its Go module (via `go`), because
# those registries are reachable where release tarballs and container images are
# not. Downloads/builds are cached per machine, data and logs live in the repo.
#
# Usage: deploy/local/stack.sh up|down|status|install [kafka] [ferretdb]
# See deploy/local/README.md for directories and environment variables.

set -euo pipefail

readonly KAFKA_VERSION=4.1.2
readonly FERRETDB_VERSION=1.24.2

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$SCRIPT_DIR/../.." && pwd)
readonly SCRIPT_DIR REPO_ROOT

readonly DATA_DIR=${TRELLIS_DATA_DIR:-$REPO_ROOT/.trellis}
readonly CACHE_DIR=${TRELLIS_CACHE_DIR:-$HOME/.cache/trellis}

readonly KAFKA_HOST=localhost
readonly KAFKA_PORT=${TRELLIS_KAFKA_PORT:-9092}
readonly KAFKA_CONTROLLER_PORT=${TRELLIS_KAFKA_CONTROLLER_PORT:-9093}
readonly FERRETDB_HOST=127.0.0.1
readonly FERRETDB_PORT=${TRELLIS_FERRETDB_PORT:-27017}

# Seconds to wait for readiness after starting, and for exit after SIGTERM.
readonly KAFKA_READY_TIMEOUT=60
readonly FERRETDB_READY_TIMEOUT=30
readonly STOP_TIMEOUT=20
# SQLite's `synchronous` for FerretDB (docs/adr/0011): NORMAL (the default) syncs
# the write-ahead log at checkpoints, not at every commit, like MongoDB's own
# default of a journal flushed every 100 ms: a power cut may lose the last
# moments, a crash of any process loses nothing. FULL syncs every commit.
readonly FERRETDB_SYNC=${TRELLIS_FERRETDB_SYNC:-NORMAL}
case $FERRETDB_SYNC in
  NORMAL | FULL) ;;
  *) printf '[trellis] TRELLIS_FERRETDB_SYNC must be NORMAL or FULL, not %s\n' "$FERRETDB_SYNC" >&2; exit 2 ;;
esac

# Installed artifacts (shared by every clone on this machine).
readonly KAFKA_HOME=$CACHE_DIR/kafka-$KAFKA_VERSION
readonly KAFKA_LIBS=$KAFKA_HOME/libs
# TRELLIS_FERRETDB_STOCK=1 builds upstream FerretDB without our patch (into its
# own directory), only to show what the patch fixes (docs/adr/0010).
readonly FERRETDB_STOCK=${TRELLIS_FERRETDB_STOCK:-}
if [[ -n $FERRETDB_STOCK ]]; then
  readonly FERRETDB_HOME=$CACHE_DIR/ferretdb-$FERRETDB_VERSION-stock
else
  readonly FERRETDB_HOME=$CACHE_DIR/ferretdb-$FERRETDB_VERSION
fi
readonly FERRETDB_BIN=$FERRETDB_HOME/ferretdb

# Inputs of the installs, kept in the repo.
readonly KAFKA_POM=$SCRIPT_DIR/kafka/pom.xml
readonly KAFKA_LOG4J_CONFIG=$SCRIPT_DIR/kafka/log4j2.properties
readonly FERRETDB_MODULE_DIR=$SCRIPT_DIR/ferretdb
# Our patch to FerretDB 1.24.2: atomic updates per document and indexed `_id`
# lookups (docs/adr/0010). Part of the install stamp, so a changed patch rebuilds.
readonly FERRETDB_PATCH=$FERRETDB_MODULE_DIR/trellis.patch
readonly MONGO_PING=$SCRIPT_DIR/mongo_ping.py

# Per-clone state.
readonly KAFKA_DIR=$DATA_DIR/kafka
readonly KAFKA_LOG_DIRS=$KAFKA_DIR/data
readonly KAFKA_CONFIG=$KAFKA_DIR/server.properties
readonly KAFKA_CLUSTER_ID_FILE=$KAFKA_DIR/cluster-id
readonly KAFKA_LOG=$KAFKA_DIR/kafka.log
readonly KAFKA_PID_FILE=$KAFKA_DIR/kafka.pid
readonly FERRETDB_DIR=$DATA_DIR/ferretdb
readonly FERRETDB_DATA=$FERRETDB_DIR/data
readonly FERRETDB_LOG=$FERRETDB_DIR/ferretdb.log
readonly FERRETDB_PID_FILE=$FERRETDB_DIR/ferretdb.pid

# Temporary paths removed on exit, whatever the outcome.
TEMP_PATHS=()
# The java executable, set by require_java.
JAVA=""

# --------------------------------------------------------------------------
# Output helpers
# --------------------------------------------------------------------------

say() {
  printf '[trellis] %s\n' "$*"
}

die() {
  printf '[trellis] error: %s\n' "$*" >&2
  exit 1
}

cleanup_temp_paths() {
  local path
  for path in "${TEMP_PATHS[@]+"${TEMP_PATHS[@]}"}"; do
    rm -rf -- "$path"
  done
}
trap cleanup_temp_paths EXIT

# Show the end of a log after a failure, so the cause is on screen.
show_log_tail() {
  local log=$1
  if [[ -s $log ]]; then
    printf '[trellis] ---- last 30 lines of %s ----\n' "$log" >&2
    # (strip the colour codes Maven 3.8 prints even in batch mode)
    tail -n 30 -- "$log" | sed $'s/\x1b\\[[0-9;]*m//g' >&2
    printf '[trellis] ----\n' >&2
  fi
}

# Hide the password of a connection string before printing it.
redact_uri() {
  printf '%s' "$1" | sed -E 's#(://)[^/@]*@#\1***@#'
}

# --------------------------------------------------------------------------
# Small portable utilities
# --------------------------------------------------------------------------

# Run a command with a time limit when coreutils' timeout exists (it does on
# Linux; on macOS without coreutils we run without a limit).
with_timeout() {
  local seconds=$1
  shift
  if command -v timeout >/dev/null 2>&1; then
    timeout "$seconds" "$@"
  else
    "$@"
  fi
}

# True when something accepts TCP connections on host:port. Uses bash's own
# /dev/tcp so that no netcat or similar is needed.
port_open() {
  local host=$1 port=$2
  # shellcheck disable=SC2016 # $1/$2 are expanded by the inner bash
  with_timeout 3 "$BASH" -c 'exec 3<>"/dev/tcp/$1/$2"' _ "$host" "$port" 2>/dev/null
}

# Best effort: name the process listening on a port, for error messages.
describe_port_owner() {
  local port=$1 owner=""
  if command -v ss >/dev/null 2>&1; then
    owner=$(ss -H -ltnp "sport = :$port" 2>/dev/null | grep -o 'users:(([^)]*))' | head -n 1 || true)
  fi
  if [[ -n $owner ]]; then
    printf ' (%s)' "$owner"
  fi
}

sha256_of_files() {
  if command -v sha256sum >/dev/null 2>&1; then
    cat -- "$@" | sha256sum | cut -d' ' -f1
  else
    cat -- "$@" | shasum -a 256 | cut -d' ' -f1
  fi
}

check_port_number() {
  local name=$1 value=$2
  if ! [[ $value =~ ^[0-9]+$ ]] || ((value < 1 || value > 65535)); then
    die "$name must be a TCP port number, got '$value'"
  fi
}

# Start a command detached from this shell and terminal: its own session
# (so Ctrl-C in the calling terminal does not reach it), stdin closed, all
# output appended to the log, and the lock descriptors (see take_lock) closed
# so that a long-running server does not hold our locks. Prints its pid.
# setsid does not fork here (a background job of a non-interactive shell is not
# a process group leader), so $! is the pid of the server process itself.
start_detached() {
  local log=$1
  shift
  if command -v setsid >/dev/null 2>&1; then
    setsid "$@" </dev/null >>"$log" 2>&1 8>&- 9>&- &
  else
    nohup "$@" </dev/null >>"$log" 2>&1 8>&- 9>&- &
  fi
  printf '%s\n' "$!"
}

# Serialise runs of this script that touch the same files (e.g. parallel test
# sessions all calling `up`): without it two of them could both decide to start
# Kafka, or both publish a fresh install into the cache. Holds the lock on file
# descriptor FD until the script exits. No-op where flock is missing (macOS).
take_lock() {
  local fd=$1 file=$2
  command -v flock >/dev/null 2>&1 || return 0
  eval "exec $fd>\"\$file\""
  if ! flock -n "$fd"; then
    say "waiting for another stack.sh run to finish ($file) ..."
    flock "$fd"
  fi
}

# Keep the previous run's log as .1 and start each run with an empty log, so
# logs do not grow without bound across restarts.
rotate_log() {
  local log=$1
  if [[ -s $log ]]; then
    mv -f -- "$log" "$log.1"
  fi
  : >"$log"
}

# --------------------------------------------------------------------------
# Processes and pid files
# --------------------------------------------------------------------------

# Alive and not a zombie (a zombie still passes kill -0 until its parent reaps it).
pid_alive() {
  local pid=$1 state
  kill -0 "$pid" 2>/dev/null || return 1
  state=$(ps -o stat= -p "$pid" 2>/dev/null || true)
  [[ -n $state && $state != Z* ]]
}

# Each component's command line contains a path from this data dir, so a pid
# that was recycled by an unrelated process (or another clone's server) is
# never taken for ours.
component_signature() {
  case $1 in
    kafka) printf '%s' "kafka.Kafka $KAFKA_CONFIG" ;;
    ferretdb) printf '%s' "--sqlite-url=file:$FERRETDB_DATA/" ;;
  esac
}

pid_file_of() {
  case $1 in
    kafka) printf '%s' "$KAFKA_PID_FILE" ;;
    ferretdb) printf '%s' "$FERRETDB_PID_FILE" ;;
  esac
}

log_file_of() {
  case $1 in
    kafka) printf '%s' "$KAFKA_LOG" ;;
    ferretdb) printf '%s' "$FERRETDB_LOG" ;;
  esac
}

install_location_of() {
  case $1 in
    kafka) printf '%s' "$KAFKA_HOME" ;;
    ferretdb) printf '%s' "$FERRETDB_HOME" ;;
  esac
}

address_of() {
  case $1 in
    kafka) printf '%s' "$KAFKA_HOST:$KAFKA_PORT" ;;
    ferretdb) printf '%s' "$FERRETDB_HOST:$FERRETDB_PORT" ;;
  esac
}

# Prints the pid and succeeds when the component's recorded process is running.
running_pid() {
  local component=$1 pid_file pid args
  pid_file=$(pid_file_of "$component")
  [[ -f $pid_file ]] || return 1
  pid=$(head -n 1 -- "$pid_file" 2>/dev/null || true)
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  pid_alive "$pid" || return 1
  args=$(ps -ww -o args= -p "$pid" 2>/dev/null || true)
  [[ $args == *"$(component_signature "$component")"* ]] || return 1
  printf '%s\n' "$pid"
}

# Poll `probe` until it succeeds while the process stays alive; a server that
# dies or never answers is reported with the end of its log.
wait_until_ready() {
  local component=$1 pid=$2 timeout=$3 interval=$4 probe=$5 log pid_file address deadline
  log=$(log_file_of "$component")
  pid_file=$(pid_file_of "$component")
  address=$(address_of "$component")
  deadline=$((SECONDS + timeout))
  while ((SECONDS < deadline)); do
    if ! pid_alive "$pid"; then
      show_log_tail "$log"
      rm -f -- "$pid_file"
      die "$component: the server exited during startup (log: $log)"
    fi
    if "$probe"; then
      say "$component: ready on $address (pid $pid, log $log)"
      return 0
    fi
    sleep "$interval"
  done
  show_log_tail "$log"
  die "$component: no answer on $address after ${timeout}s; the server (pid $pid) is left running for inspection: 'stack.sh down' stops it"
}

# A pid file whose process is gone (crash, kill -9, reboot) must not block a start.
remove_stale_pid_file() {
  local component=$1 pid_file
  pid_file=$(pid_file_of "$component")
  if [[ -f $pid_file ]] && ! running_pid "$component" >/dev/null; then
    say "$component: removing stale pid file $pid_file (pid $(head -n 1 -- "$pid_file" 2>/dev/null || echo '?') is not running)"
    rm -f -- "$pid_file"
  fi
}

stop_component() {
  local component=$1 pid waited=0
  remove_stale_pid_file "$component"
  if ! pid=$(running_pid "$component"); then
    say "$component: not running"
    return 0
  fi
  say "$component: stopping (pid $pid) ..."
  kill -TERM "$pid" 2>/dev/null || true
  while pid_alive "$pid" && ((waited < STOP_TIMEOUT)); do
    sleep 1
    waited=$((waited + 1))
  done
  if pid_alive "$pid"; then
    say "$component: still running after ${STOP_TIMEOUT}s, sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    sleep 1
  fi
  rm -f -- "$(pid_file_of "$component")"
  say "$component: stopped"
}

# --------------------------------------------------------------------------
# External servers
# --------------------------------------------------------------------------

kafka_is_external() {
  [[ -n ${TRELLIS_KAFKA_BOOTSTRAP:-} ]]
}

ferretdb_is_external() {
  [[ -n ${TRELLIS_MONGODB_URI:-} ]]
}

is_external() {
  case $1 in
    kafka) kafka_is_external ;;
    ferretdb) ferretdb_is_external ;;
  esac
}

external_note() {
  case $1 in
    kafka) printf 'Kafka: external at %s (TRELLIS_KAFKA_BOOTSTRAP), not started' "$TRELLIS_KAFKA_BOOTSTRAP" ;;
    ferretdb) printf 'FerretDB: external at %s (TRELLIS_MONGODB_URI), not started' "$(redact_uri "$TRELLIS_MONGODB_URI")" ;;
  esac
}

# --------------------------------------------------------------------------
# Prerequisites
# --------------------------------------------------------------------------

java_command() {
  if [[ -n ${JAVA_HOME:-} && -x $JAVA_HOME/bin/java ]]; then
    printf '%s' "$JAVA_HOME/bin/java"
  else
    command -v java 2>/dev/null || true
  fi
}

require_java() {
  local java spec major
  java=$(java_command)
  [[ -n $java ]] ||
    die "Java 17+ not found: install a JDK or JRE (e.g. apt-get install openjdk-17-jre-headless) or set JAVA_HOME, or set TRELLIS_KAFKA_BOOTSTRAP to use an external Kafka"
  # java.specification.version is "17", "21", ... (or "1.8" for Java 8).
  spec=$("$java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p' | head -n 1)
  major=${spec#1.}
  major=${major%%.*}
  [[ $major =~ ^[0-9]+$ ]] || die "could not determine the Java version of $java"
  ((major >= 17)) ||
    die "Java $spec found at $java but Kafka $KAFKA_VERSION needs Java 17+: install a newer JDK (e.g. apt-get install openjdk-17-jre-headless) and/or set JAVA_HOME, or set TRELLIS_KAFKA_BOOTSTRAP to use an external Kafka"
  JAVA=$java
}

require_maven() {
  command -v mvn >/dev/null 2>&1 ||
    die "Maven (mvn) not found; it is needed once to fetch the Kafka jars from Maven Central: install it (e.g. apt-get install maven), or set TRELLIS_KAFKA_BOOTSTRAP to use an external Kafka"
}

require_go() {
  local version minor
  command -v go >/dev/null 2>&1 ||
    die "Go not found; it is needed once to build FerretDB: install Go 1.24+ (https://go.dev/dl or apt-get install golang), or set TRELLIS_MONGODB_URI to use an external MongoDB/FerretDB"
  version=$(go env GOVERSION 2>/dev/null || true) # e.g. go1.26.8
  minor=$(printf '%s' "$version" | sed -n 's/^go1\.\([0-9]*\).*/\1/p')
  # Go 1.21+ fetches the go1.24 toolchain that go.mod asks for by itself
  # (from the module proxy); older releases cannot build FerretDB at all.
  if [[ -z $minor ]] || ((minor < 21)); then
    die "Go 1.24+ needed to build FerretDB, found '${version:-unknown}': install a newer Go, or set TRELLIS_MONGODB_URI to use an external MongoDB/FerretDB"
  fi
}

# --------------------------------------------------------------------------
# Install: Kafka jars
# --------------------------------------------------------------------------

# The cache is keyed on the content of the pom, so editing it (e.g. a log4j
# bump) triggers a new fetch, while other clones with the same pom reuse it.
kafka_install_stamp() {
  sha256_of_files "$KAFKA_POM"
}

kafka_installed() {
  [[ -f $KAFKA_HOME/.stamp && -f $KAFKA_LIBS/kafka_2.13-$KAFKA_VERSION.jar ]] &&
    [[ $(cat -- "$KAFKA_HOME/.stamp") == "$(kafka_install_stamp)" ]]
}

# Swap a freshly built directory into place. The rename makes the install
# all-or-nothing: an interrupted download only ever leaves a temp dir behind.
publish_install() {
  local staged=$1 target=$2 old
  if [[ -e $target ]]; then
    old=$(mktemp -d "$CACHE_DIR/.old.XXXXXX")
    TEMP_PATHS+=("$old")
    mv -- "$target" "$old/"
  fi
  mv -- "$staged" "$target"
}

install_kafka() {
  local staging
  if kafka_installed; then
    return 0
  fi
  require_java
  require_maven
  mkdir -p -- "$CACHE_DIR"
  take_lock 8 "$CACHE_DIR/.install.lock"
  kafka_installed && return 0 # done by the run we waited for
  staging=$(mktemp -d "$CACHE_DIR/.kafka-$KAFKA_VERSION.XXXXXX")
  TEMP_PATHS+=("$staging")
  say "kafka: fetching Kafka $KAFKA_VERSION jars with Maven (first run only, usually under a minute) ..."
  if ! mvn -q -B -f "$KAFKA_POM" dependency:copy-dependencies \
    -DincludeScope=runtime -DoutputDirectory="$staging/libs" >"$staging/mvn.log" 2>&1; then
    show_log_tail "$staging/mvn.log"
    die "kafka: Maven could not fetch the Kafka jars (see above). Check that Maven Central is reachable (proxy/mirror settings live in ~/.m2/settings.xml), or set TRELLIS_KAFKA_BOOTSTRAP to use an external Kafka"
  fi
  [[ -f $staging/libs/kafka_2.13-$KAFKA_VERSION.jar ]] ||
    die "kafka: Maven finished but kafka_2.13-$KAFKA_VERSION.jar is missing from its output"
  rm -f -- "$staging/mvn.log"
  kafka_install_stamp >"$staging/.stamp"
  chmod 755 "$staging" # mktemp -d makes it 0700
  publish_install "$staging" "$KAFKA_HOME"
  say "kafka: jars installed in $KAFKA_LIBS"
}

# --------------------------------------------------------------------------
# Install: FerretDB binary
# --------------------------------------------------------------------------

ferretdb_install_stamp() {
  if [[ -n $FERRETDB_STOCK ]]; then
    sha256_of_files "$FERRETDB_MODULE_DIR/go.mod" "$FERRETDB_MODULE_DIR/go.sum" "$FERRETDB_MODULE_DIR/tools.go"
  else
    sha256_of_files "$FERRETDB_MODULE_DIR/go.mod" "$FERRETDB_MODULE_DIR/go.sum" "$FERRETDB_MODULE_DIR/tools.go" "$FERRETDB_PATCH"
  fi
}

ferretdb_installed() {
  [[ -f $FERRETDB_HOME/.stamp && -x $FERRETDB_BIN ]] &&
    [[ $(cat -- "$FERRETDB_HOME/.stamp") == "$(ferretdb_install_stamp)" ]]
}

# Builds in a scratch copy of deploy/local/ferretdb so the repo is never
# written to. Why vendoring: FerretDB embeds build/version/version.txt, which
# its release process generates and the published Go module does not contain;
# a binary built without it panics at start. Vendoring gives us a writable copy
# of the module source to put that file into before compiling.
build_ferretdb() {
  local staging=$1 src=$1/src
  mkdir -p -- "$src" "$staging/out"
  cp -- "$FERRETDB_MODULE_DIR/go.mod" "$FERRETDB_MODULE_DIR/go.sum" "$FERRETDB_MODULE_DIR/tools.go" "$src/"
  (
    cd -- "$src"
    # Isolate from the caller's Go setup: a go.work in a parent directory
    # or -mod flags in GOFLAGS would change what gets built.
    export GOWORK=off GOFLAGS=-buildvcs=false CGO_ENABLED=0
    go mod vendor
    printf 'v%s\n' "$FERRETDB_VERSION" >vendor/github.com/FerretDB/FerretDB/build/version/version.txt
    printf 'trellis-local\n' >vendor/github.com/FerretDB/FerretDB/build/version/package.txt
    if [[ -z $FERRETDB_STOCK ]]; then
      patch --batch --forward -p1 -d vendor/github.com/FerretDB/FerretDB <"$FERRETDB_PATCH"
    fi
    go build -mod=vendor -trimpath -o "$staging/out/ferretdb" github.com/FerretDB/FerretDB/cmd/ferretdb
  )
}

install_ferretdb() {
  local staging
  if ferretdb_installed; then
    return 0
  fi
  require_go
  [[ -n $FERRETDB_STOCK ]] || command -v patch >/dev/null 2>&1 ||
    die "ferretdb: the 'patch' program is needed to apply deploy/local/ferretdb/trellis.patch: install it (apt-get install patch)"
  [[ -s $FERRETDB_MODULE_DIR/go.sum ]] ||
    die "ferretdb: $FERRETDB_MODULE_DIR/go.sum is missing; regenerate it with: (cd $FERRETDB_MODULE_DIR && go mod tidy)"
  mkdir -p -- "$CACHE_DIR"
  take_lock 8 "$CACHE_DIR/.install.lock"
  ferretdb_installed && return 0 # done by the run we waited for
  staging=$(mktemp -d "$CACHE_DIR/.ferretdb-$FERRETDB_VERSION.XXXXXX")
  TEMP_PATHS+=("$staging")
  say "ferretdb: building FerretDB $FERRETDB_VERSION${FERRETDB_STOCK:+ (stock, unpatched)} with Go (first run only, 1-3 min) ..."
  if ! build_ferretdb "$staging" >"$staging/build.log" 2>&1; then
    show_log_tail "$staging/build.log"
    die "ferretdb: the Go build failed (see above). Check that the Go module proxy is reachable (GOPROXY), or set TRELLIS_MONGODB_URI to use an external MongoDB/FerretDB"
  fi
  "$staging/out/ferretdb" --version 2>/dev/null | grep -q "v$FERRETDB_VERSION" ||
    die "ferretdb: the built binary does not report version v$FERRETDB_VERSION"
  ferretdb_install_stamp >"$staging/out/.stamp"
  chmod 755 "$staging/out"
  publish_install "$staging/out" "$FERRETDB_HOME"
  say "ferretdb: binary installed at $FERRETDB_BIN"
}

# --------------------------------------------------------------------------
# Kafka
# --------------------------------------------------------------------------

write_kafka_config() {
  # Regenerated on every start so port/path overrides always take effect.
  cat >"$KAFKA_CONFIG" <<EOF
# Generated by deploy/local/stack.sh on every start; edits are overwritten.
# Single-node Kafka for local development: broker and KRaft controller in one
# process, nothing replicated.

process.roles=broker,controller
node.id=1
# Static quorum of one voter (instead of a dynamic quorum bootstrapped with
# 'storage format --standalone'): the voter address is read from here on each
# start, so changing TRELLIS_KAFKA_CONTROLLER_PORT later just works.
controller.quorum.voters=1@$KAFKA_HOST:$KAFKA_CONTROLLER_PORT

listeners=PLAINTEXT://$KAFKA_HOST:$KAFKA_PORT,CONTROLLER://$KAFKA_HOST:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://$KAFKA_HOST:$KAFKA_PORT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT

log.dirs=$KAFKA_LOG_DIRS

# Topics are created explicitly by Trellis; a typo must fail, not create a topic.
auto.create.topics.enable=false
num.partitions=1
default.replication.factor=1

# One broker: every internal topic has a single replica.
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
# Fewer partitions for the internal topics than the default 50: they are created
# on first use (first consumer group / transaction), which is then much quicker.
offsets.topic.num.partitions=8
transaction.state.log.num.partitions=8
share.coordinator.state.topic.num.partitions=8

# Consumers join immediately instead of waiting 3 s for more members.
group.initial.rebalance.delay.ms=0

# Sized for a 2-core development machine.
num.network.threads=2
num.io.threads=4
num.recovery.threads.per.data.dir=1
background.threads=4
EOF
}

# Runs a Kafka command-line class from the installed jars, with a small,
# fast-starting JVM and quiet logging, killed after TIME_LIMIT seconds.
# Usage: run_kafka_tool TIME_LIMIT MAIN_CLASS ARGS...
run_kafka_tool() {
  local time_limit=$1
  shift
  with_timeout "$time_limit" "$JAVA" -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 \
    -Dlog4j2.configurationFile="$KAFKA_LOG4J_CONFIG" -Dtrellis.kafka.log.level=ERROR \
    -cp "$KAFKA_LIBS/*" "$@"
}

# Real readiness check: BrokerApiVersionsCommand fetches cluster metadata
# from the bootstrap server and then sends ApiVersions to every broker listed.
kafka_answers() {
  local output
  output=$(run_kafka_tool 30 org.apache.kafka.tools.BrokerApiVersionsCommand \
    --bootstrap-server "$KAFKA_HOST:$KAFKA_PORT" 2>/dev/null) || return 1
  [[ $output == *"(id: "* ]]
}

format_kafka_storage() {
  local cluster_id output
  if [[ ! -s $KAFKA_CLUSTER_ID_FILE ]]; then
    run_kafka_tool 60 kafka.tools.StorageTool random-uuid >"$KAFKA_CLUSTER_ID_FILE.tmp" ||
      die "kafka: could not generate a cluster id"
    mv -f -- "$KAFKA_CLUSTER_ID_FILE.tmp" "$KAFKA_CLUSTER_ID_FILE"
  fi
  cluster_id=$(head -n 1 -- "$KAFKA_CLUSTER_ID_FILE")
  say "kafka: formatting storage in $KAFKA_LOG_DIRS (first start, cluster id $cluster_id) ..."
  if ! output=$(run_kafka_tool 120 kafka.tools.StorageTool format -t "$cluster_id" -c "$KAFKA_CONFIG" 2>&1); then
    printf '%s\n' "$output" >&2
    die "kafka: formatting the storage directory failed (see above)"
  fi
}

# The TCP check is cheap; only then pay for a JVM running the real metadata probe.
kafka_ready_probe() {
  port_open "$KAFKA_HOST" "$KAFKA_PORT" && kafka_answers
}

wait_for_kafka() {
  wait_until_ready kafka "$1" "$KAFKA_READY_TIMEOUT" 1 kafka_ready_probe
}

start_kafka() {
  local pid port
  if kafka_is_external; then
    say "$(external_note kafka)"
    return 0
  fi
  remove_stale_pid_file kafka
  require_java
  if pid=$(running_pid kafka); then
    say "kafka: already running (pid $pid)"
    wait_for_kafka "$pid"
    return 0
  fi
  for port in "$KAFKA_PORT" "$KAFKA_CONTROLLER_PORT"; do
    if port_open "$KAFKA_HOST" "$port"; then
      die "kafka: port $port on $KAFKA_HOST is already in use by another process$(describe_port_owner "$port"). Stop it, pick other ports with TRELLIS_KAFKA_PORT / TRELLIS_KAFKA_CONTROLLER_PORT, or, if it is a Kafka you want to use, set TRELLIS_KAFKA_BOOTSTRAP=$KAFKA_HOST:$KAFKA_PORT"
    fi
  done
  mkdir -p -- "$KAFKA_LOG_DIRS"
  write_kafka_config
  if [[ ! -f $KAFKA_LOG_DIRS/meta.properties ]]; then
    format_kafka_storage
  fi
  rotate_log "$KAFKA_LOG"
  say "kafka: starting Kafka $KAFKA_VERSION on $KAFKA_HOST:$KAFKA_PORT (controller $KAFKA_HOST:$KAFKA_CONTROLLER_PORT) ..."
  # G1 with short pauses and a modest heap: plenty for development traffic.
  pid=$(start_detached "$KAFKA_LOG" "$JAVA" -Xms256m -Xmx512m -XX:+UseG1GC -XX:MaxGCPauseMillis=20 \
    -XX:InitiatingHeapOccupancyPercent=35 -XX:+ExplicitGCInvokesConcurrent -Djava.awt.headless=true \
    -Dlog4j2.configurationFile="$KAFKA_LOG4J_CONFIG" \
    -cp "$KAFKA_LIBS/*" kafka.Kafka "$KAFKA_CONFIG")
  printf '%s\n' "$pid" >"$KAFKA_PID_FILE"
  wait_for_kafka "$pid"
}

# --------------------------------------------------------------------------
# FerretDB
# --------------------------------------------------------------------------

# A real MongoDB 'ping' when python3 is around (stdlib only); otherwise a TCP
# connect, which FerretDB only accepts once its backend is open.
ferretdb_answers() {
  if command -v python3 >/dev/null 2>&1; then
    python3 "$MONGO_PING" "$FERRETDB_HOST" "$FERRETDB_PORT" 3 2>/dev/null
  else
    port_open "$FERRETDB_HOST" "$FERRETDB_PORT"
  fi
}

ferretdb_probe_name() {
  if command -v python3 >/dev/null 2>&1; then
    printf 'ping'
  else
    printf 'tcp'
  fi
}

wait_for_ferretdb() {
  wait_until_ready ferretdb "$1" "$FERRETDB_READY_TIMEOUT" 0.5 ferretdb_answers
}

start_ferretdb() {
  local pid
  if ferretdb_is_external; then
    say "$(external_note ferretdb)"
    return 0
  fi
  remove_stale_pid_file ferretdb
  if pid=$(running_pid ferretdb); then
    say "ferretdb: already running (pid $pid)"
    wait_for_ferretdb "$pid"
    return 0
  fi
  if port_open "$FERRETDB_HOST" "$FERRETDB_PORT"; then
    die "ferretdb: port $FERRETDB_PORT on $FERRETDB_HOST is already in use by another process$(describe_port_owner "$FERRETDB_PORT"). Stop it, pick another port with TRELLIS_FERRETDB_PORT, or, if it is a MongoDB you want to use, set TRELLIS_MONGODB_URI=mongodb://$FERRETDB_HOST:$FERRETDB_PORT"
  fi
  mkdir -p -- "$FERRETDB_DATA"
  rotate_log "$FERRETDB_LOG"
  say "ferretdb: starting FerretDB $FERRETDB_VERSION (SQLite in $FERRETDB_DATA) on $FERRETDB_HOST:$FERRETDB_PORT ..."
  # --debug-addr=- : no HTTP debug/metrics listener (its default port 8088 is a
  #                  common one for other dev servers).
  # --state-dir    : FerretDB keeps a small state.json; default is the cwd.
  pid=$(start_detached "$FERRETDB_LOG" "$FERRETDB_BIN" \
    --handler=sqlite \
    --sqlite-url="file:$FERRETDB_DATA/?_pragma=synchronous($FERRETDB_SYNC)" \
    --listen-addr="$FERRETDB_HOST:$FERRETDB_PORT" \
    --state-dir="$FERRETDB_DIR" \
    --debug-addr=- \
    --log-level=warn \
    --telemetry=disable)
  printf '%s\n' "$pid" >"$FERRETDB_PID_FILE"
  wait_for_ferretdb "$pid"
}

# --------------------------------------------------------------------------
# Commands
# --------------------------------------------------------------------------

prepare_data_dir() {
  mkdir -p -- "$DATA_DIR"
  # Keeps git quiet even when TRELLIS_DATA_DIR points somewhere else in the repo.
  [[ -f $DATA_DIR/.gitignore ]] || printf '# Created by deploy/local/stack.sh: local data, never committed.\n*\n' >"$DATA_DIR/.gitignore"
}

install_component() {
  if is_external "$1"; then
    say "$(external_note "$1")"
    return 0
  fi
  case $1 in
    kafka) install_kafka ;;
    ferretdb) install_ferretdb ;;
  esac
}

cmd_install() {
  local component
  for component in "$@"; do
    if ! is_external "$component" && "${component}_installed"; then
      say "$component: already installed in $(install_location_of "$component")"
      continue
    fi
    install_component "$component"
  done
}

cmd_up() {
  local component
  prepare_data_dir
  take_lock 9 "$DATA_DIR/.stack.lock"
  # Fetch/build everything first, so a failing build does not leave half a
  # stack running.
  for component in "$@"; do
    is_external "$component" || install_component "$component"
  done
  for component in "$@"; do
    case $component in
      kafka) start_kafka ;;
      ferretdb) start_ferretdb ;;
    esac
  done
}

cmd_down() {
  local component
  if [[ -d $DATA_DIR ]]; then
    take_lock 9 "$DATA_DIR/.stack.lock"
  fi
  for component in "$@"; do
    # Stop a server we started earlier even if it has since been declared
    # external; otherwise just say there is nothing of ours to stop.
    if is_external "$component" && [[ ! -f $(pid_file_of "$component") ]]; then
      say "$(external_note "$component")"
      continue
    fi
    stop_component "$component"
  done
}

# One line per component; exit 0 when every component we manage is running, 3 otherwise.
cmd_status() {
  local component pid state probe all_running=1
  printf '[trellis] data %s, cache %s\n' "$DATA_DIR" "$CACHE_DIR"
  printf '%-9s %-17s %-8s %-7s %-22s %s\n' COMPONENT ADDRESS STATE PID PROBE LOG
  for component in "$@"; do
    if is_external "$component"; then
      printf '%-9s %s\n' "$component" "$(external_note "$component")"
      continue
    fi
    if pid=$(running_pid "$component"); then
      state=running
    else
      state=stopped pid=-
      all_running=0
    fi
    case $component in
      kafka)
        if ! port_open "$KAFKA_HOST" "$KAFKA_PORT"; then
          probe="metadata: no answer"
        elif kafka_installed && JAVA=$(java_command) && [[ -n $JAVA ]]; then
          if kafka_answers; then probe="metadata: ok"; else probe="metadata: no answer"; fi
        else
          probe="tcp: open (no jars)"
        fi
        ;;
      ferretdb)
        if ferretdb_answers; then
          probe="$(ferretdb_probe_name): ok"
        else
          probe="$(ferretdb_probe_name): no answer"
        fi
        ;;
    esac
    printf '%-9s %-17s %-8s %-7s %-22s %s\n' "$component" "$(address_of "$component")" "$state" "$pid" "$probe" "$(log_file_of "$component")"
  done
  ((all_running)) || return 3
}

usage() {
  cat <<EOF
Usage: $(basename "$0") COMMAND [kafka] [ferretdb]

Runs the local infrastructure of Trellis (no Docker needed):
  Kafka $KAFKA_VERSION     on $KAFKA_HOST:$KAFKA_PORT (KRaft, single node)
  FerretDB $FERRETDB_VERSION on $FERRETDB_HOST:$FERRETDB_PORT (MongoDB protocol, SQLite storage)

Commands:
  up        install if needed, start, and wait until ready (idempotent)
  down      stop (SIGTERM, SIGKILL after ${STOP_TIMEOUT}s)
  status    show state; exit 0 if all are running, 3 otherwise
  install   only fetch/build into the cache, start nothing

Without component names, a command applies to both.
Data and logs: $DATA_DIR   Cache: $CACHE_DIR
See deploy/local/README.md for the environment variables.
EOF
}

main() {
  local command=${1:-}
  local components=() arg
  [[ $# -gt 0 ]] && shift
  for arg in "$@"; do
    case $arg in
      kafka | ferretdb) components+=("$arg") ;;
      *) die "unknown component '$arg' (expected: kafka, ferretdb)" ;;
    esac
  done
  ((${#components[@]} > 0)) || components=(kafka ferretdb)

  check_port_number TRELLIS_KAFKA_PORT "$KAFKA_PORT"
  check_port_number TRELLIS_KAFKA_CONTROLLER_PORT "$KAFKA_CONTROLLER_PORT"
  check_port_number TRELLIS_FERRETDB_PORT "$FERRETDB_PORT"

  case $command in
    up) cmd_up "${components[@]}" ;;
    down) cmd_down "${components[@]}" ;;
    status) cmd_status "${components[@]}" ;;
    install) cmd_install "${components[@]}" ;;
    -h | --help | help) usage ;;
    "") usage >&2 && exit 2 ;;
    *) usage >&2 && die "unknown command '$command'" ;;
  esac
}

main "$@"
