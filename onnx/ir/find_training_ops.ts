/**
 * Finds what would make an evaluation graph stochastic or leave it in a training state (spec §4.5,
 * §14.1: every quantizer must quantize its whole tensor at evaluation; QDrop-style reconstruction code
 * left half of them randomly dropped):
 *
 * | what                                   | why                                                              |
 * |----------------------------------------|------------------------------------------------------------------|
 * | `RandomUniform(Like)`, `RandomNormal(Like)`, `Bernoulli`, `Multinomial` | a random draw: QDrop's drop mask `Where(U < p, Q(x), x)` or input mixing |
 * | `Dropout` whose `training_mode` is true or not a constant (opset ≥ 12), or `is_test = 0` (opset ≤ 6) | drops elements at run time |
 * | a node named `samq.learn.op/…`, a graph input named `samq.learn/…` or `samq.learn.…/…` | samq's training-graph machinery (`quantize/learn/_names.ts`: parametric quantizers, `emitDrop`, control scalars such as the QDrop keep probability) |
 *
 * Subgraphs (`If`/`Loop`/`Scan` bodies) are searched too. A `Dropout` without `training_mode` is the
 * identity at inference (ONNX default false) and is not reported.
 *
 * @module
 */
import type { Graph } from "./graph.ts";
import type { Node } from "./node.ts";
import type { Tensor } from "./tensor.ts";

/** Ops that draw random numbers. */
export const RANDOM_OPS: ReadonlySet<string> = new Set([
  "RandomUniform",
  "RandomUniformLike",
  "RandomNormal",
  "RandomNormalLike",
  "Bernoulli",
  "Multinomial",
]);

/** Name prefixes of samq's training-graph nodes and inputs (`quantize/learn/_names.ts`). */
export const TRAINING_NAME_PREFIXES = Object.freeze({ node: "samq.learn.op/", input: "samq.learn" });

/** One offending node or input. */
export interface TrainingOp {
  /** Node name (or `op#index` for an unnamed node), or the graph input name. */
  name: string;
  /** The op type, or "input" for a graph input. */
  op: string;
  why: string;
}

function constantBool(t: Tensor | undefined): boolean | null {
  if (t === undefined) return false;
  if (t.kind === "constant") return t.size > 0 ? Number(t.values()[0]) !== 0 : false;
  const p = t.producer;
  if (p?.op === "Constant" && p.attrs.value?.type === "tensor") {
    const c = p.attrs.value.value;
    return c.size > 0 ? Number(c.values()[0]) !== 0 : false;
  }
  return null;
}

function dropoutTrains(n: Node): boolean {
  const isTest = n.attrs.is_test;
  if (isTest?.type === "int" && isTest.value === 0) return true;
  const mode = n.inputs[2];
  if (mode === undefined || mode.name === "") return false;
  return constantBool(mode) !== false;
}

/**
 * Lists the training ops of `graph` (see the module doc); empty when the graph is clean.
 *
 * @param graph The graph to inspect (not modified).
 * @returns Offending nodes and inputs, in graph order.
 *
 * @example Usage
 * ```ts ignore
 * findTrainingOps((await readModel("q/encoder.onnx")).graph); // []
 * ```
 */
export function findTrainingOps(graph: Graph): TrainingOp[] {
  const out: TrainingOp[] = [];
  graph.nodes.forEach((n, i) => {
    const name = n.name === "" ? `${n.op}#${i}` : n.name;
    if (RANDOM_OPS.has(n.op)) out.push({ name, op: n.op, why: "draws random numbers" });
    else if (n.op === "Dropout" && dropoutTrains(n)) {
      out.push({ name, op: n.op, why: "dropout in training mode" });
    } else if (n.name.startsWith(TRAINING_NAME_PREFIXES.node)) {
      out.push({ name, op: n.op, why: "samq training-graph node" });
    }
    for (const a of Object.values(n.attrs)) {
      const subs = a.type === "graph" ? [a.value] : a.type === "graphs" ? a.value : [];
      for (const g of subs) out.push(...findTrainingOps(g).map((t) => ({ ...t, name: `${name}/${t.name}` })));
    }
  });
  for (const t of graph.inputs) {
    if (t.name.startsWith(TRAINING_NAME_PREFIXES.input)) {
      out.push({ name: t.name, op: "input", why: "samq training-graph input" });
    }
  }
  return out;
}
