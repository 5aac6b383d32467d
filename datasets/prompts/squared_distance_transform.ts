/**
 * Exact squared Euclidean distance transform (Felzenszwalb & Huttenlocher, "Distance Transforms of
 * Sampled Functions", 2012): for every pixel, the squared distance to the nearest **zero** pixel.
 *
 * Two 1-D passes (columns, then rows) of the lower envelope of parabolas f(q) + (p − q)². Only pixels
 * with a finite value enter the envelope, so no ∞ − ∞ arises. All values are integers below 2^53 and the
 * parabola intersections are ratios of small integers, so the result is exact in float64 — identical to
 * OpenCV `distanceTransform(DIST_L2, maskSize 0)` squared, without its float32 rounding. A line (or image)
 * with no zero pixel stays `Infinity`.
 *
 * @module
 */

function transform1d(
  f: Float64Array,
  n: number,
  out: Float64Array,
  v: Int32Array,
  z: Float64Array,
): void {
  let k = -1;
  for (let q = 0; q < n; q++) {
    const fq = f[q]!;
    if (fq === Infinity) continue;
    if (k < 0) {
      k = 0;
      v[0] = q;
      z[0] = -Infinity;
      z[1] = Infinity;
      continue;
    }
    let s = 0;
    while (k >= 0) {
      const p = v[k]!;
      s = ((fq + q * q) - (f[p]! + p * p)) / (2 * q - 2 * p);
      if (s > z[k]!) break;
      k--;
    }
    k++;
    v[k] = q;
    z[k] = k === 0 ? -Infinity : s;
    z[k + 1] = Infinity;
  }
  if (k < 0) {
    out.fill(Infinity, 0, n);
    return;
  }
  k = 0;
  for (let q = 0; q < n; q++) {
    while (z[k + 1]! < q) k++;
    const p = v[k]!;
    out[q] = (q - p) * (q - p) + f[p]!;
  }
}

/**
 * Computes the squared distance of each pixel to the nearest zero pixel.
 *
 * @param mask h×w row-major; 0 = background (distance 0), non-zero = foreground.
 * @param h Height.
 * @param w Width.
 * @returns Float64Array h×w of squared distances (integers, or Infinity when there is no zero pixel).
 *
 * @example Usage
 * ```ts
 * import { squaredDistanceTransform } from "./squared_distance_transform.ts";
 * squaredDistanceTransform(Uint8Array.from([0, 1, 1, 1]), 1, 4); // Float64Array [0, 1, 4, 9]
 * ```
 */
export function squaredDistanceTransform(mask: Uint8Array, h: number, w: number): Float64Array {
  if (mask.length !== h * w) {
    throw new RangeError(`Cannot compute distance transform: expected ${h}×${w} values, got ${mask.length}`);
  }
  const n = Math.max(h, w);
  const f = new Float64Array(n);
  const d = new Float64Array(n);
  const v = new Int32Array(n);
  const z = new Float64Array(n + 1);
  const tmp = new Float64Array(h * w);
  for (let x = 0; x < w; x++) {
    for (let y = 0; y < h; y++) f[y] = mask[y * w + x] ? Infinity : 0;
    transform1d(f, h, d, v, z);
    for (let y = 0; y < h; y++) tmp[y * w + x] = d[y]!;
  }
  const out = new Float64Array(h * w);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) f[x] = tmp[y * w + x]!;
    transform1d(f, w, d, v, z);
    out.set(d.subarray(0, w), y * w);
  }
  return out;
}
