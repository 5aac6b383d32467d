/**
 * Census of the quantizers present in a graph, by the `samq.q/` naming contract (`insert/_names.ts`):
 *
 * - an activation quantizer is any node named `samq.q/<id>/<step>`: its id is the name without the prefix
 *   and the last `/<step>` segment;
 * - a weight quantizer is a constant named exactly `samq.q/<id>` read by at least one node outside the
 *   `samq.q/` prefix (the constants of activation quantizers are read only by their own nodes).
 *
 * @module
 */
import type { Graph } from "../../onnx/ir/graph.ts";
import { QUANT_PREFIX } from "../insert/_names.ts";

/** Quantizer ids found in a graph. */
export interface GraphQuantizers {
  activations: Set<string>;
  weights: Set<string>;
}

/** Finds every quantizer of `graph` by name. */
export function findGraphQuantizers(graph: Graph): GraphQuantizers {
  const activations = new Set<string>();
  for (const n of graph.nodes) {
    if (!n.name.startsWith(QUANT_PREFIX)) continue;
    activations.add(n.name.slice(QUANT_PREFIX.length, n.name.lastIndexOf("/")));
  }
  const weights = new Set<string>();
  for (const c of graph.initializers()) {
    if (!c.name.startsWith(QUANT_PREFIX)) continue;
    if (c.consumers.some((n) => !n.name.startsWith(QUANT_PREFIX))) {
      weights.add(c.name.slice(QUANT_PREFIX.length));
    }
  }
  return { activations, weights };
}
