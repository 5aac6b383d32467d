/**
 * Fixed-point filter taps of Pillow's BILINEAR resample along one axis (PIL `src/libImaging/Resample.c`,
 * `precompute_coeffs` + `normalize_coeffs_8bpc`), shared by the plain resize and the fused preprocessing.
 *
 * For output index o (scale = in / out, filterscale = max(scale, 1), support = filterscale):
 *   center = (o + 0.5) · scale; xmin = max(0, trunc(center − support + 0.5));
 *   count = min(in, trunc(center + support + 0.5)) − xmin;
 *   w[t] = tri((t + xmin − center + 0.5) / filterscale), tri(x) = max(0, 1 − |x|), normalised to sum 1 (float64);
 *   k[t] = trunc(w[t] · 2^22 ± 0.5) (round half away from zero; 22 = 32 − 8 − 2 bits).
 * A pixel is then acc = 2^21 + Σ k[t] · v[t] and out = clip8(acc >> 22). The weights are non-negative and sum
 * to about 2^22, so acc < 2^31: int32 arithmetic is exact.
 *
 * @module
 */

/** Fixed-point precision of the taps (Pillow's `PRECISION_BITS`). */
export const PILLOW_PRECISION_BITS = 22;

/** Taps of one axis: for output index o, `count[o]` taps starting at input index `xmin[o]`. */
export interface PillowCoeffs {
  /** Stride of `k` per output index (the maximum tap count). */
  ksize: number;
  /** Int32Array `[out]`: first input index read by each output index. */
  xmin: Int32Array;
  /** Int32Array `[out]`: number of taps of each output index (≤ ksize). */
  count: Int32Array;
  /** Int32Array `[out, ksize]`: fixed-point weights, row o holds `count[o]` taps then zeros. */
  k: Int32Array;
}

/**
 * Computes Pillow's fixed-point BILINEAR taps for resizing one axis from `inSize` to `outSize` samples.
 *
 * @param inSize Input length (positive integer).
 * @param outSize Output length (positive integer).
 * @returns The taps, see {@link PillowCoeffs}.
 *
 * @example Usage
 * ```ts
 * import { pillowBilinearCoeffs } from "./pillow_bilinear_coeffs.ts";
 * const c = pillowBilinearCoeffs(2, 1); // one output averaging two inputs
 * [c.xmin[0], c.count[0], c.k[0], c.k[1]]; // [0, 2, 2097152, 2097152]
 * ```
 */
export function pillowBilinearCoeffs(inSize: number, outSize: number): PillowCoeffs {
  const scale = inSize / outSize;
  const filterscale = scale < 1 ? 1 : scale;
  const support = 1.0 * filterscale;
  const ksize = Math.ceil(support) * 2 + 1;
  const ss = 1.0 / filterscale;
  const xminArr = new Int32Array(outSize);
  const countArr = new Int32Array(outSize);
  const k = new Int32Array(outSize * ksize);
  const w = new Float64Array(ksize);
  const one = 1 << PILLOW_PRECISION_BITS;
  for (let o = 0; o < outSize; o++) {
    const center = (o + 0.5) * scale;
    const xmin = Math.max(0, Math.trunc(center - support + 0.5));
    const count = Math.min(inSize, Math.trunc(center + support + 0.5)) - xmin;
    let ww = 0;
    for (let t = 0; t < count; t++) {
      const x = Math.abs((t + xmin - center + 0.5) * ss);
      const v = x < 1 ? 1 - x : 0;
      w[t] = v;
      ww += v;
    }
    for (let t = 0; t < count; t++) {
      const v = ww !== 0 ? w[t]! / ww : w[t]!;
      const scaled = v * one;
      k[o * ksize + t] = v < 0 ? Math.trunc(-0.5 + scaled) : Math.trunc(0.5 + scaled);
    }
    xminArr[o] = xmin;
    countArr[o] = count;
  }
  return { ksize, xmin: xminArr, count: countArr, k };
}
