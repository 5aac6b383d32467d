/**
 * SAM 2 mask post-processing (spec §A1.5; SAM 2 `SAM2Transforms.postprocess_masks`): the low-res logits
 * cover the whole image squashed to a square, so they are resized **directly** to the original
 * (H, W) with one bilinear resize (`F.interpolate(mode="bilinear", align_corners=False)`, no
 * antialias). SAM's own rule (`postprocessMasks`: upsample to 1024², crop the padding, resize again) is
 * two resizes; for a square input the crop is a no-op, but the two-step result is not identical to the
 * one-step one (the intermediate 1024² grid re-samples the logits).
 *
 * @module
 */
import { SamqError } from "../../util/errors.ts";
import { bilinearResizeHalfPixel } from "../../image/bilinear_resize_half_pixel.ts";
import type { SizeHw } from "../preprocess/preprocess_shape.ts";

/**
 * Resizes SAM 2 low-res logits straight to the original image size.
 *
 * @param lowRes Float32Array `[C, lowResSize, lowResSize]` low-res logits (CHW).
 * @param origSize Original image size `{h, w}`.
 * @param lowResSize Side of the square low-res logits. @default 256
 * @returns Float32Array `[C, origH, origW]` logits (not thresholded).
 * @throws {SamqError} `invalid_argument` when the length is not a multiple of lowResSize² or a size is bad.
 *
 * @example Usage
 * ```ts
 * import { sam2PostprocessMasks } from "./sam2_postprocess_masks.ts";
 * sam2PostprocessMasks(new Float32Array(256 * 256), { h: 480, w: 640 }).length; // 480 * 640
 * ```
 */
export function sam2PostprocessMasks(lowRes: Float32Array, origSize: SizeHw, lowResSize = 256): Float32Array {
  const plane = lowResSize * lowResSize;
  if (!(lowResSize > 0) || lowRes.length === 0 || lowRes.length % plane !== 0) {
    throw new SamqError(
      "invalid_argument",
      `Cannot postprocess masks: expected C x ${lowResSize} x ${lowResSize} values, got ${lowRes.length}`,
      { field: "lowRes" },
    );
  }
  if (!(Number.isInteger(origSize.h) && Number.isInteger(origSize.w) && origSize.h > 0 && origSize.w > 0)) {
    throw new SamqError(
      "invalid_argument",
      `Cannot postprocess masks: original size ${origSize.h}x${origSize.w} must be positive integers`,
      { field: "origSize" },
    );
  }
  return bilinearResizeHalfPixel(
    lowRes,
    lowRes.length / plane,
    lowResSize,
    lowResSize,
    origSize.h,
    origSize.w,
  );
}
