/**
 * The AMG point grid (spec §A3.2 step 1, SA `build_point_grid`).
 *
 * offset = 1/(2n); the 1-D positions are numpy's linspace(offset, 1 − offset, n) (start + i·step, the
 * last forced to the end value); points are ordered row-major (y outer, x inner).
 * n = 32: p0 = (0.015625, 0.015625), p1 = (0.046875, 0.015625), p1023 = (0.984375, 0.984375).
 *
 * @module
 */

/**
 * Builds an n×n grid of normalised points.
 *
 * @param n Points per side (positive integer).
 * @returns Float64Array of n·n (x, y) pairs in [0, 1], row-major (y outer).
 * @throws {RangeError} When n is not a positive integer.
 *
 * @example Usage
 * ```ts
 * import { buildPointGrid } from "./build_point_grid.ts";
 * buildPointGrid(2); // Float64Array [0.25, 0.25, 0.75, 0.25, 0.25, 0.75, 0.75, 0.75]
 * ```
 */
export function buildPointGrid(n: number): Float64Array {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`Cannot build point grid: n must be ≥ 1, got ${n}`);
  const offset = 1 / (2 * n);
  const start = offset;
  const stop = 1 - offset;
  const oneSide = new Float64Array(n);
  const step = n > 1 ? (stop - start) / (n - 1) : 0;
  for (let i = 0; i < n; i++) oneSide[i] = i * step + start;
  if (n > 1) oneSide[n - 1] = stop;
  const out = new Float64Array(n * n * 2);
  for (let y = 0; y < n; y++) {
    for (let x = 0; x < n; x++) {
      out[(y * n + x) * 2] = oneSide[x]!;
      out[(y * n + x) * 2 + 1] = oneSide[y]!;
    }
  }
  return out;
}
