/**
 * Quantiles of unsorted data (numpy's default linear interpolation, see `quantile_sorted.ts`).
 *
 * @module
 */
import { quantileSorted } from "./quantile_sorted.ts";

/** The quantiles `ps` (each in [0, 1]) of `values` (non-empty, not modified), in the order of `ps`. */
export function quantiles(values: ArrayLike<number>, ps: readonly number[]): number[] {
  const sorted = Float64Array.from(values).sort();
  return ps.map((p) => quantileSorted(sorted, p));
}
