#!/usr/bin/env bash
# GPU-host batch for evaluation, quantization and automatic-mode timings (run from the repo root after
# `. .gpu-bundle/bootstrap.sh`). Uses a random-init SAM-B (official layout) and generated scenes, since
# the host has no copy of ../shared/data. Writes JSON/log files into $OUT.
set -uo pipefail
OUT=${OUT:-/tmp/out}
export PYTHONUNBUFFERED=1
S=$(date +%s); t() { echo "[$(( $(date +%s) - S ))s] $*"; }
[ -d /tmp/samb/official ] || python3 tools/export_sam.py --random sam-b --out /tmp/samb --layouts official --skip-check 2>&1 | grep -E "^official:|Error"
deno task model import /tmp/samb/official --name sam-b-random --quiet 2>&1 | grep -v Task
t "exported"
# Issue 2: pipeline overhead after the preprocessing work (sequential and pipelined).
timeout 120 deno task perf sam --model sam-b-random --ep webgpu --images 8 --pipeline --encoder-worker --post-on-workers --reps 2 2>&1 | grep -v Task | tee $OUT/perf_samb_pipeline.txt
t "perf"
# Issue 5: quantization wall time on SAM-B (calibration on generated scenes, WebGPU), then the
# fake-quant overhead and the Python onnxruntime cross-check of the quantized encoder.
for m in minmax repq-vit; do
  timeout 200 deno task quantize --model sam-b-random --method $m --bits w4a4 --calib synthetic:seed=5,n=8,size=640 --n 8 --eval-data synthetic:seed=6,n=4,size=640 --ep webgpu --audit-images 1 --out /tmp/q-samb-$m 2>&1 | grep -E "wrote|error" | tee -a $OUT/quant_samb.txt
  t "quantized $m"
done
timeout 90 deno task perf sam --model /tmp/q-samb-minmax --ep webgpu --images 8 --json 2>/dev/null | tee $OUT/perf_samb_q_minmax.json
timeout 90 deno task perf sam --model sam-b-random --ep webgpu --images 8 --json 2>/dev/null | tee $OUT/perf_samb_float.json
timeout 60 deno run -A tools/ort_cross_check.ts /tmp/q-samb-minmax /tmp/xcheck --skip-encoder 2>&1 | tail -1
timeout 60 python3 tools/ort_cross_check.py /tmp/q-samb-minmax /tmp/xcheck 2>&1 | tee $OUT/python_ort_check.txt
timeout 100 deno task quantize --model tests/fixtures/tiny-vit-sam/official --method repq-vit --bits w4a4 --calib synthetic:seed=5,n=4,size=256 --n 4 --eval-data synthetic:seed=6,n=2,size=256 --ep cpu --out /tmp/q-tiny 2>&1 | grep -E "wrote|error"
timeout 60 deno run -A tools/ort_cross_check.ts /tmp/q-tiny /tmp/xcheck-tiny 2>&1 | tail -1
timeout 60 python3 tools/ort_cross_check.py /tmp/q-tiny /tmp/xcheck-tiny 2>&1 | tee -a $OUT/python_ort_check.txt
t "checks"
# Issue 4: automatic mask generation, samq (WebGPU) vs transformers pipeline (CUDA), same geometry and grid.
timeout 200 deno task eval --model sam-b-random --data synthetic:seed=9,n=3,size=640 --modes auto --ep webgpu --out /tmp/eval-auto 2>&1 | grep -v Task | tail -6 | tee $OUT/eval_auto_samb.txt
timeout 150 python3 tools/torch_amg_timing.py --random sam-b --n 3 --json 2>&1 | tail -1 | tee $OUT/torch_amg_samb.json
t "done"
