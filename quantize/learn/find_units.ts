/**
 * Reconstruction units of a SAM graph (BRECQ/QDrop/PTQ4SAM-L block reconstruction, spec §4.4, §7, §8):
 * the graph's node list (topological order) cut into consecutive segments, each holding one group of
 * quantized Linears — an attention (its q/k/v projections and output projection), an MLP or conv chain
 * (the Linears around each GELU/ReLU), or a lone Linear — plus the float ops up to the next cut.
 *
 * Cuts follow the data, not names: between two consecutive groups, the cut is the position where the
 * fewest tensors are live (computed and still needed later), earliest on ties. In a residual network that
 * is the residual stream right after a block's residual add (one live tensor in the encoder); in SAM's
 * two-way decoder it is the set {queries, keys, positional encodings, …} after a sub-block's LayerNorm.
 * Everything before the first group up to the narrowest point is a propagation-only `head` (the float
 * patch embedding, the prompt encoder); what follows the last group's narrowest point is left out.
 *
 * A unit's inputs are the tensors live at its start cut that it reads; its outputs are the tensors live at
 * its end cut that it computes. Groups whose node ranges overlap are merged into one unit.
 *
 * @module
 */
import type { Graph } from "../../onnx/ir/graph.ts";
import type { Node } from "../../onnx/ir/node.ts";
import type { Tensor } from "../../onnx/ir/tensor.ts";
import type { GraphPatterns, LinearRecord } from "../graph/types.ts";
import { GROUPING_WALK_OPS } from "../graph/pass_through_ops.ts";

/** One segment of the graph. */
export interface GraphUnit {
  /** Tensors read from the stream (live at the start cut). */
  inputs: string[];
  /** Tensors written to the stream (live at the end cut). */
  outputs: string[];
  /** Every tensor live at the end cut (the stream after the unit). */
  live: string[];
  /** Names of the segment's nodes. */
  nodes: string[];
  /** Names of the quantized Linear nodes in it. */
  linears: string[];
}

/** Units of one graph. */
export interface GraphUnits {
  /** Propagation-only prefix (no quantized Linear), absent when empty. */
  head?: GraphUnit;
  units: GraphUnit[];
}

/** Longest walk (nodes) from a Linear to the attention or activation that groups it. */
export const UNIT_WALK = 8;

/** Finds the units of `graph` whose Linears (by node name) are in `quantized`. */
export function findUnits(graph: Graph, patterns: GraphPatterns, quantized: ReadonlySet<string>): GraphUnits {
  const nodes = graph.nodes;
  const pos = new Map(nodes.map((n, i) => [n, i]));
  const linears = patterns.linears.filter((l) => quantized.has(l.node.name));
  if (linears.length === 0) return { units: [] };
  const ranges = groupRanges(patterns, linears, pos);
  const { size, liveAt } = liveness(graph);
  const argmin = (from: number, to: number, latest: boolean) => {
    let best = from;
    for (let i = from; i <= to; i++) if (latest ? size(i) <= size(best) : size(i) < size(best)) best = i;
    return best;
  };
  const cuts: number[] = [argmin(-1, ranges[0]!.start - 1, true)];
  for (let k = 0; k < ranges.length; k++) {
    const next = ranges[k + 1];
    cuts.push(argmin(ranges[k]!.end, next === undefined ? nodes.length - 1 : next.start - 1, false));
  }
  const live = liveAt(new Set([-1, ...cuts]));
  const segment = (from: number, to: number): GraphUnit => {
    const members = nodes.slice(from + 1, to + 1);
    const read = new Set<Tensor>(members.flatMap((n) => n.inputs));
    const wrote = new Set<Tensor>(members.flatMap((n) => n.outputs));
    return {
      inputs: [...live.get(from)!].filter((t) => read.has(t)).map((t) => t.name),
      outputs: [...live.get(to)!].filter((t) => wrote.has(t)).map((t) => t.name),
      live: [...live.get(to)!].map((t) => t.name),
      nodes: members.map((n) => n.name),
      linears: members.filter((n) => quantized.has(n.name) && linears.some((l) => l.node === n)).map((n) =>
        n.name
      ),
    };
  };
  const head = cuts[0]! >= 0 ? segment(-1, cuts[0]!) : undefined;
  const units = ranges.map((_, k) => segment(cuts[k]!, cuts[k + 1]!));
  return { ...(head === undefined ? {} : { head }), units };
}

