/**
 * A calibration prompt (original-image pixels, one positive click or one box) in the encoder-input
 * frame, the form every layout's feed builder (`sam/adapters/*_layout.ts`) takes: coordinates mapped
 * by `transformCoords` / `transformBoxesXyxy`, every click labelled 1 (foreground), no mask input.
 *
 * @module
 */
import type { DecoderPrompt, DecoderSizes } from "../../sam/adapters/types.ts";
import { transformCoords } from "../../sam/prompts/coords_transform.ts";
import { transformBoxesXyxy } from "../../sam/prompts/coords_transform_boxes.ts";
import type { CalibrationPrompt } from "./calibration_set.ts";

/** `prompt` mapped from `sizes.orig` to `sizes.input`. */
export function calibrationDecoderPrompt(prompt: CalibrationPrompt, sizes: DecoderSizes): DecoderPrompt {
  const points = prompt.points ?? [];
  return {
    points: Array.from(transformCoords(points.flat(), sizes.orig, sizes.input)),
    labels: points.map(() => 1),
    ...(prompt.box ? { box: Array.from(transformBoxesXyxy(prompt.box, sizes.orig, sizes.input)) } : {}),
  };
}
