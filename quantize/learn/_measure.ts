/**
 * Internal: the number of elements each quantizer sees per call (N of LSQ's gradient scale), measured
 * by one shape-capture run of a graph.
 *
 * @module
 */
import type * as ort from "onnxruntime-node";
import type { Graph } from "../../onnx/ir/graph.ts";
import { extractSubgraph } from "../../onnx/passes/extract_subgraph.ts";
import { inferShapes } from "../../onnx/passes/infer_shapes.ts";

/** Element counts of tensors `names` of `graph` (a copy is run with `feeds`). */
export async function tensorElements(
  graph: Graph,
  feeds: Record<string, ort.Tensor>,
  names: readonly (string | undefined)[],
): Promise<Map<string, number>> {
  const all = graph.tensors();
  const want = [...new Set(names.filter((n): n is string => n !== undefined && all.has(n)))];
  const out = new Map<string, number>();
  if (want.length === 0) return out;
  const copy = extractSubgraph(graph, graph.inputs.map((t) => t.name), graph.outputs.map((t) => t.name));
  const inputs = new Set(copy.inputs.map((t) => t.name));
  await inferShapes(copy, {
    feeds: Object.fromEntries(Object.entries(feeds).filter(([k]) => inputs.has(k))),
    tensors: want,
  });
  const copied = copy.tensors();
  for (const n of want) {
    const shape = copied.get(n)?.shape;
    if (shape !== undefined && shape.every((d) => typeof d === "number")) {
      out.set(
        n,
        (shape as number[]).reduce((a, b) => a * b, 1),
      );
    }
  }
  return out;
}
