/**
 * Moves (x, y) points from a crop frame to the image frame (SA `uncrop_points`): + [x0, y0].
 *
 * @module
 */
import type { BoxXyxy } from "./generate_crop_boxes.ts";

/**
 * Uncrops points.
 *
 * @param points count×2 (x, y) in the crop frame (pixels).
 * @param cropBox The crop [x0, y0, x1, y1] in the image frame.
 * @returns A new Float64Array with the points in the image frame.
 *
 * @example Usage
 * ```ts
 * import { uncropPoints } from "./uncrop_points.ts";
 * uncropPoints(new Float64Array([1.5, 2]), [10, 20, 50, 60]); // Float64Array [11.5, 22]
 * ```
 */
export function uncropPoints(points: Float64Array, cropBox: BoxXyxy): Float64Array {
  const out = new Float64Array(points.length);
  for (let i = 0; i < points.length; i++) out[i] = points[i]! + (i % 2 === 0 ? cropBox[0] : cropBox[1]);
  return out;
}
