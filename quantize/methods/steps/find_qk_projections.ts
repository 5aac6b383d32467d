/**
 * Step helper of BIG (spec §4.2): the q and k projections of each attention, found by walking back from
 * the attention's q and k operands (`AttentionRecord.q`, `.k`) through layout ops (Reshape, Transpose, …)
 * and scalings by a constant (Mul/Div) to the output of a Linear (`LinearRecord.output`, after its bias).
 *
 * Folding a sign vector γ into the output channels of both projections is exact only when nothing else
 * reads the projections' values, so every tensor on both walks must have exactly one reader besides
 * Shape/Size nodes (which read only the shape) and not be a graph output; attentions that fail this are
 * left out. Both operands must go through the same
 * layout ops (true for every SAM export: one head split per projection), so that output channel c of
 * q_proj meets output channel c of k_proj in q·kᵀ.
 *
 * @module
 */
import type { Graph } from "../../../onnx/ir/graph.ts";
import type { Tensor } from "../../../onnx/ir/tensor.ts";
import type { AttentionRecord, GraphPatterns, LinearRecord } from "../../graph/types.ts";
import { VALUE_PRESERVING_OPS } from "../../graph/pass_through_ops.ts";

/** An attention with its q and k projections. */
export interface QkProjections {
  attention: AttentionRecord;
  qProj: LinearRecord;
  kProj: LinearRecord;
}

const SCALE_OPS: ReadonlySet<string> = new Set(["Mul", "Div"]);
/** Ops that read only a tensor's shape (the decoder's dynamic reshapes): sign flips do not reach them. */
const SHAPE_READERS: ReadonlySet<string> = new Set(["Shape", "Size"]);
/** Longest walk (in nodes) from a projection output to the attention operand. */
const MAX_WALK = 8;

/** Every attention of `patterns` whose q and k come from two distinct Linears read only by it. */
export function findQkProjections(graph: Graph, patterns: GraphPatterns): QkProjections[] {
  const byOutput = new Map<Tensor, LinearRecord>(patterns.linears.map((l) => [l.output, l]));
  const out: QkProjections[] = [];
  for (const attention of patterns.attentions) {
    const qProj = walkBack(graph, attention.q, byOutput);
    const kProj = walkBack(graph, attention.k, byOutput);
    if (qProj === undefined || kProj === undefined || qProj === kProj) continue;
    if (qProj.dims.out !== kProj.dims.out || qProj.op === "Conv" || kProj.op === "Conv") continue;
    out.push({ attention, qProj, kProj });
  }
  return out;
}

function walkBack(
  graph: Graph,
  start: Tensor,
  byOutput: Map<Tensor, LinearRecord>,
): LinearRecord | undefined {
  let t: Tensor = start;
  for (let depth = 0; depth <= MAX_WALK; depth++) {
    if (t.consumers.filter((n) => !SHAPE_READERS.has(n.op)).length !== 1 || graph.outputs.includes(t)) {
      return undefined;
    }
    const lin = byOutput.get(t);
    if (lin !== undefined) return lin;
    const p = t.producer;
    if (p === undefined) return undefined;
    if (VALUE_PRESERVING_OPS.has(p.op)) {
      t = p.inputs[0]!;
      continue;
    }
    const factor = p.inputs[1];
    if (SCALE_OPS.has(p.op) && factor !== undefined && factor.kind === "constant" && factor.size === 1) {
      t = p.inputs[0]!;
      continue;
    }
    return undefined;
  }
  return undefined;
}
