/**
 * All pattern finders on one graph, with scope tags and the LayerNorm → Linear links.
 *
 * Preconditions: shape computations are folded (`prepareGraph`), so that weights are constants. The
 * records reference this graph's nodes (see `types.ts`).
 *
 * @module
 */
import { SamqError } from "../../util/errors.ts";
import type { Graph } from "../../onnx/ir/graph.ts";
import { findAttentions, isVariableMatMul } from "./find_attentions.ts";
import { findGelus } from "./find_gelus.ts";
import { findLayerNorms } from "./find_layer_norms.ts";
import { findLinears } from "./find_linears.ts";
import { findSoftmaxes } from "./find_softmaxes.ts";
import { createScopeTagger } from "./scope_rules.ts";
import type { GraphPatterns, ModelPart } from "./types.ts";

/** Options of {@link findPatterns}. */
export interface FindPatternsOptions {
  /** File the graph came from (named in errors). @default undefined */
  path?: string;
  /** Throw `invalid_model` when the graph has no Linear layer. @default true */
  requireLinear?: boolean;
}

/**
 * Runs every finder on `graph` (one part of a SAM model).
 *
 * @throws {SamqError} `invalid_model` (field = part) when `requireLinear` and no Linear is found.
 */
export function findPatterns(
  graph: Graph,
  part: ModelPart,
  options: FindPatternsOptions = {},
): GraphPatterns {
  const tag = createScopeTagger(graph, part);
  const linears = findLinears(graph, tag);
  if ((options.requireLinear ?? true) && linears.length === 0) {
    const where = options.path === undefined ? `the ${part} graph` : `"${options.path}"`;
    throw new SamqError(
      "invalid_model",
      `Cannot quantize ${where}: it has no recognizable Linear layer (MatMul/Gemm/Conv with a constant weight)`,
      { ...(options.path === undefined ? {} : { path: options.path }), field: part },
    );
  }
  const layerNorms = findLayerNorms(graph, tag);
  const byOutput = new Map(layerNorms.map((ln) => [ln.output, ln]));
  for (const lin of linears) {
    const ln = byOutput.get(lin.input);
    if (ln !== undefined) lin.layerNorm = ln;
  }
  const attentions = findAttentions(graph, tag);
  const inAttention = new Set(attentions.flatMap((a) => [a.qk, a.av]));
  return {
    part,
    linears,
    layerNorms,
    softmaxes: findSoftmaxes(graph, tag),
    gelus: findGelus(graph, tag),
    attentions,
    otherMatMuls: graph.nodes.filter((n) => isVariableMatMul(n) && !inAttention.has(n)),
  };
}
