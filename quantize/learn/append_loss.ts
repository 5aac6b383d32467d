/**
 * Loss subgraphs of learned methods, appended to a training graph:
 *
 * - reconstruction: for each (output ŷ, float target y fed as an input `samq.learn.target/<name>`),
 *   E = factor · mean(|ŷ − y|^p); p = 2 is the MSE; `sumAxis1` multiplies by the size of dim 1, which is
 *   QDrop/BRECQ's Σ_{dim 1}(·) averaged over the other dims (spec §8); terms are summed, then scaled by
 *   `weight` (e.g. 1/K for K prompts);
 * - AdaRound regulariser (spec §7): λ·Σ_V Σ(1 − |2h(V) − 1|^β), with β and λ fed every step
 *   (`samq.learn.ctl/beta`, `samq.learn.ctl/reg_weight`).
 *
 * Reductions take no axes (all axes, every opset) and keepdims = 0, so the loss is a scalar.
 *
 * @module
 */
import { SamqError } from "../../util/errors.ts";
import { attr } from "../../onnx/ir/attribute.ts";
import type { Graph } from "../../onnx/ir/graph.ts";
import { type Tensor, Variable } from "../../onnx/ir/tensor.ts";
import { opBuilder } from "./_ops.ts";
import { CONTROL, targetName } from "./_names.ts";

/** Options of {@link appendReconstructionLoss}. */
export interface ReconstructionLossOptions {
  /** Exponent p of |ŷ − y|^p (2: MSE; 2.4: BRECQ's stage-2 L_p). @default 2 */
  exponent?: number;
  /** Multiply each term by the size of dim 1 (Σ over dim 1, mean over the rest). @default false */
  sumAxis1?: boolean;
  /** Factor on the summed terms. @default 1 */
  weight?: number;
  /** Name of the loss tensor. @default "samq.learn/loss" */
  name?: string;
}

/**
 * Appends the reconstruction loss of `outputs` (tensor names of `graph`, static shapes needed for
 * `sumAxis1`) against new target inputs of the same dtype and shape; returns the loss tensor and the
 * target input names (in `outputs` order).
 */
export function appendReconstructionLoss(
  graph: Graph,
  outputs: readonly string[],
  options: ReconstructionLossOptions = {},
): { loss: Variable; targets: string[] } {
  const { exponent = 2, sumAxis1 = false, weight = 1, name = "samq.learn/loss" } = options;
  const all = graph.tensors();
  const b = opBuilder(graph, "loss");
  const terms: Tensor[] = [];
  const targets: string[] = [];
  outputs.forEach((o, i) => {
    const y = all.get(o);
    if (y === undefined) {
      throw new SamqError("invalid_argument", `Cannot build the loss: no tensor "${o}"`, { field: o });
    }
    const target = new Variable(targetName(o), "float32", y.shape ? [...y.shape] : undefined);
    graph.inputs.push(target);
    targets.push(target.name);
    const d = b.op(`d${i}`, "Sub", [y, target]);
    const e = exponent === 2
      ? b.op(`sq${i}`, "Mul", [d, d])
      : b.op(`pow${i}`, "Pow", [b.op(`abs${i}`, "Abs", [d]), b.constant(`p${i}`, [exponent], [])]);
    let m: Tensor = b.op(`mean${i}`, "ReduceMean", [e], { keepdims: attr.int(0) });
    if (sumAxis1) {
      const d1 = y.shape?.[1];
      if (typeof d1 !== "number") {
        throw new SamqError("invalid_argument", `Cannot sum "${o}" over dim 1: its shape is unknown`, {
          field: o,
        });
      }
      if (d1 !== 1) m = b.op(`dim1_${i}`, "Mul", [m, b.constant(`n${i}`, [d1], [])]);
    }
    terms.push(m);
  });
  let total: Tensor = terms.length === 1 ? terms[0]! : b.op("sum", "Sum", terms);
  if (weight !== 1) total = b.op("weight", "Mul", [total, b.constant("w", [weight], [])]);
  const loss = b.op("identity", "Identity", [total]);
  loss.name = graph.uniqueName(name);
  loss.shape = [];
  return { loss, targets };
}

/** Adds λ·Σ_V Σ(1 − |2h − 1|^β) to `loss` (h: tensor names of h(V)); returns the new loss tensor. */
export function appendAdaRoundRegularizer(graph: Graph, loss: Variable, h: readonly string[]): Variable {
  if (h.length === 0) return loss;
  const all = graph.tensors();
  const b = opBuilder(graph, "adaround_reg");
  const beta = new Variable(CONTROL.beta, "float32", []);
  const lambda = new Variable(CONTROL.regWeight, "float32", []);
  graph.inputs.push(beta, lambda);
  const one = b.constant("one", [1], []);
  const two = b.constant("two", [2], []);
  const terms = h.map((name, i) => {
    const t = all.get(name)!;
    const dev = b.op(`abs${i}`, "Abs", [b.op(`c${i}`, "Sub", [b.op(`x2_${i}`, "Mul", [t, two]), one])]);
    return b.op(`sum${i}`, "ReduceSum", [b.op(`r${i}`, "Sub", [one, b.op(`pow${i}`, "Pow", [dev, beta])])], {
      keepdims: attr.int(0),
    });
  });
  const reg = terms.length === 1 ? terms[0]! : b.op("sum", "Sum", terms);
  const total = b.op("total", "Add", [loss, b.op("weighted", "Mul", [reg, lambda])]);
  const name = loss.name;
  loss.name = graph.uniqueName(`${name}/reconstruction`);
  total.name = name;
  total.shape = [];
  return total;
}
