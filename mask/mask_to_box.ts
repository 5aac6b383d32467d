/**
 * Bounding box of a binary mask, inclusive XYXY (spec §A3.2 item 7, SA `batched_mask_to_box`): the columns and
 * rows of the extreme set pixels; an empty mask gives [0, 0, 0, 0]. Note AMG's XYWH from this box has
 * w = x1 − x0 (one less than pycocotools `toBbox`).
 *
 * @module
 */
import { SamqError } from "../util/errors.ts";

/**
 * Computes the inclusive XYXY box of the non-zero pixels of a mask.
 *
 * @param mask Uint8Array `[h, w]` row-major; any non-zero value is foreground.
 * @param h Mask height.
 * @param w Mask width.
 * @returns `[x0, y0, x1, y1]` with x1/y1 inclusive; `[0, 0, 0, 0]` for an empty mask.
 * @throws {SamqError} `invalid_argument` when `mask.length !== h·w`.
 *
 * @example Usage
 * ```ts
 * import { maskToBoxXyxyInclusive } from "./mask_to_box.ts";
 * const m = new Uint8Array(30);
 * for (const y of [1, 2]) for (const x of [2, 3, 4]) m[y * 6 + x] = 1;
 * maskToBoxXyxyInclusive(m, 5, 6); // [2, 1, 4, 2]
 * ```
 */
export function maskToBoxXyxyInclusive(
  mask: Uint8Array,
  h: number,
  w: number,
): [number, number, number, number] {
  if (mask.length !== h * w) {
    throw new SamqError(
      "invalid_argument",
      `Cannot compute box: mask has ${mask.length} values, expected ${h * w}`,
      {
        field: "mask",
      },
    );
  }
  let x0 = w, y0 = h, x1 = -1, y1 = -1;
  for (let y = 0; y < h; y++) {
    const row = y * w;
    for (let x = 0; x < w; x++) {
      if (mask[row + x] !== 0) {
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        y1 = y;
      }
    }
  }
  return x1 < 0 ? [0, 0, 0, 0] : [x0, y0, x1, y1];
}
