/**
 * SAM mask post-processing (spec §A1.3, SA `Sam.postprocess_masks`): low-res decoder logits covering the padded
 * `size`×`size` input frame → logits at the original image size.
 *
 * Steps: (1) bilinear upsample to size×size (half-pixel, no antialias); (2) crop rows [0, inputH) and columns
 * [0, inputW) (removes the bottom/right padding); (3) bilinear resize to (origH, origW), again half-pixel and
 * no antialias even when shrinking. Step 1 only computes the cropped window (same values, less work).
 * Threshold the result with `thresholdMask` (logit > 0).
 *
 * @module
 */
import { SamqError } from "../../util/errors.ts";
import { bilinearResizeHalfPixel } from "../../image/bilinear_resize_half_pixel.ts";
import type { SizeHw } from "../preprocess/preprocess_shape.ts";

/** Options of {@link postprocessMasks}. */
export interface PostprocessMasksOptions {
  /**
   * Side of the padded model input frame.
   * @default 1024
   */
  size?: number;
  /**
   * Side of the square low-res logits.
   * @default 256
   */
  lowResSize?: number;
}

/**
 * Upsamples low-res mask logits to the original image size.
 *
 * @param lowRes Float32Array `[C, lowResSize, lowResSize]` low-res logits (C masks, CHW).
 * @param inputSize Resized (unpadded) size `{h, w}` inside the input frame (from `preprocessShape`).
 * @param origSize Original image size `{h, w}`.
 * @param options Frame sizes, see {@link PostprocessMasksOptions}.
 * @returns Float32Array `[C, origH, origW]` logits (CHW, row-major), not thresholded.
 * @throws {SamqError} `invalid_argument` when `lowRes` length is not a multiple of lowResSize² or sizes are bad.
 *
 * @example Usage
 * ```ts
 * import { postprocessMasks } from "./postprocess_masks.ts";
 * const logits = postprocessMasks(new Float32Array(256 * 256), { h: 768, w: 1024 }, { h: 480, w: 640 });
 * logits.length; // 480 * 640
 * ```
 */
export function postprocessMasks(
  lowRes: Float32Array,
  inputSize: SizeHw,
  origSize: SizeHw,
  options: PostprocessMasksOptions = {},
): Float32Array {
  const { size = 1024, lowResSize = 256 } = options;
  const plane = lowResSize * lowResSize;
  if (lowRes.length === 0 || lowRes.length % plane !== 0) {
    throw new SamqError(
      "invalid_argument",
      `Cannot postprocess masks: expected C x ${lowResSize} x ${lowResSize} values, got ${lowRes.length}`,
      { field: "lowRes" },
    );
  }
  if (
    !(inputSize.h > 0 && inputSize.w > 0 && inputSize.h <= size && inputSize.w <= size)
  ) {
    throw new SamqError(
      "invalid_argument",
      `Cannot postprocess masks: input size ${inputSize.h}x${inputSize.w} must lie within ${size}x${size}`,
      { field: "inputSize" },
    );
  }
  const c = lowRes.length / plane;
  const cropped = bilinearResizeHalfPixel(lowRes, c, lowResSize, lowResSize, size, size, {
    cropH: inputSize.h,
    cropW: inputSize.w,
  });
  return bilinearResizeHalfPixel(cropped, c, inputSize.h, inputSize.w, origSize.h, origSize.w);
}
