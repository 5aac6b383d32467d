/**
 * Tight boxes of binary masks (spec §A3.2 step 7, SA `batched_mask_to_box`).
 *
 * Boxes are **inclusive** XYXY: [x_min, y_min, x_max, y_max] of the set pixels, so a single pixel at
 * (x, y) gives [x, y, x, y]. An empty mask gives [0, 0, 0, 0]. (pycocotools `toBbox` instead reports
 * w = x_max − x_min + 1; see spec §C item 6.)
 *
 * @module
 */
import { maskToBoxXyxyInclusive } from "../../mask/mask_to_box.ts";

/**
 * Computes the inclusive XYXY box of each mask.
 *
 * @param masks `count` binary masks, each h×w row-major (index = y·w + x), values 0 / non-zero.
 * @param count Number of masks.
 * @param h Mask height.
 * @param w Mask width.
 * @returns Int32Array of count×4 (x0, y0, x1, y1), inclusive.
 *
 * @example Usage
 * ```ts
 * import { batchedMaskToBox } from "./batched_mask_to_box.ts";
 * const m = new Uint8Array(30); // 5×6
 * for (const y of [1, 2]) for (const x of [2, 3, 4]) m[y * 6 + x] = 1;
 * batchedMaskToBox(m, 1, 5, 6); // Int32Array [2, 1, 4, 2]
 * ```
 */
export function batchedMaskToBox(masks: Uint8Array, count: number, h: number, w: number): Int32Array {
  if (masks.length !== count * h * w) {
    throw new RangeError(
      `Cannot compute boxes: expected ${count}×${h}×${w} mask values, got ${masks.length}`,
    );
  }
  const out = new Int32Array(count * 4);
  const plane = h * w;
  for (let n = 0; n < count; n++) {
    out.set(maskToBoxXyxyInclusive(masks.subarray(n * plane, (n + 1) * plane), h, w), n * 4);
  }
  return out;
}
