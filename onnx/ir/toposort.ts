/**
 * Topological ordering of the graph IR.
 *
 * @module
 */
import { SamqError } from "../../util/errors.ts";
import { outerReads } from "./cleanup.ts";
import type { Graph } from "./graph.ts";
import type { Node } from "./node.ts";

/**
 * Reorders `graph.nodes` so that each node comes after the producers of its inputs (including tensors its
 * subgraphs read). Depth-first in the current order, so an already sorted list is unchanged.
 *
 * @throws {SamqError} `invalid_model` on a cycle (a model file can hold one), naming a node on it (field).
 */
export function toposortGraph(graph: Graph): void {
  const inGraph = new Set(graph.nodes);
  const state = new Map<Node, 1 | 2>(); // 1 = on the stack, 2 = placed
  const order: Node[] = [];
  for (const root of graph.nodes) {
    if (state.has(root)) continue;
    // Iterative DFS: each frame is a node and the index of the next dependency to visit.
    const stack: [Node, Node[], number][] = [[root, deps(root, inGraph), 0]];
    state.set(root, 1);
    while (stack.length > 0) {
      const frame = stack[stack.length - 1]!;
      const [node, ds, i] = frame;
      if (i < ds.length) {
        frame[2] = i + 1;
        const d = ds[i]!;
        const s = state.get(d);
        if (s === 1) {
          throw new SamqError(
            "invalid_model",
            `Cannot sort graph "${graph.name}": it has a cycle through ${d.op} node "${d.name}"`,
            {
              field: d.name,
            },
          );
        }
        if (s === undefined) {
          state.set(d, 1);
          stack.push([d, deps(d, inGraph), 0]);
        }
      } else {
        state.set(node, 2);
        order.push(node);
        stack.pop();
      }
    }
  }
  graph.nodes = order;
}

function deps(node: Node, inGraph: Set<Node>): Node[] {
  const out: Node[] = [];
  for (const t of [...node.inputs, ...outerReads(node)]) {
    const p = t.producer;
    if (p !== undefined && inGraph.has(p)) out.push(p);
  }
  return out;
}
