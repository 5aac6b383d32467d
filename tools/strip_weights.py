#!/usr/bin/env python3
"""Copy the ONNX graphs of an exported model folder without their weights (graph-only files).

Every initializer is moved to external data in a file that is then deleted, so the .onnx file keeps
names, dtypes and shapes of all weights (and the whole graph) in a few hundred KB. samq's tests read such
files to check the interface and structure of SAM-B/L/H geometry exports without shipping the weights.

  python3 tools/strip_weights.py SRC_DIR DST_DIR
"""
import os
import shutil
import sys

import onnx
from onnx.external_data_helper import convert_model_to_external_data


def main(src, dst):
    os.makedirs(dst, exist_ok=True)
    for name in sorted(os.listdir(src)):
        path = os.path.join(src, name)
        if name.endswith(".onnx"):
            model = onnx.load(path)
            convert_model_to_external_data(model, all_tensors_to_one_file=True, location=name + ".weights",
                                           size_threshold=0)
            onnx.save_model(model, os.path.join(dst, name))
            os.remove(os.path.join(dst, name + ".weights"))
            print(f"{name}: {os.path.getsize(os.path.join(dst, name))} bytes without weights")
        elif name == "sam.json":
            shutil.copy(path, os.path.join(dst, name))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
