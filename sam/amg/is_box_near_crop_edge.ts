/**
 * The AMG edge filter (spec §A3.2 step 8, SA `is_box_near_crop_edge`).
 *
 * Boxes are given in the crop frame and uncropped first. A box is "near the crop edge" when any of its
 * four coordinates is within `atol` (|a − b| ≤ atol, torch `isclose` with rtol 0) of the same coordinate
 * of the crop box and not also within `atol` of the image box. For the full-image crop nothing is near.
 *
 * @module
 */
import type { BoxXyxy } from "./generate_crop_boxes.ts";

/**
 * Flags boxes that touch an inner crop edge.
 *
 * @param boxes count×4 inclusive XYXY boxes in the crop frame.
 * @param cropBox The crop [x0, y0, x1, y1] in the image frame.
 * @param origBox The image box [0, 0, W, H].
 * @param atol Tolerance in pixels. @default 20
 * @returns Uint8Array of count flags (1 = near a crop edge, drop it).
 *
 * @example Usage
 * ```ts
 * import { isBoxNearCropEdge } from "./is_box_near_crop_edge.ts";
 * isBoxNearCropEdge(new Int32Array([0, 0, 10, 10]), [100, 0, 300, 200], [0, 0, 300, 200]); // [1]
 * ```
 */
export function isBoxNearCropEdge(
  boxes: Int32Array | Float64Array,
  cropBox: BoxXyxy,
  origBox: BoxXyxy,
  atol = 20,
): Uint8Array {
  const count = Math.floor(boxes.length / 4);
  const out = new Uint8Array(count);
  const offset = [cropBox[0], cropBox[1], cropBox[0], cropBox[1]];
  for (let n = 0; n < count; n++) {
    for (let k = 0; k < 4; k++) {
      const v = boxes[n * 4 + k]! + offset[k]!;
      if (Math.abs(v - cropBox[k]!) <= atol && !(Math.abs(v - origBox[k]!) <= atol)) {
        out[n] = 1;
        break;
      }
    }
  }
  return out;
}
