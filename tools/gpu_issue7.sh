#!/usr/bin/env bash
# GPU-host batch for the learned methods (issue 7), run from the repo root after
# `. .gpu-bundle/bootstrap.sh`. Phases (arguments, in order given):
#   export  random-init SAM-B export to /tmp/samb (run it in the background: `tools/gpu_issue7.sh export &`)
#   probe   seconds per end-to-end step on minisam (lsq+, WebGPU and the host's CPU cores)
#   samb    random-init SAM-B export, then seconds per step of the PQ-SAM objective (WebGPU, CPU)
#   bench   bench/configs/learned-minisam.json on coco-tiny (SAMQ_DATA must hold coco-tiny)
# Writes logs and JSON into $OUT. Models must already be installed under models/.
set -uo pipefail
OUT=${OUT:-/tmp/out}
export PYTHONUNBUFFERED=1
S=$(date +%s); t() { echo "[$(( $(date +%s) - S ))s] $*" | tee -a "$OUT/timeline.txt"; }
note() { python3 -c "import json,sys; q=json.load(open(sys.argv[1])); print(q['method'], q['bitsLabel'], q['timingsMs']); [print(' ', n) for n in q['notes']]" "$1/quant.json"; }
for phase in "$@"; do
  case $phase in
  probe)
    for ep in ${PROBE_EPS:-webgpu cpu}; do
      timeout ${PROBE_TIMEOUT:-280} deno task quantize --model minisam --method lsq+ --bits w4a4 --n 4 --budget 0.01 \
        --audit-images 1 --ep $ep --out /tmp/q-probe-$ep --force 2>&1 | grep -E "wrote|error" | tee -a "$OUT/probe.txt"
      note /tmp/q-probe-$ep >> "$OUT/probe.txt" 2>&1
      t "probe $ep"
    done
    ;;
  export)
    python3 tools/export_sam.py --random sam-b --out /tmp/samb --layouts official --skip-check > "$OUT/export.txt" 2>&1
    ;;
  samb)
    while pgrep -f export_sam.py > /dev/null; do sleep 2; done
    [ -d /tmp/samb/official ] || python3 tools/export_sam.py --random sam-b --out /tmp/samb --layouts official --skip-check 2>&1 | grep -E "^official:|Error"
    [ -d models/sam-b-random ] || deno task model import /tmp/samb/official --name sam-b-random --quiet 2>&1 | grep -v Task
    t "exported sam-b"
    for ep in webgpu; do
      timeout ${SAMB_TIMEOUT:-400} deno task quantize --model sam-b-random --method pq-sam --bits w4a4 \
        --calib synthetic:seed=5,n=4,size=640 --n 4 --eval-data none --budget 0.01 --prompts-per-image 4 \
        --audit-images 1 --ep $ep --out /tmp/q-samb-pqsam-$ep --force 2>&1 | grep -E "wrote|error|pq-sam:" | tail -5 | tee -a "$OUT/samb.txt"
      note /tmp/q-samb-pqsam-$ep >> "$OUT/samb.txt" 2>&1
      t "sam-b pq-sam $ep"
    done
    ;;
  bench)
    timeout 560 deno task bench --config bench/configs/learned-minisam.json --out runs/learned-minisam \
      ${BENCH_FLAGS:-} 2>&1 | grep -vE "^\[|Task" | tail -40 | tee -a "$OUT/bench.txt"
    cp runs/learned-minisam/report.md "$OUT/" 2>/dev/null
    (cd runs && tar czf "$OUT/learned-minisam-store.tgz" --exclude='learned-minisam/models' learned-minisam)
    t "bench"
    ;;
  *) echo "unknown phase $phase"; exit 2 ;;
  esac
done
