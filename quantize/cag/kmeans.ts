/**
 * k-means (Lloyd) with k-means++ seeding, for AHCPTQ's channel-aware grouping (CAG, spec §10), which
 * clusters per-channel quantizer parameters with scikit-learn's `KMeans(random_state=0)`. Here the
 * randomness comes from the seeded `prng` passed in; ties go to the lowest centroid index; an empty
 * cluster is re-seeded at the point farthest from its centroid (as scikit-learn relocates empty
 * clusters). When there are fewer distinct points than k, k is reduced to their number (scikit-learn
 * would warn and return duplicate centres).
 *
 * Pure: typed arrays in, typed arrays out.
 *
 * @module
 */
import type { Prng } from "../../util/prng.ts";
import { check } from "../_layout.ts";

/** Options of {@link kmeans}. */
export interface KmeansOptions {
  /** Most Lloyd iterations (scikit-learn's max_iter). @default 300 */
  maxIterations?: number;
}

/** Result of {@link kmeans}. */
export interface KmeansResult {
  /** Cluster of each point, int32 [n], in 0 … k − 1. */
  labels: Int32Array;
  /** Centroids, row-major float64 [k, dim]. */
  centroids: Float64Array;
  /** Number of clusters actually used (≤ the k asked for). */
  k: number;
  iterations: number;
}

/** Clusters `points` (row-major float64 [n, dim]) into at most `k` clusters. */
export function kmeans(
  points: Float64Array,
  dim: number,
  k: number,
  prng: Prng,
  options: KmeansOptions = {},
): KmeansResult {
  check(
    Number.isInteger(dim) && dim >= 1 && points.length % dim === 0,
    "dim",
    `Cannot split ${points.length} values into rows of ${dim}`,
  );
  check(Number.isInteger(k) && k >= 1, "k", `Cannot make ${k} clusters`);
  const n = points.length / dim;
  check(n >= 1, "points", "Cannot cluster no points");
  const maxIterations = options.maxIterations ?? 300;
  const distinct = new Set<string>();
  for (let i = 0; i < n && distinct.size <= k; i++) {
    distinct.add(points.subarray(i * dim, (i + 1) * dim).join(","));
  }
  k = Math.min(k, distinct.size);
  const d2 = (i: number, c: Float64Array, j: number) => {
    let s = 0;
    for (let a = 0; a < dim; a++) s += (points[i * dim + a]! - c[j * dim + a]!) ** 2;
    return s;
  };
  const centroids = seedPlusPlus(points, dim, n, k, prng, d2);
  const labels = new Int32Array(n).fill(-1);
  let iterations = 0;
  for (; iterations < maxIterations; iterations++) {
    let changed = false;
    for (let i = 0; i < n; i++) {
      let best = 0, bestD = Infinity;
      for (let j = 0; j < k; j++) {
        const d = d2(i, centroids, j);
        if (d < bestD) [best, bestD] = [j, d];
      }
      if (labels[i] !== best) [labels[i], changed] = [best, true];
    }
    if (!changed) break;
    updateCentroids(points, dim, n, k, labels, centroids, d2);
  }
  return { labels, centroids, k, iterations };
}

function seedPlusPlus(
  points: Float64Array,
  dim: number,
  n: number,
  k: number,
  prng: Prng,
  d2: (i: number, c: Float64Array, j: number) => number,
): Float64Array {
  const c = new Float64Array(k * dim);
  const first = prng.int(n);
  c.set(points.subarray(first * dim, (first + 1) * dim), 0);
  const nearest = Float64Array.from({ length: n }, (_, i) => d2(i, c, 0));
  for (let j = 1; j < k; j++) {
    let total = 0;
    for (const v of nearest) total += v;
    // Draw ∝ D²; the distinct-point count guarantees total > 0.
    let r = prng.next() * total, pick = n - 1;
    for (let i = 0; i < n; i++) {
      r -= nearest[i]!;
      if (r < 0 && nearest[i]! > 0) {
        pick = i;
        break;
      }
    }
    if (nearest[pick] === 0) pick = nearest.findIndex((v) => v > 0);
    c.set(points.subarray(pick * dim, (pick + 1) * dim), j * dim);
    for (let i = 0; i < n; i++) nearest[i] = Math.min(nearest[i]!, d2(i, c, j));
  }
  return c;
}

function updateCentroids(
  points: Float64Array,
  dim: number,
  n: number,
  k: number,
  labels: Int32Array,
  c: Float64Array,
  d2: (i: number, c: Float64Array, j: number) => number,
): void {
  const sum = new Float64Array(k * dim);
  const count = new Int32Array(k);
  for (let i = 0; i < n; i++) {
    const j = labels[i]!;
    count[j]!++;
    for (let a = 0; a < dim; a++) sum[j * dim + a]! += points[i * dim + a]!;
  }
  for (let j = 0; j < k; j++) {
    if (count[j]! > 0) {
      for (let a = 0; a < dim; a++) c[j * dim + a] = sum[j * dim + a]! / count[j]!;
      continue;
    }
    let far = 0, farD = -1;
    for (let i = 0; i < n; i++) {
      const d = d2(i, c, labels[i]!);
      if (d > farD) [far, farD] = [i, d];
    }
    c.set(points.subarray(far * dim, (far + 1) * dim), j * dim);
  }
}
