#!/usr/bin/env bash
# GPU-host batch for the CUDA EP (issue 12), run from the repo root after `. .gpu-bundle/bootstrap.sh`
# (tools/gpu_pack.sh, tools/gpu_bootstrap.sh). Phases, in the order given:
#   export-bg  start the random-init SAM-B export in its own process session (survives this call)
#   import     wait for the export, register it as models/sam-b-random
#   torch      PyTorch encoder fp32/TF32/bf16 and fake-quant/train-step baselines (tools/torch_sam_timing.py)
#   perf       deno task perf gpu: encoder FP and W4A4 fake-quant, PQ-SAM end-to-end step, QDrop block step
#   profile    the same steps with SAMQ_ORT_PROFILE (per-node ORT profiles, summarized into $OUT)
#   placement  SAMQ_DISABLE_CPU_FALLBACK=1: which graphs refuse to run without CPU nodes
# Writes logs and JSON into $OUT.
set -uo pipefail
OUT=${OUT:-/tmp/out}
export PYTHONUNBUFFERED=1
S=$(date +%s); t() { echo "[$(( $(date +%s) - S ))s] $*" | tee -a "$OUT/timeline.txt"; }
PERF=${PERF_FLAGS:-}
for phase in "$@"; do
  case $phase in
  export-bg)
    [ -d /tmp/samb/official ] || setsid nohup python3 tools/export_sam.py --random sam-b --out /tmp/samb \
      --layouts official --skip-check > /tmp/samb-export.log 2>&1 < /dev/null &
    t "export started"
    ;;
  import)
    while pgrep -f export_sam.py > /dev/null; do sleep 2; done
    [ -d /tmp/samb/official ] || python3 tools/export_sam.py --random sam-b --out /tmp/samb --layouts official --skip-check 2>&1 | tail -3
    [ -d models/sam-b-random ] || deno task model import /tmp/samb/official --name sam-b-random --quiet 2>&1 | grep -v Task
    t "sam-b ready"
    ;;
  torch)
    python3 tools/torch_sam_timing.py --random sam-b --json ${TORCH_FLAGS:-} > "$OUT/torch.json" 2> "$OUT/torch.err"; tail -2 "$OUT/torch.err"
    cat "$OUT/torch.json"; t "torch"
    ;;
  perf)
    deno task perf gpu --model sam-b-random --ep cuda --torch "$OUT/torch.json" $PERF --json-out "$OUT/perf-gpu.json" 2>&1 |
      grep -v '^Task' | tee "$OUT/perf-gpu.txt" | tail -40
    t "perf"
    ;;
  profile)
    rm -rf /tmp/prof; SAMQ_ORT_PROFILE=/tmp/prof deno task perf gpu --model sam-b-random --ep cuda --steps 2 --reps 2 $PERF 2>&1 |
      grep -v '^Task' | tail -5
    python3 tools/ort_profile_summary.py /tmp/prof --top 14 --json "$OUT/profile.json" > "$OUT/profile.txt" 2>&1; cat "$OUT/profile.txt" | head -150
    t "profile"
    ;;
  placement)
    SAMQ_DISABLE_CPU_FALLBACK=1 deno task perf gpu --model sam-b-random --ep cuda --steps 1 --reps 1 $PERF 2>&1 |
      grep -v '^Task' | tail -8 | tee "$OUT/placement.txt"
    t "placement"
    ;;
  *) echo "unknown phase $phase"; exit 2 ;;
  esac
done
