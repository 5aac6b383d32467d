/**
 * Feeds of the official SAM decoder export (spec §A2.1) for one prompt given in original-image pixels:
 * the same packing as the official adapter (`packPromptsOfficial`, coordinates mapped to the input
 * frame), no mask input, `orig_im_size` = [h, w].
 *
 * @module
 */
import * as ort from "onnxruntime-node";
import { packPromptsOfficial } from "../../sam/prompts/coords_pack_official.ts";
import { transformCoords } from "../../sam/prompts/coords_transform.ts";
import { transformBoxesXyxy } from "../../sam/prompts/coords_transform_boxes.ts";
import type { SizeHw } from "../../sam/preprocess/preprocess_shape.ts";
import type { CalibrationPrompt } from "./calibration_set.ts";

/** Decoder feeds for `prompt` on an image of `sizes.orig` resized to `sizes.input` (encoder side `inputSize`). */
export function officialDecoderFeeds(
  embedding: ort.Tensor,
  prompt: CalibrationPrompt,
  sizes: { input: SizeHw; orig: SizeHw },
  inputSize: number,
): Record<string, ort.Tensor> {
  const points = prompt.points ?? [];
  const packed = packPromptsOfficial({
    points: Array.from(transformCoords(points.flat(), sizes.orig, sizes.input)),
    labels: points.map(() => 1),
    ...(prompt.box ? { box: Array.from(transformBoxesXyxy(prompt.box, sizes.orig, sizes.input)) } : {}),
  });
  const low = inputSize / 4;
  return {
    image_embeddings: embedding,
    point_coords: new ort.Tensor("float32", packed.coords, [1, packed.n, 2]),
    point_labels: new ort.Tensor("float32", packed.labels, [1, packed.n]),
    mask_input: new ort.Tensor("float32", new Float32Array(low * low), [1, 1, low, low]),
    has_mask_input: new ort.Tensor("float32", Float32Array.of(0), [1]),
    orig_im_size: new ort.Tensor("float32", Float32Array.of(sizes.orig.h, sizes.orig.w), [2]),
  };
}
