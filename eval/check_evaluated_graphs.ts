/**
 * The evaluation path's hygiene gate (spec §14.1: verify before any metric is computed that no quantizer
 * is in a dropped, bypassed or training state): reads the encoder and decoder graphs a quantized model
 * folder will be run from and refuses the evaluation when either holds a random op, a Dropout in
 * training mode or samq training machinery (`onnx/ir/find_training_ops.ts`). The all-token decoder of the
 * detbox and auto modes is cut from the same decoder file by output surgery, which adds no op, so the
 * check covers it too.
 *
 * @module
 */
import { readModel } from "../onnx/io/read_model.ts";
import { findTrainingOps } from "../onnx/ir/find_training_ops.ts";
import type { SamModelDir } from "../sam/model_dir.ts";
import { SamqError } from "../util/errors.ts";

/** What the gate checked (recorded under `model.quant.evaluatedGraphs`). */
export interface EvaluatedGraphsCheck {
  /** Files checked (encoder, decoder). */
  files: string[];
  /** Training ops found (always 0 in a record: any other count stops the evaluation). */
  trainingOps: number;
}

/**
 * Checks the graphs of `model` (see the module doc).
 *
 * @param model A loaded model folder.
 * @returns The files checked.
 * @throws {SamqError} `invalid_model` naming the file and the first offending node.
 */
export async function checkEvaluatedGraphs(model: SamModelDir): Promise<EvaluatedGraphsCheck> {
  const paths = [model.encoderPath, model.decoderPath];
  for (const path of paths) {
    const found = findTrainingOps((await readModel(path)).graph);
    if (found.length > 0) {
      const first = found[0]!;
      throw new SamqError(
        "invalid_model",
        `Cannot evaluate "${path}": node "${first.name}" (${first.op}) ${first.why}, so quantizers would not all be active at evaluation (${found.length} such node(s))`,
        { path, field: first.name },
      );
    }
  }
  return { files: [model.config.files.encoder, model.config.files.decoder], trainingOps: 0 };
}
