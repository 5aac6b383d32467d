/**
 * Linear finder: MatMul(x, W) with a constant 2-D weight (+ an Add of a constant bias [out]), Gemm(x, W
 * [, C]) with constant W (transA = 0), and Conv(x, W [, B]) with a constant weight (1×1 and k×k, any
 * group). The weight layouts are tabulated in `types.ts`.
 *
 * @module
 */
import type { Graph } from "../../onnx/ir/graph.ts";
import type { Node } from "../../onnx/ir/node.ts";
import type { Constant } from "../../onnx/ir/tensor.ts";
import { constantInput, floatAttr, intAttr, intsAttr, otherInput, soleConsumer } from "./_walk.ts";
import type { LinearRecord, ScopeTagger } from "./types.ts";

/** Finds every Linear layer of `graph`, in node order (without the LayerNorm links). */
export function findLinears(graph: Graph, tag: ScopeTagger): LinearRecord[] {
  const out: LinearRecord[] = [];
  for (const node of graph.nodes) {
    const x = node.inputs[0];
    const w = constantInput(node, 1);
    if (x === undefined || x.kind !== "variable" || w === undefined || w.dtype !== "float32") continue;
    let rec: LinearRecord | undefined;
    if (node.op === "MatMul") rec = matMul(graph, node, w, tag);
    else if (node.op === "Gemm") rec = gemm(node, w, tag);
    else if (node.op === "Conv") rec = conv(node, w, tag);
    if (rec) out.push(rec);
  }
  return out;
}

function base(node: Node): Pick<LinearRecord, "node" | "weightSlot" | "input" | "output"> {
  return { node, weightSlot: 1, input: node.inputs[0] as LinearRecord["input"], output: node.outputs[0]! };
}

function matMul(graph: Graph, node: Node, w: Constant, tag: ScopeTagger): LinearRecord | undefined {
  if (w.dims.length !== 2) return undefined;
  const [inF, outF] = w.dims as [number, number];
  const rec: LinearRecord = {
    ...base(node),
    op: "MatMul",
    layout: "in-out",
    dims: { in: inF, out: outF },
    weightAxis: 1,
    scope: tag(node, [w]),
  };
  const add = soleConsumer(node.outputs[0]!, graph.outputs);
  if (add?.op === "Add") {
    const b = otherInput(add, node.outputs[0]!);
    if (b?.kind === "constant" && b.size === outF && b.dims[b.dims.length - 1] === outF) {
      rec.bias = { node: add, slot: add.inputs.indexOf(b) };
      rec.output = add.outputs[0]!;
    }
  }
  return rec;
}

function gemm(node: Node, w: Constant, tag: ScopeTagger): LinearRecord | undefined {
  if (w.dims.length !== 2 || intAttr(node, "transA", 0) !== 0) return undefined;
  const transB = intAttr(node, "transB", 0) === 1;
  const [a, b] = w.dims as [number, number];
  const c = constantInput(node, 2);
  const rec: LinearRecord = {
    ...base(node),
    op: "Gemm",
    layout: transB ? "out-in" : "in-out",
    dims: transB ? { in: b, out: a } : { in: a, out: b },
    weightAxis: transB ? 0 : 1,
    gemm: { alpha: floatAttr(node, "alpha", 1), beta: floatAttr(node, "beta", 1) },
    scope: tag(node, c ? [w, c] : [w]),
  };
  if (c !== undefined) rec.bias = { node, slot: 2 };
  return rec;
}

function conv(node: Node, w: Constant, tag: ScopeTagger): LinearRecord | undefined {
  if (w.dims.length < 3) return undefined;
  const group = intAttr(node, "group", 1);
  const kernel = w.dims.slice(2);
  const b = constantInput(node, 2);
  const rec: LinearRecord = {
    ...base(node),
    op: "Conv",
    layout: "conv",
    dims: { in: w.dims[1]! * group, out: w.dims[0]! },
    weightAxis: 0,
    conv: {
      kernel,
      group,
      pads: intsAttr(node, "pads", kernel.flatMap(() => [0, 0])),
      strides: intsAttr(node, "strides", kernel.map(() => 1)),
    },
    scope: tag(node, b ? [w, b] : [w]),
  };
  if (b !== undefined) rec.bias = { node, slot: 2 };
  return rec;
}
