#!/usr/bin/env python3
"""Summarizes ONNX Runtime profiles (SAMQ_ORT_PROFILE=DIR writes one Chrome-trace JSON per session).

For each profile: number of runs, mean run time, and the time per (execution provider, op type), with the
host<->device copies (MemcpyToHost/MemcpyFromHost) and the nodes that ran on the CPU listed, so one can
see where a step's time goes and whether anything fell back to the CPU.

  python3 tools/ort_profile_summary.py DIR [--top 12] [--json OUT.json]
"""
import argparse
import collections
import glob
import json
import os
import sys


def summarize(path):
    events = json.load(open(path))
    runs = [e for e in events if e.get("cat") == "Session" and e.get("name") == "model_run"]
    by_op = collections.Counter()
    count = collections.Counter()
    cpu_nodes = collections.Counter()
    cpu_names = []
    kernel_us = 0
    for e in events:
        if e.get("cat") != "Node" or not str(e.get("name", "")).endswith("_kernel_time"):
            continue
        a = e.get("args", {})
        key = (a.get("provider", "?"), a.get("op_name", "?"))
        by_op[key] += e.get("dur", 0)
        kernel_us += e.get("dur", 0)
        count[key] += 1
        if a.get("provider") == "CPUExecutionProvider":
            cpu_nodes[a.get("op_name", "?")] += 1
            if len(cpu_names) < 400:
                cpu_names.append(str(e.get("name", ""))[: -len("_kernel_time")])
    n = max(1, len(runs))
    run_us = sum(e.get("dur", 0) for e in runs)
    return {
        "file": os.path.basename(path),
        "runs": len(runs),
        "ms_per_run": run_us / n / 1000,
        "ops": [
            {"provider": p, "op": o, "ms_per_run": us / n / 1000, "nodes_per_run": count[(p, o)] / n}
            for (p, o), us in by_op.most_common()
        ],
        "cpu_ops_per_run": {k: v / n for k, v in cpu_nodes.most_common()},
        "kernel_ms_per_run": kernel_us / n / 1000,
        "cpu_node_names": sorted(set(cpu_names))[:12],
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("--top", type=int, default=12)
    ap.add_argument("--json")
    args = ap.parse_args()
    files = sorted(glob.glob(os.path.join(args.dir, "*.json")))
    out = []
    for f in files:
        try:
            s = summarize(f)
        except Exception as e:  # a profile cut off by a killed process
            print(f"{os.path.basename(f)}: unreadable ({e})")
            continue
        out.append(s)
        if s["runs"] == 0:
            continue
        print(f"{s['file']}: {s['runs']} runs, {s['ms_per_run']:.1f} ms/run, kernels {s['kernel_ms_per_run']:.1f} ms/run")
        for o in s["ops"][: args.top]:
            print(f"   {o['ms_per_run']:9.2f} ms  {o['nodes_per_run']:6.0f} x {o['op']:<22} {o['provider']}")
        if s["cpu_ops_per_run"]:
            cpu = ", ".join(f"{k} {v:.0f}" for k, v in list(s["cpu_ops_per_run"].items())[:10])
            print(f"   on CPU per run: {cpu}")
            print(f"   e.g. {', '.join(s['cpu_node_names'][:6])}")
    if args.json:
        json.dump(out, open(args.json, "w"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
