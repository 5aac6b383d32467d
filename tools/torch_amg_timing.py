#!/usr/bin/env python3
"""PyTorch reference timing of SAM automatic mask generation (transformers `mask-generation` pipeline).

Random-initialized SamModel with the given geometry (the same as samq's export of tools/export_sam.py,
seed 0), SAM's default grid (points_per_side 32 → 1024 points), points_per_batch 64, on images
generated with a fixed seed (or files given with --images). Reports seconds per image (median).

  python3 tools/torch_amg_timing.py --random sam-b [--n 5] [--points-per-batch 64] [--json]
"""
import argparse
import json
import statistics
import sys
import time

import numpy as np
import torch

sys.path.insert(0, __file__.rsplit("/", 1)[0])
from export_sam import GEOMETRIES  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--random", default="sam-b", choices=sorted(GEOMETRIES))
    ap.add_argument("--n", type=int, default=5)
    ap.add_argument("--points-per-batch", type=int, default=64)
    ap.add_argument("--images", nargs="*")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    from PIL import Image
    from transformers import SamConfig, SamImageProcessor, SamModel, SamProcessor, pipeline
    torch.manual_seed(0)
    model = SamModel(SamConfig(vision_config=dict(GEOMETRIES[args.random]))).eval()
    processor = SamProcessor(SamImageProcessor())
    gen = pipeline("mask-generation", model=model, image_processor=processor.image_processor, device=0,
                   points_per_batch=args.points_per_batch)
    rng = np.random.default_rng(0)
    if args.images:
        images = [Image.open(p).convert("RGB") for p in args.images]
    else:
        images = [Image.fromarray(rng.integers(0, 256, (480, 640, 3), dtype=np.uint8)) for _ in range(args.n)]
    gen(images[0], points_per_batch=args.points_per_batch)  # warm-up
    times = []
    masks = []
    for im in images:
        torch.cuda.synchronize()
        t = time.perf_counter()
        out = gen(im, points_per_batch=args.points_per_batch)
        torch.cuda.synchronize()
        times.append(time.perf_counter() - t)
        masks.append(len(out["masks"]))
    res = {"device": torch.cuda.get_device_name(), "geometry": args.random, "images": len(images),
           "sPerImageMedian": statistics.median(times), "sPerImage": times, "masksPerImage": masks}
    print(json.dumps(res) if args.json else res)
    return 0


if __name__ == "__main__":
    sys.exit(main())
