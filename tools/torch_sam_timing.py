#!/usr/bin/env python3
"""PyTorch reference timing of a SAM image encoder (transformers SamModel) on the GPU.

Same geometry as samq's random-init exports (tools/export_sam.py), 1024x1024, batch 1. Reports
ms/image for fp32, fp32 with TF32 matmuls, and bf16 autocast (median of --iters after --warmup).

  python3 tools/torch_sam_timing.py --random sam-b [--iters 20] [--json]
"""
import argparse
import json
import statistics
import sys
import time

import torch

sys.path.insert(0, __file__.rsplit("/", 1)[0])
from export_sam import GEOMETRIES  # noqa: E402


def timed(fn, iters, warmup):
    for _ in range(warmup):
        fn()
    torch.cuda.synchronize()
    times = []
    for _ in range(iters):
        t = time.perf_counter()
        fn()
        torch.cuda.synchronize()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--random", default="sam-b", choices=sorted(GEOMETRIES))
    ap.add_argument("--iters", type=int, default=20)
    ap.add_argument("--warmup", type=int, default=5)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    from transformers import SamConfig, SamModel
    torch.manual_seed(0)
    model = SamModel(SamConfig(vision_config=dict(GEOMETRIES[args.random]))).cuda().eval()
    x = torch.randn(1, 3, 1024, 1024, device="cuda")
    res = {"device": torch.cuda.get_device_name(), "torch": torch.__version__, "geometry": args.random}
    with torch.no_grad():
        torch.backends.cuda.matmul.allow_tf32 = False
        torch.backends.cudnn.allow_tf32 = False
        res["fp32_ms"] = timed(lambda: model.get_image_embeddings(x), args.iters, args.warmup)
        torch.backends.cuda.matmul.allow_tf32 = True
        torch.backends.cudnn.allow_tf32 = True
        res["tf32_ms"] = timed(lambda: model.get_image_embeddings(x), args.iters, args.warmup)
        with torch.autocast("cuda", dtype=torch.bfloat16):
            res["bf16_ms"] = timed(lambda: model.get_image_embeddings(x), args.iters, args.warmup)
    print(json.dumps(res) if args.json else res)
    return 0


if __name__ == "__main__":
    sys.exit(main())
