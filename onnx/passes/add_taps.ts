/**
 * Taps: intermediate tensors exposed as graph outputs (for calibration and shape capture).
 *
 * @module
 */
import { SamqError } from "../../util/errors.ts";
import type { Graph } from "../ir/graph.ts";
import type { Tensor } from "../ir/tensor.ts";

/**
 * Appends the named tensors to the graph outputs (those already outputs are left in place) and returns
 * them in the order given. Throws `invalid_argument` for an unknown name.
 */
export function addTaps(graph: Graph, names: readonly string[]): Tensor[] {
  const map = graph.tensors();
  const out = new Set(graph.outputs);
  return names.map((name) => {
    const t = map.get(name);
    if (t === undefined) {
      throw new SamqError("invalid_argument", `Cannot tap "${name}": the graph has no such tensor`, {
        field: name,
      });
    }
    if (!out.has(t)) {
      graph.outputs.push(t);
      out.add(t);
    }
    return t;
  });
}
