/**
 * The per-image context the evaluation loop hands to every mode: GT masks decoded once and shared, the
 * image embedding (through the all-token decoder) computed once on first use.
 *
 * @module
 */
import type { DatasetObject } from "../../datasets/dataset.ts";
import type { EmbeddedImage, MultimaskDecoder } from "../../sam/amg/generate_multimask_decoder.ts";
import type { SamPredictor } from "../../sam/predictor.ts";
import { SamqError } from "../../util/errors.ts";
import type { ImageContext } from "./mode_runner.ts";

/**
 * Creates the context of one image.
 *
 * @param sample The dataset sample.
 * @param image Its decoded pixels (already set on the predictor).
 * @param predictor The predictor.
 * @param multimask The all-token decoder, or null when no mode needs it.
 * @param step Progress sink for long modes.
 * @returns The context.
 */
export function createImageContext(
  sample: ImageContext["sample"],
  image: ImageContext["image"],
  predictor: SamPredictor,
  multimask: MultimaskDecoder | null,
  step: (detail: string) => void,
): ImageContext {
  const masks = new Map<DatasetObject, Uint8Array>();
  let embedded: Promise<EmbeddedImage> | undefined;
  return {
    sample,
    image,
    predictor,
    multimask,
    gtMask(obj) {
      let m = masks.get(obj);
      if (!m) {
        m = obj.mask();
        masks.set(obj, m);
      }
      return m;
    },
    embedded() {
      if (!multimask) {
        throw new SamqError("invalid_argument", "Cannot embed the image: no all-token decoder is open", {
          field: "modes",
        });
      }
      embedded ??= multimask.embed(image);
      return embedded;
    },
    step,
  };
}
