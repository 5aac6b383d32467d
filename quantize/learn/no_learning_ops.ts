/**
 * Evaluation-graph hygiene for learned methods (spec §4.5, §14.1): an evaluation graph must contain no
 * training machinery — no random op (QDrop's dropping or input mixing), no `samq.learn` node or input —
 * so every quantizer quantizes its whole tensor. Learned methods check their final graphs with it.
 *
 * @module
 */
import { SamqError } from "../../util/errors.ts";
import type { Graph } from "../../onnx/ir/graph.ts";
import { LEARN_OP_PREFIX, LEARN_PREFIX } from "./_names.ts";

const RANDOM_OPS = new Set([
  "RandomUniform",
  "RandomUniformLike",
  "RandomNormal",
  "RandomNormalLike",
  "Multinomial",
  "Bernoulli",
]);

/** Names of the offending nodes and inputs of `graph` (empty when clean). */
export function findLearningOps(graph: Graph): string[] {
  const bad = graph.nodes.filter((n) => RANDOM_OPS.has(n.op) || n.name.startsWith(LEARN_OP_PREFIX)).map((n) =>
    n.name
  );
  for (const t of graph.inputs) {
    if (t.name.startsWith(LEARN_PREFIX) || t.name.startsWith("samq.learn.")) bad.push(t.name);
  }
  return bad;
}

/** @throws {SamqError} `invalid_model` naming the first offending node of `part`. */
export function assertNoLearningOps(graph: Graph, part: string): void {
  const bad = findLearningOps(graph);
  if (bad.length > 0) {
    throw new SamqError(
      "invalid_model",
      `Cannot finish: the ${part} evaluation graph still has training ops ("${bad[0]}")`,
      {
        field: bad[0]!,
      },
    );
  }
}
