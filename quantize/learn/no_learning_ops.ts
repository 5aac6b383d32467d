/**
 * Evaluation-graph hygiene for learned methods (spec §4.5, §14.1): an evaluation graph must contain no
 * training machinery — no random op (QDrop's dropping or input mixing), no `samq.learn` node or input —
 * so every quantizer quantizes its whole tensor. Learned methods check their final graphs with it; the
 * audit (`audit_quantized_model.ts`) and the evaluation path (`eval/check_evaluated_graphs.ts`) run the same
 * check on every quantized model.
 *
 * @module
 */
import { SamqError } from "../../util/errors.ts";
import type { Graph } from "../../onnx/ir/graph.ts";
import { findTrainingOps } from "../../onnx/ir/find_training_ops.ts";

/**
 * Names of the offending nodes and inputs of `graph` (empty when clean): random ops, Dropout in training
 * mode, `samq.learn` nodes and inputs (`onnx/ir/find_training_ops.ts`, the same check the audit and the
 * evaluation path run).
 */
export function findLearningOps(graph: Graph): string[] {
  return findTrainingOps(graph).map((t) => t.name);
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
