/**
 * Feeds of the official SAM decoder export (spec §A2.1) for one calibration prompt given in
 * original-image pixels: the official layout's own feed builder (`OFFICIAL_LAYOUT`, what the adapter
 * runs) on the prompt mapped to the input frame. Kept for callers that hold a bare embedding tensor.
 *
 * @module
 */
import type * as ort from "onnxruntime-node";
import { OFFICIAL_LAYOUT } from "../../sam/adapters/official_layout.ts";
import type { DecoderSizes } from "../../sam/adapters/types.ts";
import type { CalibrationPrompt } from "./calibration_set.ts";
import { calibrationDecoderPrompt } from "./calibration_decoder_prompt.ts";

/** Decoder feeds for `prompt` on an image of `sizes.orig` resized to `sizes.input` (encoder side `inputSize`). */
export function officialDecoderFeeds(
  embedding: ort.Tensor,
  prompt: CalibrationPrompt,
  sizes: DecoderSizes,
  inputSize: number,
): Record<string, ort.Tensor> {
  return OFFICIAL_LAYOUT.decoderFeeds(
    { image_embeddings: embedding },
    calibrationDecoderPrompt(prompt, sizes),
    sizes,
    { inputSize, inputNames: [] },
  );
}
