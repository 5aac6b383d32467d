/**
 * Internal (not re-exported): a fixed-bin streaming histogram whose range grows by exact doubling: when a value falls outside
 * [lo, lo + B·w), the bin width w doubles and adjacent bin pairs merge (to the left or right), so counts
 * stay exact and bins stay aligned; memory is B floats however much data arrives. B must be even.
 *
 * @module
 */
import { check } from "../_layout.ts";

/** One channel's histogram. Bin k covers [lo + k·binWidth, lo + (k+1)·binWidth); the last bin is closed. */
export interface Histogram {
  lo: number;
  binWidth: number;
  counts: Float64Array;
  /** Exact extremes and number of values. */
  min: number;
  max: number;
  count: number;
}

/** Creates an empty histogram of `bins` (even, ≥ 2) bins. */
export function createHistogram(bins: number): Histogram {
  check(
    Number.isInteger(bins) && bins >= 2 && bins % 2 === 0,
    "bins",
    `Cannot use ${bins} bins: need an even number >= 2`,
  );
  return { lo: 0, binWidth: 0, counts: new Float64Array(bins), min: Infinity, max: -Infinity, count: 0 };
}

/** Adds `x[start:end]` to `h` in place. */
export function histogramAdd(h: Histogram, x: ArrayLike<number>, start = 0, end = x.length): void {
  if (end <= start) return;
  let bmin = Infinity;
  let bmax = -Infinity;
  for (let i = start; i < end; i++) {
    const v = x[i]!;
    if (v < bmin) bmin = v;
    if (v > bmax) bmax = v;
  }
  check(Number.isFinite(bmin) && Number.isFinite(bmax), "x", "Cannot histogram non-finite values");
  const bins = h.counts.length;
  if (h.count === 0) {
    h.lo = bmin;
    h.binWidth = bmax > bmin ? (bmax - bmin) / bins : Math.max(Math.abs(bmin), 1) * 1e-7;
    // The top edge must be exclusive of bmax only through the clamp below; widen slightly for safety.
    if (h.lo + bins * h.binWidth <= bmax) h.binWidth *= 1 + 1e-12;
  }
  while (bmin < h.lo || bmax > h.lo + bins * h.binWidth) grow(h, bmin < h.lo);
  const inv = 1 / h.binWidth;
  for (let i = start; i < end; i++) {
    const k = Math.min(Math.max(Math.floor((x[i]! - h.lo) * inv), 0), bins - 1);
    h.counts[k] = h.counts[k]! + 1;
  }
  h.min = Math.min(h.min, bmin);
  h.max = Math.max(h.max, bmax);
  h.count += end - start;
}

function grow(h: Histogram, left: boolean): void {
  const bins = h.counts.length;
  const merged = new Float64Array(bins);
  const offset = left ? bins / 2 : 0;
  for (let j = 0; j < bins; j++) merged[offset + (j >> 1)] = merged[offset + (j >> 1)]! + h.counts[j]!;
  if (left) h.lo -= bins * h.binWidth;
  h.binWidth *= 2;
  h.counts = merged;
}
