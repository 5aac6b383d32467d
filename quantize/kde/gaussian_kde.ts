/**
 * One-dimensional Gaussian kernel density estimate with Scott's bandwidth, as `scipy.stats.gaussian_kde`
 * with default arguments:
 *
 *     factor = n^(−1/5),  σ² = factor² · var(data, ddof = 1),  f(x) = (1/n) Σᵢ N(x; dataᵢ, σ²)
 *
 * Terms farther than 39σ from x are exactly 0 in float64 (exp(−760) underflows), so the sum runs only over
 * the sorted data within ±39σ: same values as the full sum, much less work for large n.
 *
 * @module
 */
import { check } from "../_layout.ts";

/** The fitted bandwidth and the density at `points`. */
export interface KdeEvaluation {
  /** Scott's factor n^(−1/5). */
  factor: number;
  /** Kernel variance σ² (scipy's `kde.covariance`). */
  variance: number;
  /** f(points[k]) (float64). */
  density: Float64Array;
}

/** Fits a Gaussian KDE to `data` (≥ 2 values, not all equal) and evaluates it at `points`. */
export function gaussianKde(data: ArrayLike<number>, points: ArrayLike<number>): KdeEvaluation {
  const n = data.length;
  check(n >= 2, "data", `Cannot fit a KDE to ${n} values`);
  const sorted = Float64Array.from(data).sort();
  let mean = 0;
  for (const v of sorted) mean += v;
  mean /= n;
  let ss = 0;
  for (const v of sorted) ss += (v - mean) ** 2;
  const factor = n ** -0.2;
  const variance = (ss / (n - 1)) * factor * factor;
  check(variance > 0 && Number.isFinite(variance), "data", "Cannot fit a KDE to constant or non-finite data");
  const sigma = Math.sqrt(variance);
  const norm = 1 / (n * Math.sqrt(2 * Math.PI * variance));
  const reach = 39 * sigma;
  const density = new Float64Array(points.length);
  for (let k = 0; k < points.length; k++) {
    const x = points[k]!;
    let i = lowerBound(sorted, x - reach);
    let sum = 0;
    for (; i < n && sorted[i]! <= x + reach; i++) {
      const d = x - sorted[i]!;
      sum += Math.exp((-0.5 * d * d) / variance);
    }
    density[k] = sum * norm;
  }
  return { factor, variance, density };
}

function lowerBound(a: Float64Array, v: number): number {
  let lo = 0, hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid]! < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
