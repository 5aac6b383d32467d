/**
 * Step "learn" input: what the learned drivers (`reconstructUnits`, `trainEndToEnd`) need from a method's
 * static stage — the quantized parts, their records and float graphs — plus the run's seed, EP and
 * progress.
 *
 * @module
 */
import type { Graph } from "../../../onnx/ir/graph.ts";
import { decodeModel } from "../../../onnx/io/read_model.ts";
import type { CalibrationSet } from "../../calibrate/calibration_set.ts";
import type { ProgressFn } from "../../calibrate/progress.ts";
import type { PreparedModel } from "../../graph/prepare_sam_model.ts";
import type { ModelPart } from "../../graph/types.ts";
import type { ReconstructionInput } from "../../learn/reconstruct_units.ts";
import type { CommonQuantizeOptions, QuantizedModel } from "../types.ts";

/** The float graphs (after folding, before quantizers) of `q`'s quantized parts. */
export function floatGraphsOf(q: QuantizedModel): Partial<Record<ModelPart, Graph>> {
  return Object.fromEntries(Object.entries(q.foldedFloat).map(([p, b]) => [p, decodeModel(b!).graph]));
}

/** The drivers' input for learning on top of `init` (`floatGraphs` defaults to `floatGraphsOf(init)`). */
export function learningInput(
  model: PreparedModel,
  init: QuantizedModel,
  calibration: CalibrationSet,
  options: Pick<CommonQuantizeOptions, "seed" | "ep">,
  cacheBytes: number,
  progress: ProgressFn,
  floatGraphs: Partial<Record<ModelPart, Graph>> = floatGraphsOf(init),
): ReconstructionInput {
  return {
    model,
    parts: init.quantizedParts,
    records: init.quantizers,
    floatGraphs,
    calibration,
    seed: options.seed,
    ep: options.ep,
    cacheBytes,
    progress,
  };
}
