/**
 * The part of a forward graph to differentiate (internal): which graph inputs the outputs need, which
 * nodes the loss depends on, which tensors depend on a parameter, and which integer tensors rules must
 * read when building (checked to be computed from shapes only).
 *
 * @module
 */
import { SamqError } from "../../util/errors.ts";
import type { Graph } from "../ir/graph.ts";
import type { Node } from "../ir/node.ts";
import type { Tensor, Variable } from "../ir/tensor.ts";
import { GRAD_DTYPES } from "./grad_context.ts";
import type { GradientRule } from "./gradient_rule.ts";

/** Graph inputs that `outputs` depend on. */
export function neededInputs(graph: Graph, outputs: Tensor[]): Set<Tensor> {
  const inputs = new Set<Tensor>(graph.inputs);
  const found = new Set<Tensor>();
  const seen = new Set<Tensor>();
  const stack = [...outputs];
  while (stack.length > 0) {
    const t = stack.pop()!;
    if (seen.has(t)) continue;
    seen.add(t);
    if (inputs.has(t)) found.add(t);
    if (t.producer !== undefined) stack.push(...t.producer.inputs);
  }
  return found;
}

/** Nodes that `t` depends on. */
export function nodesReaching(t: Tensor): Set<Node> {
  const nodes = new Set<Node>();
  const stack = [t];
  while (stack.length > 0) {
    const p = stack.pop()!.producer;
    if (p === undefined || nodes.has(p)) continue;
    nodes.add(p);
    stack.push(...p.inputs);
  }
  return nodes;
}

/**
 * Tensors depending on a parameter (float dtype only when `strict`; unknown dtypes pass otherwise) and
 * the nodes in topological order that read one and that the loss depends on.
 */
export function differentiable(
  g: Graph,
  params: Variable[],
  reaches: Set<Node>,
  strict: boolean,
): { tensors: Set<Tensor>; nodes: Node[] } {
  const tensors = new Set<Tensor>(params);
  const nodes: Node[] = [];
  for (const n of g.nodes) {
    if (!reaches.has(n) || !n.inputs.some((t) => tensors.has(t))) continue;
    nodes.push(n);
    for (const t of n.outputs) {
      if (t.isEmpty) continue;
      if (t.dtype === undefined && strict) {
        throw new SamqError(
          "invalid_model",
          `Cannot differentiate ${n.op} node "${n.name}": the dtype of "${t.name}" is unknown`,
          {
            field: t.name,
          },
        );
      }
      if (t.dtype === undefined || GRAD_DTYPES.includes(t.dtype)) tensors.add(t);
    }
  }
  return { tensors, nodes };
}

/** Variables in rules' `staticInputs` slots, checked to be computed from shapes only. */
export function staticVariables(nodes: Node[], registry: Record<string, GradientRule>): Variable[] {
  const out = new Set<Variable>();
  const memo = new Map<Tensor, boolean>();
  for (const n of nodes) {
    for (const slot of registry[n.op]?.staticInputs ?? []) {
      const t = n.inputs[slot];
      if (t === undefined || t.kind === "constant" || t.isEmpty) continue;
      if (!shapeDerived(t, memo)) {
        throw new SamqError(
          "invalid_model",
          `Cannot differentiate ${n.op} node "${n.name}": input "${t.name}" depends on input data, but its ` +
            `rule needs a value known when building`,
          { field: n.name },
        );
      }
      out.add(t);
    }
  }
  return [...out];
}

const RANDOM_OPS = new Set([
  "RandomNormal",
  "RandomUniform",
  "RandomNormalLike",
  "RandomUniformLike",
  "Multinomial",
]);

/** True when `t` is a constant or computed only from constants and tensor shapes. */
function shapeDerived(t: Tensor, memo: Map<Tensor, boolean>): boolean {
  if (t.kind === "constant") return true;
  const known = memo.get(t);
  if (known !== undefined) return known;
  const p = t.producer;
  let result: boolean;
  if (p === undefined) result = false;
  else if (p.op === "Shape" || p.op === "Size") result = true;
  else if (RANDOM_OPS.has(p.op)) result = false;
  else {
    memo.set(t, false); // cycle guard
    result = p.inputs.every((x) => (x.kind === "variable" && x.isEmpty) || shapeDerived(x, memo));
  }
  memo.set(t, result);
  return result;
}
