#!/usr/bin/env python3
"""PyTorch reference timing of a SAM image encoder (transformers SamModel) on the GPU.

Same geometry as samq's random-init exports (tools/export_sam.py), 1024x1024, batch 1. Reports
ms/image for fp32, fp32 with TF32 matmuls, and bf16 autocast (median of --iters after --warmup), and
the baselines of `deno task perf gpu` (TF32, as ORT's CUDA EP runs): `fq_ms`, the encoder with W4A4
per-tensor fake quantization at every Linear (input and weight); `train_step_ms`, one LSQ step on it
(learned step sizes, MSE to the float embedding, backward, Adam); `block_step_ms`, the same step on one
encoder block alone (a block-reconstruction step, as QDrop/BRECQ take).

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


def fq(x, s, lo, hi):
    """LSQ fake quantization with the straight-through estimator (gradients reach x and s)."""
    q = torch.clamp(x / s, lo, hi)
    q = (torch.round(q) - q).detach() + q
    return q * s


class FqLinear(torch.nn.Module):
    """A Linear with W4A4 per-tensor fake quantization of its input (unsigned, 0..15 after a shift) and weight."""

    def __init__(self, lin, x_scale):
        super().__init__()
        self.lin = lin
        w = lin.weight.detach()
        self.sw = torch.nn.Parameter(w.abs().max() / 7)
        self.sx = torch.nn.Parameter(torch.tensor(float(x_scale), device=w.device))

    def forward(self, x):
        return torch.nn.functional.linear(fq(x, self.sx, -8, 7), fq(self.lin.weight, self.sw, -8, 7), self.lin.bias)


def wrap_linears(module):
    for name, child in list(module.named_children()):
        if isinstance(child, torch.nn.Linear):
            setattr(module, name, FqLinear(child, 0.5))
        else:
            wrap_linears(child)
    return module


def fake_quant_baselines(model, x, iters, warmup):
    import copy
    enc = model.vision_encoder
    with torch.no_grad():
        target = model.get_image_embeddings(x)
    q = wrap_linears(copy.deepcopy(enc)).cuda()
    for p in q.parameters():
        p.requires_grad_(False)
    steps = [p for n, p in q.named_parameters() if n.endswith(".sw") or n.endswith(".sx")]
    for p in steps:
        p.requires_grad_(True)
    out = {}
    with torch.no_grad():
        out["fq_ms"] = timed(lambda: q(x)[0], iters, warmup)
    opt = torch.optim.Adam(steps, lr=1e-4)

    def step(mod, inp, tgt):
        opt.zero_grad(set_to_none=True)
        y = mod(inp)
        y = y if torch.is_tensor(y) else y[0]
        loss = torch.nn.functional.mse_loss(y, tgt)
        loss.backward()
        opt.step()

    out["train_step_ms"] = timed(lambda: step(q, x, target), max(5, iters // 2), warmup)
    # One block: the first encoder layer on its real input, target from the float block.
    with torch.no_grad():
        h = enc.patch_embed(x)
        if enc.pos_embed is not None:
            h = h + enc.pos_embed
        block_t = enc.layers[0](h)[0]
    block = q.layers[0]
    out["block_step_ms"] = timed(lambda: step(block, h, block_t), iters, warmup)
    out["fq_linears"] = len(steps) // 2
    return out


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
    torch.backends.cuda.matmul.allow_tf32 = True
    torch.backends.cudnn.allow_tf32 = True
    try:
        res.update(fake_quant_baselines(model, x, args.iters, args.warmup))
    except Exception as e:  # keep the plain encoder numbers when the fake-quant part breaks
        res["fake_quant_error"] = repr(e)[:300]
    print(json.dumps(res) if args.json else res)
    return 0


if __name__ == "__main__":
    sys.exit(main())
