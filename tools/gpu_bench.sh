#!/usr/bin/env bash
# GPU-host side of the issue 13 tables (run from the repo root; after `. .gpu-bundle/bootstrap.sh` for the
# phases that run deno). Phases, in the order given:
#   stash     move the .xfer/part-* this call carried (tools/gpu_xfer.sh) to /tmp/xfer
#   unpack    once every part in SHA256SUMS is there: check sha256, untar into /tmp/xfer-root
#   job-bg    start `job` in its own process session (it outlives the call; the host must stay warm)
#   job       [issue 12 perf on SAM-B when ISSUE12=1; ISSUE12=after: once the passes end] then wait for /tmp/xfer-root and run the bench
#             passes of BENCH_PASSES, SHARDS processes each, interleaved, into /tmp/runs; stops at DEADLINE
#             (epoch seconds) so that a collect call still finds the host
#   status    the job's log tail and record counts
#   collect   merge the shards of each pass, render the reports, pack records/reports/quant.json into $OUT
# Environment: XFER_DIR (.xfer), XFER_STASH (/tmp/xfer), XFER_ROOT (/tmp/xfer-root), SHARDS (4), BENCH_FLAGS (extra bench flags, e.g. budgets), BENCH_PASSES (pass specs
# "name|flags" separated by ';'; flags with their own --config replace CFG), DEADLINE.
set -uo pipefail
cd "$(dirname "$0")/.."
OUT=${OUT:-/tmp/out}
ROOT=${XFER_ROOT:-/tmp/xfer-root}
STASH=${XFER_STASH:-/tmp/xfer}
X=${XFER_DIR:-.xfer}
RUNS=/tmp/runs
CFG=${CFG:-bench/configs/real-models.json}
SHARDS=${SHARDS:-4}
log() { echo "[$(date +%H:%M:%S)] $*"; }
records() { cat "$1"/records.jsonl 2>/dev/null | grep -c '"key"' || true; }
for phase in "$@"; do
  case $phase in
  stash)
    mkdir -p "$STASH"
    for f in "$X"/part-* "$X"/SHA256SUMS; do [ -f "$f" ] && cp "$f" "$STASH/"; done
    ls "$STASH" | tr '\n' ' '; echo
    ;;
  unpack)
    if [ -d "$ROOT/models" ]; then log "already unpacked"; continue; fi
    (cd "$STASH" && grep part- SHA256SUMS | sha256sum -c --quiet) || { log "parts missing or corrupt"; exit 1; }
    cat "$STASH"/part-* > "$STASH/all.tar"
    (cd "$STASH" && grep all.tar SHA256SUMS | sha256sum -c --quiet) || { log "stream corrupt"; exit 1; }
    mkdir -p "$ROOT.part" && tar -xf "$STASH/all.tar" -C "$ROOT.part" && mv "$ROOT.part" "$ROOT"
    rm -f "$STASH/all.tar"
    for m in "$ROOT"/models/*; do SAMQ_MODELS=$ROOT/models deno task model verify "$(basename "$m")" 2>&1 | tail -1; done
    ;;
  job-bg)
    setsid nohup bash tools/gpu_bench.sh job > /tmp/job.log 2>&1 < /dev/null &
    log "job started (pid $!)"
    ;;
  job)
    issue12() {
      local s=${ISSUE12_S:-420} left=$(( ${DEADLINE:-9999999999} - $(date +%s) ))
      [ "$left" -lt "$s" ] && s=$left
      [ "$s" -gt 60 ] || { log "no time left for the issue 12 perf"; return; }
      mkdir -p /tmp/out12
      OUT=/tmp/out12 PERF_FLAGS=${PERF12:---only pqsam,qdrop --steps 3} timeout "$s" \
        bash tools/gpu_cuda.sh import torch perf
      log "issue 12 perf done (rc $?)"
    }
    [ "${ISSUE12:-0}" = 1 ] && issue12
    while [ ! -d "$ROOT/models" ]; do sleep 2; done
    export SAMQ_MODELS=$ROOT/models SAMQ_DATA=$ROOT/data
    IFS=";" read -ra passes <<< "${BENCH_PASSES:-main|}"
    for p in "${passes[@]}"; do
      name=${p%%|*} flags=${p#*|}
      left=$(( ${DEADLINE:-9999999999} - $(date +%s) ))
      [ "$left" -gt 30 ] || { log "no time left for pass $name"; break; }
      log "pass $name ($SHARDS shards, ${left}s left): $flags ${BENCH_FLAGS:-}"
      for i in $(seq 0 $((SHARDS - 1))); do
        # shellcheck disable=SC2086
        cfg="--config $CFG"; case " $flags " in *" --config "*) cfg="" ;; esac
        timeout "$left" deno run -A cli/bench.ts $cfg --ep "${EP:-cuda}" --interleave --shard "$i/$SHARDS" --shard-by model \
          --model-cache /tmp/mc --out "$RUNS/$name-shard$i" $flags ${BENCH_FLAGS:-} > "/tmp/bench-$name-$i.log" 2>&1 &
      done
      wait
      log "pass $name ended: $(for i in $(seq 0 $((SHARDS - 1))); do records "$RUNS/$name-shard$i"; done | awk '{s+=$1} END {print s}') records"
    done
    [ "${ISSUE12:-0}" = after ] && issue12
    log "job done"
    ;;
  status)
    tail -5 /tmp/job.log 2>/dev/null
    for d in "$RUNS"/*; do [ -d "$d" ] && echo "$(basename "$d"): $(records "$d") records; $(tail -c 160 /tmp/bench-"$(basename "$d" | sed 's/-shard/-/')".log 2>/dev/null | tr '\r\n' '  ')"; done
    nvidia-smi --query-gpu=utilization.gpu,memory.used --format=csv,noheader 2>/dev/null
    ;;
  collect)
    export SAMQ_MODELS=$ROOT/models SAMQ_DATA=$ROOT/data
    mkdir -p /tmp/collect
    for name in $(ls "$RUNS" 2>/dev/null | sed 's/-shard[0-9]*$//' | sort -u); do
      rm -rf "/tmp/collect/$name"
      deno task bench merge "/tmp/collect/$name" "$RUNS/$name"-shard* 2>&1 | grep -v 'Task' | tail -1
      deno task report "/tmp/collect/$name" 2>&1 | grep -v 'Task' | tail -1
    done
    # quant.json of every quantized model (notes: steady s/step, schedules), no ONNX files
    for d in /tmp/mc/*/; do [ -f "$d/quant.json" ] && mkdir -p "/tmp/collect/quant/$(basename "$d")" &&
      cp "$d/quant.json" "$d/bench-quantize.json" "/tmp/collect/quant/$(basename "$d")/" 2>/dev/null; done
    cp /tmp/job.log /tmp/bench-*.log /tmp/collect/ 2>/dev/null
    [ -d /tmp/out12 ] && cp -r /tmp/out12 /tmp/collect/issue12
    tar -czf "$OUT/results.tgz" -C /tmp/collect .
    ls -la "$OUT"
    ;;
  *) echo "unknown phase $phase"; exit 2 ;;
  esac
done
