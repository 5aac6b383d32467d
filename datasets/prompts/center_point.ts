/**
 * The "center" click of the point protocol (spec §A4.1; EV/RITM clicker, first click): the mask pixel
 * farthest from the object boundary.
 *
 * Rule: pad the mask with a 1-pixel zero border (so the image edge counts as boundary), take the exact
 * Euclidean distance of every pixel to the nearest zero pixel, drop the border, and return the **first**
 * pixel in row-major order (smallest y, then smallest x) attaining the maximum. Maxima are compared on
 * exact integer squared distances, so ties are exact (OpenCV's float32 distances give the same ties for
 * any realistic size, spec §A4.1 TS note). Coordinates are integer pixel indices (x, y), given to SAM as is.
 *
 * @module
 */
import { squaredDistanceTransform } from "./squared_distance_transform.ts";

/** A click position in pixels with its distance to the boundary. */
export interface CenterPoint {
  /** Column (pixel index). */
  x: number;
  /** Row (pixel index). */
  y: number;
  /** Euclidean distance to the nearest background pixel or the padded border (≥ 1). */
  distance: number;
}

/**
 * Finds the center point of a binary mask.
 *
 * @param mask h×w row-major binary mask (non-zero = object).
 * @param h Height.
 * @param w Width.
 * @returns The first farthest-from-boundary pixel, or null when the mask is empty.
 *
 * @example Usage
 * ```ts
 * import { centerPoint } from "./center_point.ts";
 * centerPoint(Uint8Array.from([1, 1, 1]), 1, 3); // { x: 0, y: 0, distance: 1 }
 * ```
 */
export function centerPoint(mask: Uint8Array, h: number, w: number): CenterPoint | null {
  if (mask.length !== h * w) {
    throw new RangeError(`Cannot find center point: expected ${h}×${w} values, got ${mask.length}`);
  }
  const ph = h + 2, pw = w + 2;
  const padded = new Uint8Array(ph * pw);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) padded[(y + 1) * pw + x + 1] = mask[y * w + x] ? 1 : 0;
  }
  const d2 = squaredDistanceTransform(padded, ph, pw);
  let best = 0, bx = -1, by = -1;
  for (let y = 0; y < h; y++) {
    const row = (y + 1) * pw + 1;
    for (let x = 0; x < w; x++) {
      const v = d2[row + x]!;
      if (v > best) {
        best = v;
        bx = x;
        by = y;
      }
    }
  }
  return bx < 0 ? null : { x: bx, y: by, distance: Math.sqrt(best) };
}
