/**
 * Bit-exact port of Pillow's `Image.resize(size, Image.BILINEAR)` for 8-bit RGB images (spec §A1.1 item 3,
 * PIL `src/libImaging/Resample.c`). This is what SAM's `ResizeLongestSide.apply_image` runs (torchvision
 * `resize` on a PIL image), so the encoder sees the same pixels as the Python reference.
 *
 * Algorithm (per axis, `precompute_coeffs`):
 *   scale = in / out; filterscale = max(scale, 1); support = 1 · filterscale (triangle filter widened when
 *   downscaling, i.e. antialiasing); for output index o: center = (o + 0.5) · scale;
 *   xmin = max(0, trunc(center − support + 0.5)); taps = min(in, trunc(center + support + 0.5)) − xmin;
 *   w[t] = tri((t + xmin − center + 0.5) / filterscale), tri(x) = max(0, 1 − |x|), normalised to sum 1 (float64).
 * Fixed point (`normalize_coeffs_8bpc`): k = trunc(w · 2^22 ± 0.5) (round half away from zero, 22 = 32 − 8 − 2).
 * Pixel: acc = 2^21 + Σ k[t] · v[t]; out = clip8(acc >> 22) (0 if acc ≤ 0, 255 if acc ≥ 2^30).
 * Passes (`ImagingResampleInner`): horizontal first (only over the rows the vertical pass reads), writing uint8,
 * then vertical; a pass is skipped when that axis keeps its size. Sums stay below 2^31, so JS numbers are exact.
 *
 * @module
 */
import { SamqError } from "../util/errors.ts";

const PRECISION_BITS = 22;
const HALF = 1 << (PRECISION_BITS - 1);

/** Fixed-point taps per output index along one axis: first input index, tap count, and ksize-strided weights. */
interface Coeffs {
  ksize: number;
  xmin: Int32Array;
  count: Int32Array;
  k: Int32Array;
}

function precomputeCoeffs(inSize: number, outSize: number): Coeffs {
  const scale = inSize / outSize;
  const filterscale = scale < 1 ? 1 : scale;
  const support = 1.0 * filterscale;
  const ksize = Math.ceil(support) * 2 + 1;
  const ss = 1.0 / filterscale;
  const xminArr = new Int32Array(outSize);
  const countArr = new Int32Array(outSize);
  const k = new Int32Array(outSize * ksize);
  const w = new Float64Array(ksize);
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
      const scaled = v * (1 << PRECISION_BITS);
      k[o * ksize + t] = v < 0 ? Math.trunc(-0.5 + scaled) : Math.trunc(0.5 + scaled);
    }
    xminArr[o] = xmin;
    countArr[o] = count;
  }
  return { ksize, xmin: xminArr, count: countArr, k };
}

function clip8(acc: number): number {
  if (acc >= 1 << (PRECISION_BITS + 8)) return 255;
  if (acc <= 0) return 0;
  return Math.floor(acc / (1 << PRECISION_BITS));
}

/** Horizontal pass over rows [rowFirst, rowFirst + rows) of a w-wide image with `ch` channels. */
function resampleHorizontal(
  src: Uint8Array,
  w: number,
  ch: number,
  rowFirst: number,
  rows: number,
  c: Coeffs,
  outW: number,
): Uint8Array {
  const out = new Uint8Array(rows * outW * ch);
  for (let y = 0; y < rows; y++) {
    const rowIn = (y + rowFirst) * w * ch;
    const rowOut = y * outW * ch;
    for (let o = 0; o < outW; o++) {
      const xmin = c.xmin[o]!, count = c.count[o]!, kOff = o * c.ksize;
      for (let b = 0; b < ch; b++) {
        let acc = HALF;
        for (let t = 0; t < count; t++) acc += src[rowIn + (xmin + t) * ch + b]! * c.k[kOff + t]!;
        out[rowOut + o * ch + b] = clip8(acc);
      }
    }
  }
  return out;
}

/** Vertical pass; `c.xmin` is relative to the first row of `src`. */
function resampleVertical(src: Uint8Array, w: number, ch: number, c: Coeffs, outH: number, ymin0: number) {
  const out = new Uint8Array(outH * w * ch);
  const stride = w * ch;
  for (let o = 0; o < outH; o++) {
    const ymin = c.xmin[o]! - ymin0, count = c.count[o]!, kOff = o * c.ksize;
    for (let i = 0; i < stride; i++) {
      let acc = HALF;
      for (let t = 0; t < count; t++) acc += src[(ymin + t) * stride + i]! * c.k[kOff + t]!;
      out[o * stride + i] = clip8(acc);
    }
  }
  return out;
}

/**
 * Resizes an 8-bit HWC image exactly like Pillow's BILINEAR resample.
 *
 * @param rgb Uint8Array `[h, w, 3]` (HWC, RGB; other channel counts via `channels`).
 * @param h Input height.
 * @param w Input width.
 * @param outH Output height (≥ 1).
 * @param outW Output width (≥ 1).
 * @param channels Interleaved channels per pixel. @default 3
 * @returns Uint8Array `[outH, outW, channels]` (HWC). Equal sizes return a copy, as Pillow does.
 * @throws {SamqError} `invalid_argument` when a size is not a positive integer or `rgb` has the wrong length.
 *
 * @example Usage
 * ```ts
 * import { resizePillowBilinear } from "./resize_pillow_bilinear.ts";
 * resizePillowBilinear(new Uint8Array([0, 0, 0, 255, 255, 255]), 1, 2, 1, 1); // Uint8Array [128, 128, 128]
 * ```
 */
export function resizePillowBilinear(
  rgb: Uint8Array,
  h: number,
  w: number,
  outH: number,
  outW: number,
  channels = 3,
): Uint8Array {
  for (const [name, v] of Object.entries({ h, w, outH, outW, channels })) {
    if (!Number.isInteger(v) || v <= 0) {
      throw new SamqError(
        "invalid_argument",
        `Cannot resize: "${name}" must be a positive integer, got ${v}`,
        {
          field: name,
        },
      );
    }
  }
  if (rgb.length !== h * w * channels) {
    throw new SamqError(
      "invalid_argument",
      `Cannot resize: expected ${h * w * channels} bytes for ${h}x${w}x${channels}, got ${rgb.length}`,
      { field: "rgb" },
    );
  }
  const needH = outW !== w;
  const needV = outH !== h;
  const vert = precomputeCoeffs(h, outH);
  let img = rgb;
  let ymin0 = 0;
  if (needH) {
    // Only rows [first, last) are read by the vertical pass.
    const first = vert.xmin[0]!;
    const last = vert.xmin[outH - 1]! + vert.count[outH - 1]!;
    const rows = needV ? last - first : h;
    ymin0 = needV ? first : 0;
    img = resampleHorizontal(rgb, w, channels, ymin0, rows, precomputeCoeffs(w, outW), outW);
  }
  if (needV) return resampleVertical(img, outW, channels, vert, outH, ymin0);
  return img === rgb ? rgb.slice() : img;
}
