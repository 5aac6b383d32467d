/**
 * Attention finder. Around each Softmax S:
 *
 * - q·kᵀ: walk back from S's input through at most {@link MAX_WALK} scale/bias/layout ops (Mul, Div,
 *   Add, Sub, Reshape, Transpose, …) to a MatMul whose two inputs are variables; its inputs are q and kᵀ.
 * - probs·v: walk forward from S's output through layout-only ops to a MatMul that reads it as input 0
 *   with a variable input 1 (v).
 *
 * The quantized tensors are exactly the MatMul inputs (PTQ4SAM quantizes q, k, v after the projection
 * and the softmax output; a reshape or transpose between them does not change the values).
 *
 * @module
 */
import type { Graph } from "../../onnx/ir/graph.ts";
import type { Node } from "../../onnx/ir/node.ts";
import type { Tensor, Variable } from "../../onnx/ir/tensor.ts";
import { VALUE_PRESERVING_OPS } from "./pass_through_ops.ts";
import type { AttentionRecord, ScopeTagger } from "./types.ts";

/** Longest walk (in nodes) between the attention MatMuls and the Softmax. */
export const MAX_WALK = 6;

const SCORE_OPS = new Set([...VALUE_PRESERVING_OPS, "Mul", "Div", "Add", "Sub", "Cast"]);

/** True for a MatMul whose two inputs are both variables. */
export function isVariableMatMul(node: Node): boolean {
  return node.op === "MatMul" && node.inputs.length === 2 &&
    node.inputs.every((t) => t.kind === "variable" && !t.isEmpty);
}

/** Finds every attention of `graph`, in Softmax order. */
export function findAttentions(graph: Graph, tag: ScopeTagger): AttentionRecord[] {
  const out: AttentionRecord[] = [];
  for (const softmax of graph.nodes) {
    if (softmax.op !== "Softmax" || softmax.inputs[0]?.kind !== "variable") continue;
    const qk = walkBack(softmax.inputs[0]);
    const av = walkForward(softmax.outputs[0]!);
    if (qk === undefined || av === undefined) continue;
    out.push({
      qk,
      softmax,
      av,
      q: qk.inputs[0] as Variable,
      k: qk.inputs[1] as Variable,
      probs: av.inputs[0] as Variable,
      v: av.inputs[1] as Variable,
      scope: tag(softmax),
    });
  }
  return out;
}

function walkBack(start: Tensor): Node | undefined {
  let frontier: Tensor[] = [start];
  for (let depth = 0; depth <= MAX_WALK && frontier.length > 0; depth++) {
    const next: Tensor[] = [];
    for (const t of frontier) {
      const p = t.producer;
      if (p === undefined) continue;
      if (isVariableMatMul(p)) return p;
      if (SCORE_OPS.has(p.op)) next.push(...p.inputs.filter((x) => x.kind === "variable" && !x.isEmpty));
    }
    frontier = next;
  }
  return undefined;
}

function walkForward(start: Variable): Node | undefined {
  let t: Tensor = start;
  for (let depth = 0; depth <= MAX_WALK; depth++) {
    const mm = t.consumers.find((n) => isVariableMatMul(n) && n.inputs[0] === t);
    if (mm !== undefined) return mm;
    const pass: Node | undefined = t.consumers.length === 1 ? t.consumers[0] : undefined;
    if (pass === undefined || !VALUE_PRESERVING_OPS.has(pass.op)) return undefined;
    t = pass.outputs[0]!;
  }
  return undefined;
}
