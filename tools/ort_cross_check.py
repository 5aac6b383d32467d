#!/usr/bin/env python3
"""Runs the graphs recorded by tools/ort_cross_check.ts in Python's onnxruntime (CPU) on the same inputs
and compares with samq's outputs: max abs difference and the share of bit-identical values.

  python3 tools/ort_cross_check.py MODEL_DIR OUT_DIR
"""
import json
import os
import sys

import numpy as np
import onnxruntime as ort


def main(model_dir, out):
    manifest = json.load(open(os.path.join(out, "manifest.json")))
    ok = True
    for role, entry in manifest.items():
        sess = ort.InferenceSession(entry["model"], providers=["CPUExecutionProvider"])
        feeds = {n: np.fromfile(os.path.join(out, f"{role}.in.{n}.bin"), dtype=np.float32).reshape(d)
                 for n, d in entry["inputs"].items()}
        names = [o.name for o in sess.get_outputs()]
        got = dict(zip(names, sess.run(None, feeds)))
        for n, d in entry["outputs"].items():
            ref = np.fromfile(os.path.join(out, f"{role}.out.{n}.bin"), dtype=np.float32).reshape(d)
            diff = float(np.max(np.abs(got[n] - ref))) if ref.size else 0.0
            same = float(np.mean(got[n] == ref)) if ref.size else 1.0
            print(f"{role}.{n}: shape {list(d)} max|python - samq| = {diff:.3g}, bit-identical {100 * same:.2f}%")
            ok = ok and diff <= 1e-4 * max(1.0, float(np.max(np.abs(ref))))
    print("python onnxruntime", ort.__version__, "agrees" if ok else "DISAGREES")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
