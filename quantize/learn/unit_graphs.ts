/**
 * The graphs of one reconstruction unit (`find_units.ts`), cut out of a part's training graph
 * (`trainable_graph.ts`):
 *
 * - `forward`: unit inputs (+ learned parameters and control scalars) → unit outputs; used to evaluate
 *   (quantize probability 1, hard AdaRound) and to propagate the quantized model's stream;
 * - `loss`: the same plus the reconstruction loss against float targets (`append_loss.ts`) and the
 *   AdaRound regulariser, ready for `buildGradientGraph`.
 *
 * With QDrop input mixing (spec §8 step 1), each float unit input x gets a partner input
 * `samq.learn.fp/<x>` (the float model's value) and the unit reads Where(U < p, x_q, x_fp) with
 * U = RandomUniformLike, p the control scalar (1 at evaluation: the quantized input only).
 *
 * @module
 */
import type { Graph } from "../../onnx/ir/graph.ts";
import { type Tensor, Variable } from "../../onnx/ir/tensor.ts";
import type { DataType } from "../../onnx/ir/dtype.ts";
import { extractSubgraph } from "../../onnx/passes/extract_subgraph.ts";
import type { Prng } from "../../util/prng.ts";
import {
  appendAdaRoundRegularizer,
  appendReconstructionLoss,
  type ReconstructionLossOptions,
} from "./append_loss.ts";
import type { GraphUnit } from "./find_units.ts";
import { CONTROL, floatInputName } from "./_names.ts";
import { emitDrop } from "./parametric_quantizer.ts";
import type { AdaRoundTerm, LearnedParam, TrainableGraph } from "./trainable_graph.ts";

/** Dtype and dims of a tensor as seen on real data. */
export interface TensorType {
  dtype: DataType;
  dims: number[];
}

/** Graphs and parameters of one unit. */
export interface UnitGraphs {
  forward: Graph;
  loss: Graph;
  lossName: string;
  /** Unit outputs in the loss (float outputs). */
  lossOutputs: string[];
  /** Target input names, in `lossOutputs` order. */
  targets: string[];
  params: LearnedParam[];
  adaround: AdaRoundTerm[];
  /** Unit inputs mixed with their float partner (QDrop). */
  mixed: string[];
}

/** Options of {@link buildUnitGraphs}. */
export interface UnitGraphOptions {
  /** Dtype/dims of the unit inputs and outputs on the first sample. */
  types: ReadonlyMap<string, TensorType>;
  /** QDrop input mixing. */
  mix: boolean;
  prng: Prng;
  loss: ReconstructionLossOptions;
}

/** Builds the unit's graphs from the part's training graph. */
export function buildUnitGraphs(
  trainable: TrainableGraph,
  unit: GraphUnit,
  options: UnitGraphOptions,
): UnitGraphs {
  const g = trainable.graph;
  const boundary = new Set(unit.inputs);
  const reached = graphInputsReaching(g, unit.outputs, boundary);
  const sub = typedSubgraph(g, [...unit.inputs, ...reached], unit.outputs, options.types);
  const mixed: string[] = [];
  if (options.mix) {
    let prob = sub.inputs.find((t) => t.name === CONTROL.quantProb);
    if (prob === undefined) {
      prob = new Variable(CONTROL.quantProb, "float32", []);
      sub.inputs.push(prob);
    }
    for (const x of sub.inputs.filter((t) => boundary.has(t.name) && t.dtype === "float32")) {
      const readers = [...x.consumers];
      const fp = new Variable(floatInputName(x.name), "float32", x.shape ? [...x.shape] : undefined);
      sub.inputs.push(fp);
      const y = emitDrop(sub, fp, x, prob, options.prng.int(2 ** 31 - 1), `mix/${x.name}`);
      for (const n of readers) n.inputs.forEach((t, i) => t === x && n.setInput(i, y));
      mixed.push(x.name);
    }
    sub.toposort();
  }
  const forward = extractSubgraph(sub, sub.inputs.map((t) => t.name), unit.outputs);
  const outs = sub.tensors();
  const lossOutputs = unit.outputs.filter((n) => options.types.get(n)?.dtype === "float32");
  for (const n of lossOutputs) {
    const t = outs.get(n) as Tensor;
    if (t.kind === "variable") t.shape = [...options.types.get(n)!.dims];
  }
  const { loss: rec, targets } = appendReconstructionLoss(sub, lossOutputs, options.loss);
  const names = new Set(sub.inputs.map((t) => t.name));
  const adaround = trainable.adaround.filter((a) => names.has(a.v));
  const loss = appendAdaRoundRegularizer(sub, rec, adaround.map((a) => a.h));
  sub.outputs = [loss];
  sub.cleanup().toposort();
  return {
    forward,
    loss: sub,
    lossName: loss.name,
    lossOutputs,
    targets,
    params: trainable.params.filter((p) => names.has(p.name)),
    adaround,
    mixed,
  };
}

/** `extractSubgraph` whose inputs get the dtype and dims of `types` (ONNX inputs need a type). */
export function typedSubgraph(
  graph: Graph,
  inputs: readonly string[],
  outputs: readonly string[],
  types: ReadonlyMap<string, TensorType>,
): Graph {
  const sub = extractSubgraph(graph, inputs, outputs);
  for (const t of sub.inputs) {
    const ty = types.get(t.name);
    if (ty !== undefined) {
      t.dtype = ty.dtype;
      t.shape = [...ty.dims];
    }
  }
  return sub;
}

/** Graph inputs of `graph` that `outputs` depend on, not looking past `boundary` tensors. */
export function graphInputsReaching(
  graph: Graph,
  outputs: readonly string[],
  boundary: ReadonlySet<string>,
): string[] {
  const inputs = new Set(graph.inputs);
  const all = graph.tensors();
  const found = new Set<string>();
  const seen = new Set<Tensor>();
  const stack = outputs.map((n) => all.get(n)!).filter((t) => t !== undefined);
  while (stack.length > 0) {
    const t = stack.pop()!;
    if (seen.has(t) || boundary.has(t.name)) continue;
    seen.add(t);
    if (inputs.has(t as Variable)) found.add(t.name);
    if (t.producer !== undefined) stack.push(...t.producer.inputs.filter((x) => x.name !== ""));
  }
  return [...found];
}
