#!/usr/bin/env bash
# `make bench-scale`: how the cost grows with the data. Runs bench/run.sh for scenarios 1, 1c and 3 at each data-set
# size (BENCH_SCALE_SIZES, default 10,000, 100,000 and 1,000,000 customers with BENCH_FAVORITES=10 each) and each key
# distribution (BENCH_SCALE_KEYS, default uniform and zipf:1.1), one seeded data set per size reused across the key
# distributions (BENCH_REUSE_DATA=1: put back as seeded before each run), with shorter loads than make bench (10 s
# warm-up, 15 s measured). The ceilings are measured in the first run only (BENCH_SCALE_CEILINGS=every: in each run).
# Writes bench/results/scale-latest.json and scale-latest.md (each run's own latest.* under
# bench/results/scale.tmp/). A benchmark, not a test. See bench/README.md ("Scaling run").
#
# Environment (all optional; the BENCH_* of bench/run.sh apply to every run):
#   BENCH_SCALE_SIZES="10000 100000 1000000"   BENCH_SCALE_KEYS="uniform zipf:1.1"   BENCH_SCALE_SCENARIOS="1 1c 3"
#   BENCH_WARMUP=10 BENCH_DURATION=15          BENCH_RETRY_NOISY=0 (no second measurement of a noisy run)
#   BENCH_SCALE_CEILINGS=first|every
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
LOG_TAG=scale
WORK="$ROOT/bench/results/scale.tmp"   # set again below, under BENCH_RESULTS_DIR
# shellcheck source=bench/lib.sh
. "$ROOT/bench/lib.sh"

typed_command BENCH bench-scale bench/scale.sh
SIZES="${BENCH_SCALE_SIZES:-10000 100000 1000000}"
KEYS="${BENCH_SCALE_KEYS:-uniform zipf:1.1}"
SCENARIOS="${BENCH_SCALE_SCENARIOS:-1 1c 3}"
CEILINGS_WHEN="${BENCH_SCALE_CEILINGS:-first}"
export BENCH_WARMUP="${BENCH_WARMUP:-10}" BENCH_DURATION="${BENCH_DURATION:-15}" BENCH_START_WARMUP="${BENCH_START_WARMUP:-0}"
export BENCH_RETRY_NOISY="${BENCH_RETRY_NOISY:-0}"
RESULTS="${BENCH_RESULTS_DIR:-$ROOT/bench/results}"
WORK="$RESULTS/scale.tmp"
rm -rf "$WORK"; mkdir -p "$WORK"
SCALE_COMMAND="$BENCH_COMMAND"

log "plan: sizes [$SIZES] x keys [$KEYS], scenarios [$SCENARIOS], ${BENCH_WARMUP}s warm-up + ${BENCH_DURATION}s each"
started=$(date +%s)
first=1
runs=()
for size in $SIZES; do
  # The first run of a size seeds it (unless the database holds it already: BENCH_REUSE_DATA=1 checks the marker);
  # the next ones reuse it.
  for keys in $KEYS; do
    name="$size-${keys//:/}"
    ceilings="fixed pg"
    [ "$first" = 1 ] || [ "$CEILINGS_WHEN" = every ] || ceilings=""
    log "run $name: $size customers, keys $keys, ceilings [${ceilings:-none}]"
    BENCH_CUSTOMERS="$size" BENCH_KEYS="$keys" BENCH_SCENARIOS="$SCENARIOS" BENCH_CEILINGS="$ceilings" \
      BENCH_REUSE_DATA=1 BENCH_RESULTS_DIR="$WORK/$name" BENCH_COMMAND="$SCALE_COMMAND ($name)" \
      "$ROOT/bench/run.sh" 2>&1 | sed -u "s/^/[$name] /" || log "run $name failed"
    runs+=("$name")
    # The ceilings are measured again by the next run when this one wrote no report.
    [ -f "$WORK/$name/latest.json" ] && first=0
  done
done
log "all runs done in $(( $(date +%s) - started )) s"

build_tools
machine_facts
BENCH_SCALE_RUNS="${runs[*]}" BENCH_SCALE_WORK="$WORK" BENCH_RESULTS_DIR="$RESULTS" BENCH_COMMAND="$SCALE_COMMAND" \
  BENCH_SCALE_SECONDS="$(( $(date +%s) - started ))" java -cp "$CP" com.favoriteproducts.bench.BenchTool scale-report
log "written: ${RESULTS#"$ROOT"/}/scale-latest.json and scale-latest.md (each run: ${WORK#"$ROOT"/}/<size>-<keys>/)"
