/**
 * Quantile of a streaming {@link Histogram}: rank p·n, interpolated linearly inside its bin (values are
 * assumed uniform within a bin) and clamped to the exact [min, max].
 *
 * @module
 */
import { check } from "../_layout.ts";
import type { Histogram } from "./_histogram.ts";

export type { Histogram } from "./_histogram.ts";

/** The `p`-quantile (p ∈ [0, 1]) of the histogrammed values, interpolated inside bins. */
export function histogramQuantile(h: Histogram, p: number): number {
  check(h.count > 0, "histogram", "Cannot take a quantile of an empty histogram");
  check(p >= 0 && p <= 1, "p", `Cannot take quantile ${p}: it must lie in [0, 1]`);
  const target = p * h.count;
  let acc = 0;
  for (let k = 0; k < h.counts.length; k++) {
    const c = h.counts[k]!;
    if (c > 0 && acc + c >= target) {
      const v = h.lo + h.binWidth * (k + (target - acc) / c);
      return Math.min(Math.max(v, h.min), h.max);
    }
    acc += c;
  }
  return h.max;
}
