/**
 * Step helper of PQ-SAM's GADT (spec §3.3 B, §13 item 1): which Linear-input activation sites get the
 * grouped shift/scale. Each token-major Linear (MatMul or Gemm; convolutions never) is classified by
 * structure, not by name, so that the official, HF and MobileSAM exports agree:
 *
 * | target | the Linear …                                         | examples                                  |
 * |--------|------------------------------------------------------|-------------------------------------------|
 * | "qkv"  | feeds an attention's q, k or v operand                | encoder qkv; decoder q_proj/k_proj/v_proj |
 * | "lin1" | feeds a GELU (Erf form) or a Relu                     | MLP lin1 / fc1                            |
 * | "proj" | reads an attention's output (probs·v)                 | encoder proj; decoder out_proj            |
 * | "lin2" | reads a GELU or Relu output                           | MLP lin2 / fc2                            |
 *
 * "Feeds" and "reads" follow layout and scaling ops (Reshape, Transpose, Split, Slice, Gather, Mul, Div, …)
 * for at most {@link MAX_WALK} nodes. A site is a target when one of its Linears has a selected class and
 * every role of the site is "linear-input" (a tensor that is also an attention operand is left alone).
 *
 * @module
 */
import type { Node } from "../../../onnx/ir/node.ts";
import type { Tensor } from "../../../onnx/ir/tensor.ts";
import type { GraphPatterns, LinearRecord } from "../../graph/types.ts";
import { GROUPING_WALK_OPS } from "../../graph/pass_through_ops.ts";
import type { ActivationSite } from "../../insert/plan_quantizers.ts";

/** GADT target classes (see the module table). */
export const GADT_TARGETS = ["qkv", "lin1", "proj", "lin2"] as const;
/** One of {@link GADT_TARGETS}. */
export type GadtTarget = typeof GADT_TARGETS[number];

/** Longest walk (in nodes) between a Linear and the structure that classifies it. */
export const MAX_WALK = 8;

/** A target site and the classes of its Linears. */
export interface GadtTargetSite {
  site: ActivationSite;
  targets: GadtTarget[];
}

/** Classes of one Linear (empty for convolutions and unclassified Linears). */
export function classifyLinear(patterns: GraphPatterns, lin: LinearRecord): GadtTarget[] {
  if (lin.op === "Conv") return [];
  const operands = new Set<Tensor>(patterns.attentions.flatMap((a) => [a.q, a.k, a.v]));
  const activationInputs = new Set<Tensor>(patterns.gelus.map((g) => g.input));
  const activationOutputs = new Set<Tensor>(patterns.gelus.map((g) => g.output));
  const attentionOutputs = new Set<Tensor>(patterns.attentions.map((a) => a.av.outputs[0]!));
  const out: GadtTarget[] = [];
  const isRelu = (n: Node) => n.op === "Relu";
  if (reachesForward(lin.output, (t) => operands.has(t))) out.push("qkv");
  if (reachesForward(lin.output, (t) => activationInputs.has(t) || t.consumers.some(isRelu))) {
    out.push("lin1");
  }
  if (reachesBackward(lin.input, (t) => attentionOutputs.has(t))) out.push("proj");
  if (reachesBackward(lin.input, (t) => activationOutputs.has(t) || t.producer?.op === "Relu")) {
    out.push("lin2");
  }
  return out;
}

/** The sites of `sites` whose Linears have a class in `selected`, with their classes. */
export function findGadtTargets(
  patterns: GraphPatterns,
  sites: readonly ActivationSite[],
  selected: readonly GadtTarget[],
): GadtTargetSite[] {
  const out: GadtTargetSite[] = [];
  for (const site of sites) {
    if (site.linears.length === 0 || site.roles.some((r) => r !== "linear-input")) continue;
    const targets = [...new Set(site.linears.flatMap((l) => classifyLinear(patterns, l)))]
      .sort((a, b) => GADT_TARGETS.indexOf(a) - GADT_TARGETS.indexOf(b));
    if (targets.some((t) => selected.includes(t))) out.push({ site, targets });
  }
  return out;
}

function reachesForward(start: Tensor, hit: (t: Tensor) => boolean): boolean {
  let frontier: Tensor[] = [start];
  for (let depth = 0; depth <= MAX_WALK && frontier.length > 0; depth++) {
    const next: Tensor[] = [];
    for (const t of frontier) {
      if (hit(t)) return true;
      for (const n of t.consumers) if (GROUPING_WALK_OPS.has(n.op)) next.push(...n.outputs);
    }
    frontier = next;
  }
  return false;
}

function reachesBackward(start: Tensor, hit: (t: Tensor) => boolean): boolean {
  let t: Tensor | undefined = start;
  for (let depth = 0; depth <= MAX_WALK && t !== undefined; depth++) {
    if (hit(t)) return true;
    const p: Node | undefined = t.producer;
    t = p !== undefined && GROUPING_WALK_OPS.has(p.op) ? p.inputs[0] : undefined;
  }
  return false;
}
