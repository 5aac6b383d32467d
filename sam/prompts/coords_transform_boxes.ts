/**
 * XYXY boxes from the original image frame to the model input frame (spec §A1.2, SA
 * `ResizeLongestSide.apply_boxes`): both corners are scaled per axis like points.
 *
 * @module
 */
import { SamqError } from "../../util/errors.ts";
import type { SizeHw } from "../preprocess/preprocess_shape.ts";
import { transformCoords } from "./coords_transform.ts";

/**
 * Scales XYXY boxes from the original frame to the resized input frame.
 *
 * @param boxesXyxy Boxes as a flat array `[x0, y0, x1, y1, …]` (length 4B), pixels in the original image.
 * @param origSize Original image size `{h, w}`.
 * @param inputSize Resized size `{h, w}` (from `preprocessShape`).
 * @returns Float64Array of length 4B, XYXY in the input frame.
 * @throws {SamqError} `invalid_prompt` when the length is not a multiple of 4.
 *
 * @example Usage
 * ```ts
 * import { transformBoxesXyxy } from "./coords_transform_boxes.ts";
 * transformBoxesXyxy([0, 0, 640, 480], { h: 480, w: 640 }, { h: 768, w: 1024 }); // [0, 0, 1024, 768]
 * ```
 */
export function transformBoxesXyxy(
  boxesXyxy: ArrayLike<number>,
  origSize: SizeHw,
  inputSize: SizeHw,
): Float64Array {
  if (boxesXyxy.length % 4 !== 0) {
    throw new SamqError(
      "invalid_prompt",
      `Cannot transform boxes: expected a multiple of 4 values (XYXY), got ${boxesXyxy.length}`,
      { field: "box" },
    );
  }
  return transformCoords(boxesXyxy, origSize, inputSize);
}
