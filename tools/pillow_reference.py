#!/usr/bin/env python3
"""Pillow reference outputs for samq's bit-exact BILINEAR port (sam/resize_pillow_bilinear.ts).

Writes raw HWC uint8 RGB files and a JSON manifest; the Deno tests read only these files (no Python needed).

Usage:
  python3 tools/pillow_reference.py random OUT_DIR --seed 0 --size 37x53 --targets 20x29,70x101
      Seeded random RGB image (numpy default_rng) -> OUT_DIR/random_s{seed}_{H}x{W}.rgb plus one
      OUT_DIR/random_s{seed}_{H}x{W}_to_{h}x{w}.rgb per target (H x W, rows x columns).
  python3 tools/pillow_reference.py image OUT_DIR PATH [--long-side 1024] [--write-output]
      Decodes PATH with Pillow (convert("RGB"), no EXIF rotation, as SAM's predictor), resizes it to SAM's
      longest-side size (int(x * scale + 0.5)) and records the sha256 of the decoded and the resized pixels.
      --write-output also writes the resized raw pixels (for measurements; too big for fixtures).

Both modes merge their entries into OUT_DIR/manifest.json.
Sizes/targets are "HxW". Tested with Debian's python3-pil 9.4.0 and numpy 1.24.
"""
import argparse
import hashlib
import json
import os

import numpy as np
import PIL
from PIL import Image


def preprocess_shape(h, w, long_side):
    scale = long_side * 1.0 / max(h, w)
    return int(h * scale + 0.5), int(w * scale + 0.5)


def parse_hw(text):
    h, w = text.lower().split("x")
    return int(h), int(w)


def write_raw(path, arr):
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(np.ascontiguousarray(arr, dtype=np.uint8).tobytes())
    os.replace(tmp, path)


def sha256(arr):
    return hashlib.sha256(np.ascontiguousarray(arr, dtype=np.uint8).tobytes()).hexdigest()


def resize(arr, h, w):
    return np.asarray(Image.fromarray(arr, "RGB").resize((w, h), Image.BILINEAR))


def run_random(args):
    h, w = parse_hw(args.size)
    rng = np.random.default_rng(args.seed)
    src = rng.integers(0, 256, size=(h, w, 3), dtype=np.uint8)
    base = f"random_s{args.seed}_{h}x{w}"
    write_raw(os.path.join(args.out_dir, base + ".rgb"), src)
    entries = {base: {"h": h, "w": w, "sha256": sha256(src), "outputs": []}}
    for t in args.targets.split(","):
        th, tw = parse_hw(t)
        out = resize(src, th, tw)
        name = f"{base}_to_{th}x{tw}.rgb"
        write_raw(os.path.join(args.out_dir, name), out)
        entries[base]["outputs"].append({"file": name, "h": th, "w": tw, "sha256": sha256(out)})
    return entries


def run_image(args):
    with Image.open(args.path) as im:
        src = np.asarray(im.convert("RGB"))
    h, w = src.shape[:2]
    th, tw = preprocess_shape(h, w, args.long_side)
    out = resize(src, th, tw)
    name = os.path.basename(args.path)
    entry = {
        "h": h,
        "w": w,
        "decoded_sha256": sha256(src),
        "outputs": [{"h": th, "w": tw, "sha256": sha256(out)}],
    }
    if args.write_output:
        base = os.path.splitext(name)[0]
        write_raw(os.path.join(args.out_dir, f"{base}_decoded.rgb"), src)
        write_raw(os.path.join(args.out_dir, f"{base}_to_{th}x{tw}.rgb"), out)
    return {name: entry}


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="mode", required=True)
    r = sub.add_parser("random")
    r.add_argument("out_dir")
    r.add_argument("--seed", type=int, default=0)
    r.add_argument("--size", default="37x53")
    r.add_argument("--targets", default="20x29,70x101")
    i = sub.add_parser("image")
    i.add_argument("out_dir")
    i.add_argument("path")
    i.add_argument("--long-side", type=int, default=1024)
    i.add_argument("--write-output", action="store_true")
    args = p.parse_args()
    os.makedirs(args.out_dir, exist_ok=True)
    entries = run_random(args) if args.mode == "random" else run_image(args)
    manifest_path = os.path.join(args.out_dir, "manifest.json")
    manifest = {"pillow": PIL.__version__, "cases": {}}
    if os.path.exists(manifest_path):
        with open(manifest_path) as f:
            manifest = json.load(f)
    manifest["pillow"] = PIL.__version__
    manifest["cases"].update(entries)
    tmp = manifest_path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(manifest, f, indent=2, sort_keys=True)
        f.write("\n")
    os.replace(tmp, manifest_path)


if __name__ == "__main__":
    main()
