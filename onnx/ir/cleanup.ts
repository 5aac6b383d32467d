/**
 * Dead-code removal for the graph IR.
 *
 * @module
 */
import type { Graph } from "./graph.ts";
import type { Node } from "./node.ts";
import type { Tensor } from "./tensor.ts";

/** Options of {@link cleanupGraph}. */
export interface CleanupOptions {
  /**
   * Also drop graph inputs that no kept node reads.
   * @default false
   */
  removeUnusedInputs?: boolean;
}

/**
 * Removes every node that no graph output depends on and disconnects it from its tensors. Graph outputs
 * are never touched. A node with subgraph attributes keeps alive the outer tensors its subgraphs read.
 * Returns the number of nodes removed.
 */
export function cleanupGraph(graph: Graph, options: CleanupOptions = {}): number {
  const live = new Set<Node>();
  const stack: Tensor[] = [...graph.outputs];
  const visited = new Set<Tensor>();
  while (stack.length > 0) {
    const t = stack.pop()!;
    if (visited.has(t)) continue;
    visited.add(t);
    const p = t.producer;
    if (p === undefined || live.has(p)) continue;
    live.add(p);
    stack.push(...p.inputs);
    for (const outer of outerReads(p)) stack.push(outer);
  }
  const dead = graph.nodes.filter((n) => !live.has(n));
  graph.nodes = graph.nodes.filter((n) => live.has(n));
  for (const n of dead) n.disconnect();
  if (options.removeUnusedInputs ?? false) {
    const outs = new Set(graph.outputs);
    graph.inputs = graph.inputs.filter((t) => t.consumers.length > 0 || outs.has(t));
  }
  return dead.length;
}

/** Tensors that `node`'s subgraphs read from enclosing scopes (transitively). */
export function outerReads(node: Node): Tensor[] {
  const out: Tensor[] = [];
  for (const a of Object.values(node.attrs)) {
    const graphs = a.type === "graph" ? [a.value] : a.type === "graphs" ? a.value : [];
    for (const g of graphs) {
      const local = new Set<Tensor>(g.inputs);
      for (const n of g.nodes) for (const t of n.outputs) local.add(t);
      for (const n of g.nodes) {
        for (const t of [...n.inputs, ...outerReads(n)]) {
          if (!local.has(t) && t.kind === "variable" && !t.isEmpty) out.push(t);
        }
      }
      for (const t of g.outputs) if (!local.has(t) && t.kind === "variable") out.push(t);
    }
  }
  return out;
}
