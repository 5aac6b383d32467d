/**
 * Index sorts on typed arrays for the evaluator: no comparator closures, no per-element objects.
 *
 * - {@link sortIndexByScoreDesc}: a stable merge sort of an index array by descending key. Being stable,
 *   ties keep the order the indices had before the sort, which reproduces numpy's
 *   `argsort(-score, kind="mergesort")` (pycocotools' order: score descending, then concatenation order)
 *   and `Array.prototype.sort((a, b) => b.score - a.score)`. Equal keys are tested with `>=`, so 0 and −0
 *   tie as they do in numpy.
 * - {@link countingSortIndex}: a stable counting sort of an index array by a small integer key.
 *
 * @module
 */

const RUN = 32;

/**
 * Sorts `idx[0 .. n)` in place by `key[idx[j]]` descending, stable (ties keep their current order).
 * @param tmp scratch of length ≥ n (its contents are overwritten)
 */
export function sortIndexByScoreDesc(idx: Uint32Array, n: number, key: Float64Array, tmp: Uint32Array): void {
  // Insertion sort of short runs (stable: an element moves left only past strictly smaller keys).
  for (let lo = 0; lo < n; lo += RUN) {
    const hi = Math.min(lo + RUN, n);
    for (let i = lo + 1; i < hi; i++) {
      const v = idx[i]!;
      const kv = key[v]!;
      let j = i - 1;
      while (j >= lo && key[idx[j]!]! < kv) {
        idx[j + 1] = idx[j]!;
        j--;
      }
      idx[j + 1] = v;
    }
  }
  // Bottom-up merges, ping-ponging between idx and tmp; the left run wins ties (stable).
  let src = idx, dst = tmp;
  for (let width = RUN; width < n; width *= 2) {
    for (let lo = 0; lo < n; lo += 2 * width) {
      const mid = Math.min(lo + width, n), hi = Math.min(lo + 2 * width, n);
      let l = lo, r = mid, o = lo;
      while (l < mid && r < hi) {
        const a = src[l]!, b = src[r]!;
        if (key[a]! >= key[b]!) {
          dst[o++] = a;
          l++;
        } else {
          dst[o++] = b;
          r++;
        }
      }
      while (l < mid) dst[o++] = src[l++]!;
      while (r < hi) dst[o++] = src[r++]!;
    }
    const s = src;
    src = dst;
    dst = s;
  }
  if (src !== idx) idx.set(src.subarray(0, n));
}

/**
 * Stable counting sort of `idx[0 .. n)` by `key[idx[j]]` ∈ [0, buckets), written to `out[0 .. n)`.
 * @param count scratch of length ≥ buckets + 1 (overwritten)
 */
export function countingSortIndex(
  idx: Uint32Array,
  n: number,
  key: Int32Array,
  buckets: number,
  out: Uint32Array,
  count: Uint32Array,
): void {
  count.fill(0, 0, buckets + 1);
  for (let j = 0; j < n; j++) count[key[idx[j]!]! + 1]!++;
  for (let b = 0; b < buckets; b++) count[b + 1]! += count[b]!;
  for (let j = 0; j < n; j++) {
    const v = idx[j]!;
    out[count[key[v]!]!++] = v;
  }
}
