/**
 * Quantile of sorted data with linear interpolation between order statistics, the default of
 * `numpy.quantile` / `torch.quantile` (Hyndman–Fan type 7): h = (n − 1)·p, Q = x[⌊h⌋] + (h − ⌊h⌋)(x[⌊h⌋+1] − x[⌊h⌋]).
 *
 * @module
 */
import { check } from "../_layout.ts";

/** The `p`-quantile (p ∈ [0, 1]) of ascending `sorted` (non-empty). */
export function quantileSorted(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  check(n > 0, "values", "Cannot take a quantile of no values");
  check(p >= 0 && p <= 1, "p", `Cannot take quantile ${p}: it must lie in [0, 1]`);
  const h = (n - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, n - 1);
  const a = sorted[lo]!;
  return a + (h - lo) * (sorted[hi]! - a);
}
