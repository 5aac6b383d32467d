/**
 * Shape annotation for training graphs, so that `buildGradientGraph` finds static shapes and does not
 * have to capture them itself:
 *
 * - {@link propagateElementwiseShapes}: the nodes learned methods add (`samq.learn.op/…`) are
 *   elementwise with broadcasting; their output shape is the broadcast of their inputs' shapes;
 * - {@link captureShapes}: the remaining variables without a static shape or dtype get them from one
 *   ONNX Runtime run (in chunks) with **graph optimizations disabled** — with them enabled, ORT 1.30's
 *   Reshape fusion fails on SAM's decoder when a fused-away tensor is requested as an output
 *   ("Attempting to get index by a name which does not exist"), which is what `inferShapes` does.
 *
 * @module
 */
import type * as ort from "onnxruntime-node";
import type { DataType } from "../../onnx/ir/dtype.ts";
import type { Graph } from "../../onnx/ir/graph.ts";
import type { Variable } from "../../onnx/ir/tensor.ts";
import { encodeModel } from "../../onnx/io/write_model.ts";
import { createSession } from "../../runtime/session.ts";
import { LEARN_OP_PREFIX } from "./_names.ts";

const ELEMENTWISE = new Set([
  "Add",
  "Sub",
  "Mul",
  "Div",
  "Floor",
  "Clip",
  "Max",
  "Min",
  "Where",
  "Less",
  "Log",
  "Exp",
  "Sigmoid",
  "Abs",
  "Pow",
  "Identity",
  "RandomUniformLike",
]);

/** Sets the output shape of every elementwise `samq.learn.op/` node whose input shapes are static. */
export function propagateElementwiseShapes(graph: Graph): void {
  graph.toposort();
  for (const n of graph.nodes) {
    if (!n.name.startsWith(LEARN_OP_PREFIX) || !ELEMENTWISE.has(n.op)) continue;
    const y = n.outputs[0]!;
    if (y.isStatic) continue;
    const shapes = n.inputs.filter((t) => t.name !== "").map((t) => t.shape);
    if (shapes.some((s) => s === undefined || s.some((d) => typeof d !== "number"))) continue;
    const rank = Math.max(...shapes.map((s) => s!.length));
    const out: number[] = [];
    for (let i = 0; i < rank; i++) {
      let d = 1;
      for (const s of shapes) {
        const k = s![s!.length - rank + i];
        if (typeof k === "number" && k !== 1) d = k;
      }
      out.push(d);
    }
    y.shape = out;
  }
}

/** Records dtype and shape of the variables of `graph` that lack them, by running it on `feeds`. */
export async function captureShapes(
  graph: Graph,
  feeds: Record<string, ort.Tensor>,
  chunk = 512,
): Promise<number> {
  const unknown = new Set<Variable>();
  for (const n of graph.nodes) {
    for (const t of n.outputs) if (!t.isEmpty && (!t.isStatic || t.dtype === undefined)) unknown.add(t);
  }
  const list = [...unknown].filter((t) => !graph.outputs.includes(t));
  const inputs = new Set(graph.inputs.map((t) => t.name));
  const picked = Object.fromEntries(Object.entries(feeds).filter(([k]) => inputs.has(k)));
  const original = graph.outputs;
  for (let i = 0; i < list.length; i += chunk) {
    const part = list.slice(i, i + chunk);
    let bytes: Uint8Array;
    try {
      graph.outputs = [...original, ...part];
      bytes = encodeModel(graph);
    } finally {
      graph.outputs = original;
    }
    const session = await createSession(bytes, { graphOptimizationLevel: "disabled" });
    try {
      const res = await session.run(picked, part.map((t) => t.name));
      for (const t of part) {
        const v = res[t.name];
        if (v === undefined) continue;
        t.dtype = v.type as DataType;
        t.shape = [...v.dims];
      }
    } finally {
      await session.release();
    }
  }
  return list.length;
}
