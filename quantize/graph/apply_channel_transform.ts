/**
 * Folds a per-channel transform x̃ = (x − v)/s of a LayerNorm output into the graph: γ, β of the
 * LayerNorm (`foldLayerNorm`) and the weights and bias of every Linear that reads the output
 * (`foldLinearInput`), so that the float function is unchanged and the quantizer sees x̃ (RepQ-ViT §5,
 * PQ-SAM GADT §3.3 B, OS+ §9). Constants are replaced by new ones (never edited in place, since exporters
 * share constants between layers); a MatMul without bias gets an `Add` when the shift needs one.
 *
 * The transform is exact only when every reader of the LayerNorm output is such a Linear: a MatMul/Gemm,
 * or a Conv with a 1×1 kernel, no padding and group 1 (a padded k×k conv would see the shifted zeros of
 * its border). {@link channelTransformBlocker} says why a LayerNorm cannot take it.
 *
 * @module
 */
import { SamqError } from "../../util/errors.ts";
import type { Graph } from "../../onnx/ir/graph.ts";
import { Constant } from "../../onnx/ir/tensor.ts";
import { foldLayerNorm } from "../fold/fold_layer_norm.ts";
import { foldLinearInput } from "../fold/fold_linear_input.ts";
import type { LayerNormRecord, LinearRecord } from "./types.ts";

/** Why the transform cannot be folded (undefined when it can). */
export function channelTransformBlocker(
  graph: Graph,
  ln: LayerNormRecord,
  linears: readonly LinearRecord[],
): string | undefined {
  if (ln.gamma === undefined || ln.beta === undefined) return "the LayerNorm has no affine γ/β";
  if (graph.outputs.includes(ln.output)) return "the LayerNorm output is a graph output";
  const readers = new Set(linears.map((l) => l.node));
  const other = ln.output.consumers.find((n) => !readers.has(n));
  if (other !== undefined) return `the LayerNorm output is also read by ${other.op} "${other.name}"`;
  for (const l of linears) {
    if (l.dims.in !== ln.channels) {
      return `"${l.node.name}" has ${l.dims.in} inputs, the LayerNorm ${ln.channels}`;
    }
    const c = l.conv;
    if (c && (c.group !== 1 || c.kernel.some((k) => k !== 1) || c.pads.some((p) => p !== 0))) {
      return `"${l.node.name}" is not a 1×1 unpadded ungrouped Conv`;
    }
  }
  return undefined;
}

/**
 * Applies x̃ = (x − shift)/scale (length C each, scale > 0) to `ln` and `linears`, in place.
 *
 * @throws {SamqError} `incompatible` when {@link channelTransformBlocker} finds a reason.
 */
export function applyChannelTransform(
  graph: Graph,
  ln: LayerNormRecord,
  linears: readonly LinearRecord[],
  shift: ArrayLike<number>,
  scale: ArrayLike<number>,
): void {
  const blocker = channelTransformBlocker(graph, ln, linears);
  if (blocker !== undefined) {
    throw new SamqError("incompatible", `Cannot fold into LayerNorm "${ln.node.name}": ${blocker}`, {
      field: ln.node.name,
    });
  }
  const g = ln.gamma!, b = ln.beta!;
  const gamma = g.node.inputs[g.slot] as Constant;
  const beta = b.node.inputs[b.slot] as Constant;
  const folded = foldLayerNorm(gamma.values() as Float32Array, beta.values() as Float32Array, shift, scale);
  replaceConstant(graph, g.node, g.slot, folded.gamma);
  replaceConstant(graph, b.node, b.slot, folded.beta);
  for (const lin of linears) foldIntoLinear(graph, lin, shift, scale);
}

function foldIntoLinear(graph: Graph, lin: LinearRecord, shift: ArrayLike<number>, scale: ArrayLike<number>) {
  const w = lin.node.inputs[lin.weightSlot] as Constant;
  const biasConst = lin.bias ? (lin.bias.node.inputs[lin.bias.slot] as Constant) : undefined;
  const f = foldLinearInput(
    {
      weight: w.values() as Float32Array,
      ...(biasConst ? { bias: biasConst.values() as Float32Array } : {}),
      dims: lin.dims,
      layout: lin.layout === "in-out" ? "in-out" : "out-in",
      ...(lin.gemm ? { alpha: lin.gemm.alpha, beta: lin.gemm.beta } : {}),
    },
    shift,
    scale,
  );
  replaceConstant(graph, lin.node, lin.weightSlot, f.weight);
  if (lin.bias) replaceConstant(graph, lin.bias.node, lin.bias.slot, f.bias);
  else if (f.biasNeeded) addBias(graph, lin, f.bias);
}

/** Replaces the constant at `node.inputs[slot]` by a new constant with the same dims and `values`. */
export function replaceConstant(
  graph: Graph,
  node: LinearRecord["node"],
  slot: number,
  values: Float32Array,
): void {
  const old = node.inputs[slot] as Constant;
  node.setInput(
    slot,
    Constant.of(graph.uniqueName(`${old.name}.samq_folded`), values, [...old.dims], "float32"),
  );
}

function addBias(graph: Graph, lin: LinearRecord, bias: Float32Array): void {
  const out = lin.dims.out;
  const c = graph.addConstant(`${lin.node.name}/samq_bias`, bias, [out]);
  if (lin.op !== "MatMul") {
    lin.node.setInput(2, c);
    lin.bias = { node: lin.node, slot: 2 };
    return;
  }
  const y = lin.node.outputs[0]!;
  const add = graph.addNode("Add", [], {}, { name: `${lin.node.name}/samq_bias_add`, after: lin.node });
  graph.replaceAllUses(y, add.outputs[0]!);
  add.setInputs([y, c]);
  lin.bias = { node: add, slot: 1 };
  lin.output = add.outputs[0]!;
}
