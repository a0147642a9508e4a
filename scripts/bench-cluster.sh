#!/usr/bin/env bash
# Measures livepad in cluster mode on this machine: the load generator's fanout scenario against one
# instance and against three (each room's members spread over them), both on PostgreSQL and Redis,
# and against the single-process SQLite default as the baseline, alternated ROUNDS times.
# Prints one JSON line per run (docs/performance.md, "Cluster mode", has the results and the reading).
#
#   scripts/bench-cluster.sh            needs target/livepad.jar and the load generator
#                                       (mvn -q package -DskipTests, which compiles the tests too),
#                                       PostgreSQL with database "test" and Redis on their default ports
# Settings: JAVA_OPTS (extra JVM flags for every server, e.g. a profiler), KINDS ("sqlite-1 cluster-1 cluster-3": which to run, cluster-N for N instances), ROUNDS (3), DURATION (15), WARMUP (10), ROOMS (50), MEMBERS (4), INTERVAL_MS (50), HEAP (512m),
#           PGURL (postgresql://root@127.0.0.1:5432/test), REDIS_URL (redis://127.0.0.1:6379)
set -euo pipefail
cd "$(dirname "$0")/.."

ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-15}
WARMUP=${WARMUP:-10}
ROOMS=${ROOMS:-50}
MEMBERS=${MEMBERS:-4}
INTERVAL_MS=${INTERVAL_MS:-50}
HEAP=${HEAP:-512m}
PGURL=${PGURL:-postgresql://root@127.0.0.1:5432/test}
REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379}
JAR=$PWD/target/livepad.jar
WORK=${LOG_DIR:-$(mktemp -d)} # the servers' logs, kept when LOG_DIR is given
mkdir -p "$WORK"
PIDS=()
trap 'kill "${PIDS[@]}" 2>/dev/null || true; [ -n "${LOG_DIR:-}" ] || rm -rf "$WORK"' EXIT
[ -f "$JAR" ] || { echo "build the jar first: mvn -q package -DskipTests" >&2; exit 1; }

pg() { psql "${PGURL%%\?*}" -qAt -c "$1"; }

# start NAME PORT [VAR=VALUE ...]: one server in the background, waits for /ready
start() {
  local name=$1 port=$2
  shift 2
  env PORT="$port" HOST=127.0.0.1 EXEMPT_LOOPBACK=true DATA_DIR="$WORK/$name" JWT_SECRET=bench-secret-bench-secret-bench-secret "$@" \
    java -Xmx"$HEAP" ${JAVA_OPTS:-} -jar "$JAR" >"$WORK/$name.log" 2>&1 &
  PIDS+=($!)
  for _ in $(seq 100); do
    curl -fs "http://127.0.0.1:$port/ready" >/dev/null && return 0
    sleep 0.2
  done
  echo "$name did not start:" >&2
  tail -20 "$WORK/$name.log" >&2
  exit 1
}

stop_all() {
  kill "${PIDS[@]}" 2>/dev/null || true
  wait "${PIDS[@]}" 2>/dev/null || true
  PIDS=()
}

# run LABEL INSTANCES: fanout against the servers started last, with PostgreSQL's and Redis's CPU apart
run() {
  local label=$1 urls=$2 pids
  pids=$(IFS=,; echo "${PIDS[*]}")
  local support
  support=$( (pgrep -d, -x postgres; pgrep -d, -x redis-server) | paste -sd, -)
  echo "== $label" >&2
  # --support-pids=: the list may be empty. grep: after a run with errors Maven prints its failure below the JSON line
  mvn -q -o exec:exec@loadgen -Dloadgen.args="fanout --url=$urls --pid=$pids --support-pids=$support \
    --rooms $ROOMS --members $MEMBERS --interval-ms $INTERVAL_MS --duration $DURATION --warmup $WARMUP" \
    | grep '^{' | tail -1 | sed "s/^/{\"label\":\"$label\",\"result\":/; s/\$/}/" || true # a run with errors still reports
  local url
  for url in ${urls//,/ }; do
    curl -s "$url/status" >>"$WORK/status-$label.json" && echo >>"$WORK/status-$label.json"
  done
}

for round in $(seq "$ROUNDS"); do
  for kind in ${KINDS:-sqlite-1 cluster-1 cluster-3}; do
    case $kind in
      sqlite-1)
        start sqlite 3100
        run "$kind" "http://127.0.0.1:3100" ;;
      cluster-*)
        n=${kind#cluster-}
        schema="livepad_bench_${n}_$round$$"
        pg "CREATE SCHEMA $schema"
        urls=()
        for i in $(seq "$n"); do
          start "i$i" $((3110 + i)) DATABASE_URL="$PGURL?currentSchema=$schema" REDIS_URL="$REDIS_URL" INSTANCE_ID="i$i"
          urls+=("http://127.0.0.1:$((3110 + i))")
        done
        run "$kind" "$(IFS=,; echo "${urls[*]}")" ;;
    esac
    stop_all
    [ -z "${schema:-}" ] || pg "DROP SCHEMA $schema CASCADE" 2>/dev/null
    schema=
  done
done
