/**
 * Point coordinates from the original image frame to the model input frame (spec §A1.2, SA
 * `ResizeLongestSide.apply_coords`).
 *
 * Per axis: x' = x·(inputW / origW), y' = y·(inputH / origH), where `inputSize` is the *rounded* size from
 * {@link preprocessShape} (not the single factor 1024 / max(H, W) of the SA web demo). Arithmetic is float64;
 * callers cast to float32 when building model feeds. The +0.5 pixel-centre shift happens inside the model.
 *
 * @module
 */
import { SamqError } from "../../util/errors.ts";
import type { SizeHw } from "../preprocess/preprocess_shape.ts";

/**
 * Scales (x, y) points from the original frame to the resized input frame.
 *
 * @param pointsXy Points as a flat array `[x0, y0, x1, y1, …]` (length 2N), pixels in the original image.
 * @param origSize Original image size `{h, w}`.
 * @param inputSize Resized size `{h, w}` (from `preprocessShape`).
 * @returns Float64Array of length 2N, `[x0', y0', …]` in the input frame.
 * @throws {SamqError} `invalid_prompt` when the array length is odd.
 *
 * @example Usage
 * ```ts
 * import { transformCoords } from "./coords_transform.ts";
 * transformCoords([320, 240], { h: 480, w: 640 }, { h: 768, w: 1024 }); // Float64Array [512, 384]
 * ```
 */
export function transformCoords(
  pointsXy: ArrayLike<number>,
  origSize: SizeHw,
  inputSize: SizeHw,
): Float64Array {
  if (pointsXy.length % 2 !== 0) {
    throw new SamqError(
      "invalid_prompt",
      `Cannot transform points: expected an even number of values (x, y pairs), got ${pointsXy.length}`,
      { field: "points" },
    );
  }
  const sx = inputSize.w / origSize.w;
  const sy = inputSize.h / origSize.h;
  const out = new Float64Array(pointsXy.length);
  for (let i = 0; i < pointsXy.length; i += 2) {
    out[i] = pointsXy[i]! * sx;
    out[i + 1] = pointsXy[i + 1]! * sy;
  }
  return out;
}
