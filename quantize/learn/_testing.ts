/**
 * Test helper (internal): the tiny ViT-SAM prepared and initialised by the static rules, ready for the
 * learned drivers, with two synthetic calibration images.
 *
 * @module
 */
import { join } from "node:path";
import { REPO_ROOT } from "../../util/paths.ts";
import { decodeModel } from "../../onnx/io/read_model.ts";
import type { Graph } from "../../onnx/ir/graph.ts";
import { loadModelDir } from "../../sam/model_dir.ts";
import { type CalibrationSet, openCalibrationSet } from "../calibrate/calibration_set.ts";
import { NO_PROGRESS } from "../calibrate/progress.ts";
import { type PreparedModel, prepareSamModel } from "../graph/prepare_sam_model.ts";
import type { ModelPart } from "../graph/types.ts";
import type { CommonQuantizeOptions, QuantizedModel } from "../methods/types.ts";
import { staticInit } from "./static_init.ts";

/** The tiny official-layout fixture. */
export const TINY_MODEL = join(REPO_ROOT, "tests/fixtures/tiny-vit-sam/official");
/** A calibration spec that needs no shared data. */
export const TINY_CALIB = "synthetic:seed=1,n=4,size=96";

/** A statically initialised tiny SAM (W4A4 per-tensor, MSE ranges). */
export async function initialisedTinySam(): Promise<{
  model: PreparedModel;
  calibration: CalibrationSet;
  options: CommonQuantizeOptions;
  init: QuantizedModel;
  floatGraphs: Partial<Record<ModelPart, Graph>>;
}> {
  const model = await prepareSamModel(await loadModelDir(TINY_MODEL));
  const calibration = await openCalibrationSet(TINY_CALIB, { n: 2, evalData: null, promptsPerImage: 1 });
  const options: CommonQuantizeOptions = {
    bits: { w: 4, a: 4 },
    granularity: "per-tensor",
    scope: "both",
    includeFloatParts: false,
    seed: 0,
    ep: "cpu",
  };
  const init = await staticInit("test", model, calibration, options, {
    activation: "mse",
    activationExponent: 2,
    weight: "mse",
    weightExponent: 2,
    weightCandidates: 20,
    weightGrid: "shrink",
    sampleCapacity: 1 << 12,
    samplesPerRun: 1 << 10,
  }, NO_PROGRESS);
  const floatGraphs = Object.fromEntries(
    Object.entries(init.foldedFloat).map(([p, b]) => [p, decodeModel(b!).graph]),
  );
  return { model, calibration, options, init, floatGraphs };
}
