/**
 * The encoder input in one pass over the pixels: Pillow-exact BILINEAR resize (spec §A1.1 item 3), per-channel
 * normalisation and zero padding (items 4–6), written straight into the Float32 NCHW tensor.
 *
 * It computes exactly `normalizeAndPad(resizePillowBilinear(rgb, h, w, outH, outW), outH, outW, options)`:
 * - the horizontal pass is Pillow's (`pillowHorizontalPass`), over only the rows the vertical pass reads;
 * - the vertical pass rounds each sample to uint8 (clip8(acc >> 22)) as Pillow does, and that byte indexes a
 *   per-channel float32 table holding f32(f32(x − mean) / std) (or with x01 = f32(x / 255) for "0-1"), the
 *   very values `normalizeAndPad` produces; so the fused path is bit-identical, only the uint8 image between
 *   the vertical pass and the normalisation is never stored;
 * - a pass is skipped when its axis keeps its size (the vertical one becomes a 1-tap identity).
 * With `out` the caller's buffer is reused: every element is written (image region, then padding zeroed), so
 * no value of a previous image can leak into the next one.
 *
 * @module
 */
import { SamqError } from "../../util/errors.ts";
import {
  PILLOW_PRECISION_BITS,
  pillowBilinearCoeffs,
  type PillowCoeffs,
} from "../../image/pillow_bilinear_coeffs.ts";
import { pillowHorizontalPass } from "../../image/pillow_horizontal_pass.ts";
import { type NormalizeOptions, SAM_PIXEL_MEAN, SAM_PIXEL_STD } from "./preprocess_normalize_and_pad.ts";

const HALF = 1 << (PILLOW_PRECISION_BITS - 1);
const SHIFT = PILLOW_PRECISION_BITS;

/** Options of {@link preprocessResizeNormalizePad}. */
export interface ResizeNormalizePadOptions extends NormalizeOptions {
  /**
   * Float32Array `[1, 3, size, size]` to write into instead of allocating one (for reuse across images; the
   * caller must not keep the previous contents). @default a new zeroed array
   */
  out?: Float32Array;
}

/**
 * Resizes an RGB image with Pillow BILINEAR, normalises it and zero-pads it into the NCHW encoder input.
 *
 * @param rgb Uint8Array `[h, w, 3]` HWC RGB (original image).
 * @param h Original height.
 * @param w Original width.
 * @param outH Resized height (≤ size).
 * @param outW Resized width (≤ size).
 * @param options Mean, std, pixel scale, size and optional output buffer, see {@link ResizeNormalizePadOptions}.
 * @returns Float32Array `[1, 3, size, size]` (NCHW; `options.out` when given); rows ≥ outH and columns ≥ outW are 0.
 * @throws {SamqError} `invalid_argument` when a size is not a positive integer, the resized image exceeds
 *   `size`, `rgb` has the wrong length or `out` the wrong length.
 *
 * @example Usage
 * ```ts
 * import { preprocessResizeNormalizePad } from "./preprocess_resize_normalize_pad.ts";
 * const t = preprocessResizeNormalizePad(new Uint8Array(4 * 6 * 3), 4, 6, 8, 12, { size: 12 });
 * t.length; // 3 * 12 * 12
 * ```
 */
export function preprocessResizeNormalizePad(
  rgb: Uint8Array,
  h: number,
  w: number,
  outH: number,
  outW: number,
  options: ResizeNormalizePadOptions = {},
): Float32Array {
  const { mean = SAM_PIXEL_MEAN, std = SAM_PIXEL_STD, pixelScale = "0-255", size = 1024 } = options;
  for (const [name, v] of Object.entries({ h, w, outH, outW, size })) {
    if (!Number.isInteger(v) || v <= 0) {
      throw new SamqError(
        "invalid_argument",
        `Cannot preprocess: "${name}" must be a positive integer, got ${v}`,
        {
          field: name,
        },
      );
    }
  }
  if (outH > size || outW > size) {
    throw new SamqError(
      "invalid_argument",
      `Cannot preprocess: image ${outH}x${outW} must fit in ${size}x${size}`,
      {
        field: "size",
      },
    );
  }
  if (rgb.length !== h * w * 3) {
    throw new SamqError(
      "invalid_argument",
      `Cannot preprocess: expected ${h * w * 3} bytes, got ${rgb.length}`,
      {
        field: "rgb",
      },
    );
  }
  const plane = size * size;
  if (options.out !== undefined && options.out.length !== 3 * plane) {
    throw new SamqError(
      "invalid_argument",
      `Cannot preprocess: "out" must hold 3x${size}x${size} = ${3 * plane} values, got ${options.out.length}`,
      { field: "out" },
    );
  }
  const out = options.out ?? new Float32Array(3 * plane);
  const vert = outH === h ? identityCoeffs(h) : pillowBilinearCoeffs(h, outH);
  let src = rgb;
  let ymin0 = 0;
  if (outW !== w) {
    // Only rows [first, last) are read by the vertical pass.
    ymin0 = vert.xmin[0]!;
    const last = vert.xmin[outH - 1]! + vert.count[outH - 1]!;
    src = pillowHorizontalPass(rgb, w, 3, ymin0, last - ymin0, pillowBilinearCoeffs(w, outW), outW);
  }
  const luts = [0, 1, 2].map((c) => normalizeLut(mean[c]!, std[c]!, pixelScale));
  verticalNormalize(src, outW, vert, outH, ymin0, luts, out, size);
  if (options.out !== undefined) zeroPadding(out, outH, outW, size);
  return out;
}

