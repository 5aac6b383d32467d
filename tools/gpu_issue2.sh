#!/usr/bin/env bash
# GPU-host batch for the foundation benchmarks (run from the repo root after bootstrap):
# exports a random-init SAM-B in both layouts, keeps graph-only copies, times PyTorch and samq.
set -uo pipefail
OUT=${OUT:-/tmp/out}
export PYTHONUNBUFFERED=1
python3 - <<'PY'
import importlib
for m in ["pycocotools", "faster_coco_eval", "torchvision", "cv2", "scipy"]:
    try:
        mod = importlib.import_module(m); print("have", m, getattr(mod, "__version__", ""))
    except Exception as e:
        print("missing", m)
PY
[ -d /tmp/samb/official ] || python3 tools/export_sam.py --random sam-b --out /tmp/samb 2>&1 | grep -E "^(hf|official):|Error" 
python3 tools/strip_weights.py /tmp/samb/official $OUT/samb/official && python3 tools/strip_weights.py /tmp/samb/hf $OUT/samb/hf
(cd $OUT && tar czf samb-graphs.tgz samb && rm -rf samb)
python3 tools/torch_sam_timing.py --random sam-b --json | tee $OUT/torch_samb.json
deno task model import /tmp/samb/official --name sam-b-random --quiet 2>&1 | tail -2
deno task perf sam --model sam-b-random --ep webgpu --images 10 --json | tee $OUT/perf_samb_webgpu.json
deno task perf sam --model sam-b-random --ep cpu --images 3 --json | tee $OUT/perf_samb_cpu.json
