/**
 * Moves XYXY boxes from a crop frame to the image frame (SA `uncrop_boxes_xyxy`): + [x0, y0, x0, y0].
 *
 * @module
 */
import type { BoxXyxy } from "./generate_crop_boxes.ts";

/**
 * Uncrops boxes.
 *
 * @param boxes count×4 XYXY boxes in the crop frame.
 * @param cropBox The crop [x0, y0, x1, y1] in the image frame.
 * @returns A new array (same type) with the boxes in the image frame.
 *
 * @example Usage
 * ```ts
 * import { uncropBoxesXyxy } from "./uncrop_boxes_xyxy.ts";
 * uncropBoxesXyxy(new Int32Array([1, 2, 3, 4]), [10, 20, 50, 60]); // Int32Array [11, 22, 13, 24]
 * ```
 */
export function uncropBoxesXyxy<T extends Int32Array | Float64Array>(boxes: T, cropBox: BoxXyxy): T {
  const out = boxes.slice() as T;
  for (let i = 0; i < out.length; i++) out[i] = out[i]! + (i % 2 === 0 ? cropBox[0] : cropBox[1]);
  return out;
}
