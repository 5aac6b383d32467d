/**
 * Grid points of one crop in pixels (spec §A3.2 step 3): the normalised grid times [crop_w, crop_h],
 * not rounded, in the crop frame.
 *
 * @module
 */
import type { BoxXyxy } from "./generate_crop_boxes.ts";

/**
 * Scales a normalised grid to a crop.
 *
 * @param grid count×2 (x, y) in [0, 1].
 * @param cropBox The crop [x0, y0, x1, y1].
 * @returns Float64Array of count×2 (x, y) pixels in the crop frame.
 *
 * @example Usage
 * ```ts
 * import { scalePointGrid } from "./scale_point_grid.ts";
 * scalePointGrid(new Float64Array([0.5, 0.25]), [10, 0, 110, 40]); // Float64Array [50, 10]
 * ```
 */
export function scalePointGrid(grid: Float64Array, cropBox: BoxXyxy): Float64Array {
  const cw = cropBox[2] - cropBox[0];
  const ch = cropBox[3] - cropBox[1];
  const out = new Float64Array(grid.length);
  for (let i = 0; i < grid.length; i += 2) {
    out[i] = grid[i]! * cw;
    out[i + 1] = grid[i + 1]! * ch;
  }
  return out;
}
