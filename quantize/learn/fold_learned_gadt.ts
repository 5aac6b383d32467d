/**
 * PQ-SAM's learned GADT, part 3: the learned (a, c) of every target folded exactly as the static stage
 * folds (`foldLayerNorm` into γ, β — or into the explicit per-channel affine — and `foldLinearInput` into
 * W and b), the stage-1 fence transformed with x̃, and the folded float graph updated so that the
 * audit's folding check covers the learned transform too.
 *
 * @module
 */
import type { Graph } from "../../onnx/ir/graph.ts";
import type { Node } from "../../onnx/ir/node.ts";
import type { Constant } from "../../onnx/ir/tensor.ts";
import { replaceConstant } from "../graph/apply_channel_transform.ts";
import type { LinearRecord } from "../graph/types.ts";
import { foldLayerNorm } from "../fold/fold_layer_norm.ts";
import { foldLinearInput } from "../fold/fold_linear_input.ts";
import type { TrainParam } from "../train/train_checkpoint.ts";
import { learnParamName } from "./_names.ts";
import { constantAt, type GadtLearnTarget } from "./recover_gadt_targets.ts";

/** Learned per-channel scale a_{g(c)} and shift c_{g(c)} of `t` (identity when absent). */
export function learnedChannels(
  t: GadtLearnTarget,
  values: ReadonlyMap<string, TrainParam>,
): { scale: Float64Array; shift: Float64Array } {
  const a = values.get(learnParamName(t.fold.site, "gadt_scale"));
  const c = values.get(learnParamName(t.fold.site, "gadt_shift"));
  return {
    scale: Float64Array.from(t.groupOf, (g) => (a === undefined ? 1 : Math.max(Math.abs(a.data[g]!), 1e-4))),
    shift: Float64Array.from(t.groupOf, (g) => (c === undefined ? 0 : c.data[g]!)),
  };
}

/**
 * Folds the learned (a, c) of every target into the quantized graph `G` (γ/β or the explicit affine,
 * the fence, the biases) and the float graph `F` (γ/β or affine, weights, biases). Weights of `G` are
 * re-quantized by the caller from `F` (their ids are returned).
 */
export function foldLearnedGadt(
  G: Graph,
  F: Graph,
  targets: readonly GadtLearnTarget[],
  values: ReadonlyMap<string, TrainParam>,
): Set<string> {
  const requantize = new Set<string>();
  const gn = new Map(G.nodes.map((n) => [n.name, n]));
  const fn = new Map(F.nodes.map((n) => [n.name, n]));
  for (const t of targets) {
    const { scale, shift } = learnedChannels(t, values);
    for (const [graph, nodes] of [[G, gn], [F, fn]] as const) {
      const g = constantAt(nodes, t.gamma), b = constantAt(nodes, t.beta);
      const f = foldLayerNorm(g, b, shift, scale);
      replaceConstant(graph, nodes.get(t.gamma.node)!, t.gamma.slot, f.gamma);
      replaceConstant(graph, nodes.get(t.beta.node)!, t.beta.slot, f.beta);
    }
    // The fence is in x̃ units: transform it with x̃.
    for (const name of [`samq.gadt/${t.fold.site}/clip_hi`, `samq.gadt/${t.fold.site}/clip_lo`]) {
      const n = gn.get(name);
      if (n === undefined) continue;
      const v = (n.inputs[1] as Constant).values() as Float32Array;
      replaceConstant(G, n, 1, Float32Array.from(v, (x, c) => (x - shift[c]!) / scale[c]!));
    }
    for (const lin of t.linears) {
      const node = fn.get(lin.node.name)!;
      const w = node.inputs[1] as Constant;
      const biasAt = lin.bias === undefined ? undefined : { node: lin.bias.node.name, slot: lin.bias.slot };
      const bias = biasAt === undefined
        ? undefined
        : (fn.get(biasAt.node)!.inputs[biasAt.slot] as Constant).values() as Float32Array;
      const folded = foldLinearInput(
        {
          weight: w.values() as Float32Array,
          ...(bias === undefined ? {} : { bias }),
          dims: lin.dims,
          layout: lin.layout === "in-out" ? "in-out" : "out-in",
          ...(lin.gemm ? { alpha: lin.gemm.alpha, beta: lin.gemm.beta } : {}),
        },
        shift,
        scale,
      );
      replaceConstant(F, node, 1, folded.weight);
      if (biasAt !== undefined) {
        replaceConstant(F, fn.get(biasAt.node)!, biasAt.slot, folded.bias);
        replaceConstant(G, gn.get(biasAt.node)!, biasAt.slot, folded.bias);
      } else if (folded.biasNeeded) {
        addOutputBias(F, fn.get(lin.node.name)!, lin, folded.bias);
        addOutputBias(G, gn.get(lin.node.name)!, lin, folded.bias);
      }
      const wq = gn.get(lin.node.name)?.inputs[1];
      if (wq !== undefined) requantize.add(wq.name.replace(/^samq\.q\//, ""));
    }
  }
  return requantize;
}

function addOutputBias(g: Graph, node: Node, lin: LinearRecord, bias: Float32Array): void {
  const y = node.outputs[0]!;
  const readers = [...y.consumers];
  const add = g.addNode(
    "Add",
    [y, g.addConstant(`${lin.node.name}/samq_gadt_bias`, bias, [bias.length])],
    {},
    {
      name: `${lin.node.name}/samq_gadt_bias_add`,
      after: node,
    },
  );
  add.outputs[0]!.dtype = "float32";
  for (const n of readers) n.inputs.forEach((u, i) => u === y && n.setInput(i, add.outputs[0]!));
  g.outputs = g.outputs.map((o) => (o === y ? add.outputs[0]! : o));
  g.toposort();
}