/** Float32 normalised value of each byte, computed as `normalizeAndPad` does. */
function normalizeLut(mean: number, std: number, pixelScale: "0-255" | "0-1"): Float32Array {
  const f = Math.fround;
  const m = f(mean), s = f(std);
  const lut = new Float32Array(256);
  for (let x = 0; x < 256; x++) lut[x] = f(f((pixelScale === "0-1" ? f(x / 255) : x) - m) / s);
  return lut;
}

/** One tap of weight 1.0 per row: the vertical pass as the identity (clip8((2^21 + v·2^22) >> 22) = v). */
function identityCoeffs(n: number): PillowCoeffs {
  const xmin = Int32Array.from({ length: n }, (_, i) => i);
  return { ksize: 1, xmin, count: new Int32Array(n).fill(1), k: new Int32Array(n).fill(1 << SHIFT) };
}

function verticalNormalize(
  src: Uint8Array,
  outW: number,
  c: PillowCoeffs,
  outH: number,
  ymin0: number,
  luts: Float32Array[],
  out: Float32Array,
  size: number,
): void {
  const stride = outW * 3;
  const plane = size * size;
  const lr = luts[0]!, lg = luts[1]!, lb = luts[2]!;
  const { xmin, count, k, ksize } = c;
  for (let o = 0; o < outH; o++) {
    const base = (xmin[o]! - ymin0) * stride, n = count[o]!, kOff = o * ksize;
    const qr = o * size, qg = qr + plane, qb = qg + plane;
    if (n === 2) {
      // Upscaling (the usual case: COCO images are ~640 px) reads two rows; a straight-line body is faster.
      const k0 = k[kOff]!, k1 = k[kOff + 1]!;
      let p = base;
      for (let x = 0; x < outW; x++, p += 3) {
        const q = p + stride;
        const r = (HALF + src[p]! * k0 + src[q]! * k1) >> SHIFT;
        const g = (HALF + src[p + 1]! * k0 + src[q + 1]! * k1) >> SHIFT;
        const b = (HALF + src[p + 2]! * k0 + src[q + 2]! * k1) >> SHIFT;
        out[qr + x] = lr[r < 0 ? 0 : r > 255 ? 255 : r]!;
        out[qg + x] = lg[g < 0 ? 0 : g > 255 ? 255 : g]!;
        out[qb + x] = lb[b < 0 ? 0 : b > 255 ? 255 : b]!;
      }
      continue;
    }
    for (let x = 0; x < outW; x++) {
      let p = base + 3 * x;
      let r = HALF, g = HALF, b = HALF;
      for (let t = 0; t < n; t++) {
        const wt = k[kOff + t]!;
        r += src[p]! * wt;
        g += src[p + 1]! * wt;
        b += src[p + 2]! * wt;
        p += stride;
      }
      r >>= SHIFT;
      g >>= SHIFT;
      b >>= SHIFT;
      out[qr + x] = lr[r < 0 ? 0 : r > 255 ? 255 : r]!;
      out[qg + x] = lg[g < 0 ? 0 : g > 255 ? 255 : g]!;
      out[qb + x] = lb[b < 0 ? 0 : b > 255 ? 255 : b]!;
    }
  }
}

/** Zeroes columns ≥ outW of rows < outH and all rows ≥ outH, in each of the three planes. */
function zeroPadding(out: Float32Array, outH: number, outW: number, size: number): void {
  const plane = size * size;
  for (let c = 0; c < 3; c++) {
    const p = c * plane;
    if (outW < size) { for (let y = 0; y < outH; y++) out.fill(0, p + y * size + outW, p + (y + 1) * size); }
    out.fill(0, p + outH * size, p + plane);
  }
}
