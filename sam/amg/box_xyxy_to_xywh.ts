/**
 * XYXY → XYWH conversion of SA's AMG (`box_xyxy_to_xywh`): w = x1 − x0, h = y1 − y0, with no +1.
 * Applied to the inclusive mask boxes of {@link ../batched_mask_to_box.ts}, a 3×2-pixel mask at (2, 1)
 * gives [2, 1, 2, 1] (pycocotools `toBbox` would give [2, 1, 3, 2]).
 *
 * @module
 */

/**
 * Converts boxes from XYXY to XYWH.
 *
 * @param boxes count×4 XYXY values.
 * @returns A new array of the same type and length with count×4 XYWH values.
 *
 * @example Usage
 * ```ts
 * import { boxXyxyToXywh } from "./box_xyxy_to_xywh.ts";
 * boxXyxyToXywh(new Int32Array([2, 1, 4, 2])); // Int32Array [2, 1, 2, 1]
 * ```
 */
export function boxXyxyToXywh<T extends Int32Array | Float64Array>(boxes: T): T {
  const out = boxes.slice() as T;
  for (let i = 0; i + 3 < boxes.length; i += 4) {
    out[i + 2] = boxes[i + 2]! - boxes[i]!;
    out[i + 3] = boxes[i + 3]! - boxes[i + 1]!;
  }
  return out;
}
