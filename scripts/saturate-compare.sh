#!/usr/bin/env bash
# The highest sustained delivery rate at a p99 bound, for the Socket.IO server livepad replaces and
# for livepad, through the shared bench's compare.sh (one load generator for both).
#
#   mvn -q package -DskipTests && scripts/saturate-compare.sh
#   P99_BOUND_MS=100 ROOMS=100 scripts/saturate-compare.sh
#
# compare.sh has no saturate scenario of its own, so this steps its `fanout` up: the same rooms
# and members, the edit interval shortened by about 20% a step (delivery rate up by 25%), both
# servers at every step. A step "holds" when its delivery p99 is within the bound, nothing was
# lost and every room converged; the result is each server's highest delivered rate that held.
# The load generator shares the machine's cores with the server, for both servers alike.
#
# Knobs: P99_BOUND_MS=50 ROOMS=50 MEMBERS=4 INTERVALS="50 40 32 25 20 16 13 10 8 6 5"
#        STEP_SECONDS=10 STEP_WARMUP=5 BENCH=../shared/bench
#        LIVEPAD_CMD (as for compare.sh; default: the README's production launch)
# Results: $OUT (default /tmp/livepad-saturate-<time>), one compare.sh folder per step.
set -uo pipefail
cd "$(dirname "$0")/.."
BENCH=${BENCH:-../shared/bench}
P99_BOUND_MS=${P99_BOUND_MS:-50}
ROOMS=${ROOMS:-50}; MEMBERS=${MEMBERS:-4}
INTERVALS=${INTERVALS:-50 40 32 25 20 16 13 10 8 6 5}
STEP_SECONDS=${STEP_SECONDS:-10}; STEP_WARMUP=${STEP_WARMUP:-5}
export LIVEPAD_CMD=${LIVEPAD_CMD:-java -XX:+UseSerialGC -Xms32m -Xmx512m -jar target/livepad.jar}
OUT=${OUT:-/tmp/livepad-saturate-$(date -u +%Y%m%dT%H%M%SZ)}
mkdir -p "$OUT"
[ -x "$BENCH/compare.sh" ] || { echo "no $BENCH/compare.sh (set BENCH)" >&2; exit 2; }
[ -f target/livepad.jar ] || { echo "build first: mvn -q package -DskipTests" >&2; exit 2; }

for interval in $INTERVALS; do
  echo "[saturate] $ROOMS rooms x $MEMBERS members, an edit every $interval ms" >&2
  # The idle scenario compare.sh always runs is cut to a token size: this script measures fanout only.
  OUT="$OUT/step-$interval" FANOUT_ROOMS=$ROOMS FANOUT_MEMBERS=$MEMBERS FANOUT_INTERVAL_MS=$interval \
    FANOUT_SECONDS=$STEP_SECONDS FANOUT_WARMUP=$STEP_WARMUP IDLE_CONNECTIONS=10 IDLE_PER_ROOM=10 IDLE_HOLD=1 \
    "$BENCH/compare.sh" > "$OUT/step-$interval.txt" 2>&1 || echo "[saturate] compare.sh failed at $interval ms" >&2
done

node - "$OUT" "$P99_BOUND_MS" <<'EOF' | tee "$OUT/saturate.md"
const fs = require('fs'), path = require('path');
const [out, bound] = [process.argv[2], Number(process.argv[3])];
const steps = fs.readdirSync(out).filter(d => d.startsWith('step-')
  && fs.existsSync(path.join(out, d, 'results.jsonl')));
const rows = steps.flatMap(d => fs.readFileSync(path.join(out, d, 'results.jsonl'), 'utf8')
  .trim().split('\n').filter(Boolean).map(JSON.parse).filter(r => r.scenario === 'fanout'));
rows.sort((a, b) => b.params.intervalMs - a.params.intervalMs || a.label.localeCompare(b.label));
const holds = r => r.deliveries.latencyMs.p99 <= bound && r.deliveries.lost === 0
  && r.convergedRooms.split('/')[0] === r.convergedRooms.split('/')[1];
console.log(`| server | edit every | offered deliveries/s | delivered/s | p99 ms | lost | converged | CPU-ms per 1k | holds (p99 <= ${bound} ms) |`);
console.log('|---|---|---|---|---|---|---|---|---|');
for (const r of rows) {
  const p = r.params, offered = Math.round(p.rooms * p.members * (p.members - 1) * 1000 / p.intervalMs);
  console.log(`| ${r.label} | ${p.intervalMs} ms | ${offered} | ${r.deliveries.perSec} | ${r.deliveries.latencyMs.p99} | `
    + `${r.deliveries.lost} | ${r.convergedRooms} | ${r.resources.serverCpuMsPer1kDeliveries} | ${holds(r) ? 'yes' : 'no'} |`);
}
const best = {};
for (const r of rows.filter(holds)) {
  if (!best[r.label] || r.deliveries.perSec > best[r.label].deliveries.perSec) best[r.label] = r;
}
console.log('');
for (const label of ['socketio', 'livepad']) {
  const r = best[label];
  console.log(r ? `${label}: ${r.deliveries.perSec} deliveries/s sustained (edit every ${r.params.intervalMs} ms, p99 ${r.deliveries.latencyMs.p99} ms)`
    : `${label}: no step held p99 <= ${bound} ms`);
}
if (best.socketio && best.livepad) {
  console.log(`ratio livepad/socketio: ${(best.livepad.deliveries.perSec / best.socketio.deliveries.perSec).toFixed(2)}x`);
}
EOF
echo "results: $OUT" >&2