/** Node-position ranges of the Linear groups, sorted, overlapping ones merged. */
function groupRanges(
  patterns: GraphPatterns,
  linears: readonly LinearRecord[],
  pos: Map<Node, number>,
): { start: number; end: number }[] {
  const parent = linears.map((_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i]!)));
  const join = (members: number[]) => members.forEach((m) => (parent[find(m)] = find(members[0]!)));
  const feeding = (targets: Set<Tensor>) =>
    linears.flatMap((l, i) => (reaches(l.output, targets, true) ? [i] : []));
  const reading = (targets: Set<Tensor>) =>
    linears.flatMap((l, i) => (reaches(l.input, targets, false) ? [i] : []));
  for (const a of patterns.attentions) {
    join([...feeding(new Set([a.q, a.k, a.v])), ...reading(new Set([a.av.outputs[0]!]))]);
  }
  const acts = [
    ...patterns.gelus.map((g) => ({ input: g.input, output: g.output })),
    ...graphRelus(patterns).map((n) => ({ input: n.inputs[0]!, output: n.outputs[0]! as Tensor })),
  ];
  for (const g of acts) join([...feeding(new Set([g.input])), ...reading(new Set([g.output]))]);
  const groups = new Map<number, { start: number; end: number }>();
  linears.forEach((l, i) => {
    const p = pos.get(l.node)!;
    const r = groups.get(find(i));
    groups.set(
      find(i),
      r === undefined ? { start: p, end: p } : { start: Math.min(r.start, p), end: Math.max(r.end, p) },
    );
  });
  const sorted = [...groups.values()].sort((a, b) => a.start - b.start);
  const merged: { start: number; end: number }[] = [];
  for (const r of sorted) {
    const last = merged[merged.length - 1];
    if (last !== undefined && r.start <= last.end) last.end = Math.max(last.end, r.end);
    else merged.push({ ...r });
  }
  return merged;
}

function graphRelus(patterns: GraphPatterns): Node[] {
  const seen = new Set<Node>();
  for (const l of patterns.linears) for (const n of l.output.consumers) if (n.op === "Relu") seen.add(n);
  return [...seen];
}

function reaches(start: Tensor, targets: Set<Tensor>, forward: boolean): boolean {
  let frontier: Tensor[] = [start];
  for (let depth = 0; depth <= UNIT_WALK && frontier.length > 0; depth++) {
    const next: Tensor[] = [];
    for (const t of frontier) {
      if (targets.has(t)) return true;
      if (forward) { for (const n of t.consumers) if (GROUPING_WALK_OPS.has(n.op)) next.push(...n.outputs); }
      if (!forward && t.producer !== undefined && GROUPING_WALK_OPS.has(t.producer.op)) {
        next.push(t.producer.inputs[0]!);
      }
    }
    frontier = next;
  }
  return false;
}

/**
 * Live-tensor bookkeeping: `size(i)` = number of variables live after node i (i = −1: before any node);
 * `liveAt(positions)` = the live sets at those positions.
 */
function liveness(
  graph: Graph,
): { size: (i: number) => number; liveAt: (at: Set<number>) => Map<number, Set<Tensor>> } {
  const nodes = graph.nodes;
  const lastUse = new Map<Tensor, number>();
  nodes.forEach((n, i) => n.inputs.forEach((t) => t.kind === "variable" && !t.isEmpty && lastUse.set(t, i)));
  for (const t of graph.outputs) lastUse.set(t, Infinity);
  const sizes: number[] = [];
  const walk = (visit: (i: number, live: Set<Tensor>) => void) => {
    const live = new Set<Tensor>(graph.inputs.filter((t) => lastUse.has(t)));
    visit(-1, live);
    nodes.forEach((n, i) => {
      for (const t of n.outputs) if (lastUse.has(t)) live.add(t);
      for (const t of n.inputs) if (lastUse.get(t) === i) live.delete(t);
      visit(i, live);
    });
  };
  walk((i, live) => (sizes[i + 1] = live.size));
  return {
    size: (i) => sizes[i + 1]!,
    liveAt: (at) => {
      const out = new Map<number, Set<Tensor>>();
      walk((i, live) => at.has(i) && out.set(i, new Set(live)));
      return out;
    },
  };
}
