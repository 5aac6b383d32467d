/**
 * The horizontal pass of Pillow's two-pass resample (`ImagingResampleHorizontal_8bpc`), on interleaved 8-bit
 * pixels: each output sample is clip8((2^21 + Σ k[t] · v[xmin + t]) >> 22) with the taps of
 * {@link pillowBilinearCoeffs}. Pillow runs it first and only over the input rows that the vertical pass
 * reads, rounding to uint8 between the passes; bit-exactness depends on keeping that order.
 *
 * @module
 */
import { PILLOW_PRECISION_BITS, type PillowCoeffs } from "./pillow_bilinear_coeffs.ts";

const HALF = 1 << (PILLOW_PRECISION_BITS - 1);
const SHIFT = PILLOW_PRECISION_BITS;

/**
 * Resamples rows `[rowFirst, rowFirst + rows)` of an interleaved 8-bit image along x.
 *
 * @param src Uint8Array `[h, w, channels]` (HWC).
 * @param w Input width.
 * @param channels Interleaved channels per pixel.
 * @param rowFirst First input row to resample.
 * @param rows Number of rows to resample.
 * @param c Taps from `pillowBilinearCoeffs(w, outW)`.
 * @param outW Output width (length of `c.xmin`).
 * @returns Uint8Array `[rows, outW, channels]` (HWC).
 *
 * @example Usage
 * ```ts
 * import { pillowBilinearCoeffs } from "./pillow_bilinear_coeffs.ts";
 * import { pillowHorizontalPass } from "./pillow_horizontal_pass.ts";
 * pillowHorizontalPass(new Uint8Array([0, 255]), 2, 1, 0, 1, pillowBilinearCoeffs(2, 1), 1); // [128]
 * ```
 */
export function pillowHorizontalPass(
  src: Uint8Array,
  w: number,
  channels: number,
  rowFirst: number,
  rows: number,
  c: PillowCoeffs,
  outW: number,
): Uint8Array {
  const out = new Uint8Array(rows * outW * channels);
  if (channels === 3) horizontalRgb(src, w, rowFirst, rows, c, outW, out);
  else horizontalAny(src, w, channels, rowFirst, rows, c, outW, out);
  return out;
}

function horizontalRgb(
  src: Uint8Array,
  w: number,
  rowFirst: number,
  rows: number,
  c: PillowCoeffs,
  outW: number,
  out: Uint8Array,
): void {
  const { xmin, count, k, ksize } = c;
  // Per output column: byte offset of its first tap inside a row.
  const off = new Int32Array(outW);
  for (let o = 0; o < outW; o++) off[o] = xmin[o]! * 3;
  let q = 0;
  for (let y = 0; y < rows; y++) {
    const rowIn = (y + rowFirst) * w * 3;
    for (let o = 0; o < outW; o++) {
      let p = rowIn + off[o]!;
      const n = count[o]!;
      let kk = o * ksize;
      if (n === 2) {
        // Upscaling reads two pixels; a straight-line body is faster than the tap loop.
        const k0 = k[kk]!, k1 = k[kk + 1]!;
        const r = (HALF + src[p]! * k0 + src[p + 3]! * k1) >> SHIFT;
        const g = (HALF + src[p + 1]! * k0 + src[p + 4]! * k1) >> SHIFT;
        const b = (HALF + src[p + 2]! * k0 + src[p + 5]! * k1) >> SHIFT;
        out[q] = r < 0 ? 0 : r > 255 ? 255 : r;
        out[q + 1] = g < 0 ? 0 : g > 255 ? 255 : g;
        out[q + 2] = b < 0 ? 0 : b > 255 ? 255 : b;
        q += 3;
        continue;
      }
      let r = HALF, g = HALF, b = HALF;
      for (let t = 0; t < n; t++) {
        const wt = k[kk++]!;
        r += src[p]! * wt;
        g += src[p + 1]! * wt;
        b += src[p + 2]! * wt;
        p += 3;
      }
      r >>= SHIFT;
      g >>= SHIFT;
      b >>= SHIFT;
      out[q] = r < 0 ? 0 : r > 255 ? 255 : r;
      out[q + 1] = g < 0 ? 0 : g > 255 ? 255 : g;
      out[q + 2] = b < 0 ? 0 : b > 255 ? 255 : b;
      q += 3;
    }
  }
}

function horizontalAny(
  src: Uint8Array,
  w: number,
  ch: number,
  rowFirst: number,
  rows: number,
  c: PillowCoeffs,
  outW: number,
  out: Uint8Array,
): void {
  const { xmin, count, k, ksize } = c;
  for (let y = 0; y < rows; y++) {
    const rowIn = (y + rowFirst) * w * ch;
    const rowOut = y * outW * ch;
    for (let o = 0; o < outW; o++) {
      const x0 = rowIn + xmin[o]! * ch, n = count[o]!, kOff = o * ksize;
      for (let b = 0; b < ch; b++) {
        let acc = HALF;
        for (let t = 0; t < n; t++) acc += src[x0 + t * ch + b]! * k[kOff + t]!;
        acc >>= SHIFT;
        out[rowOut + o * ch + b] = acc < 0 ? 0 : acc > 255 ? 255 : acc;
      }
    }
  }
}
