/**
 * Bit-exact port of Pillow's `Image.resize(size, Image.BILINEAR)` for 8-bit RGB images (spec §A1.1 item 3,
 * PIL `src/libImaging/Resample.c`). This is what SAM's `ResizeLongestSide.apply_image` runs (torchvision
 * `resize` on a PIL image), so the encoder sees the same pixels as the Python reference.
 *
 * Algorithm (per axis, `precompute_coeffs`, see `preprocess_pillow_coeffs.ts`): a triangle filter widened by
 * max(in / out, 1) (antialiasing when downscaling), as int32 fixed-point taps with 22 fractional bits.
 * Pixel: acc = 2^21 + Σ k[t] · v[t]; out = clip8(acc >> 22) (0 if acc ≤ 0, 255 if acc ≥ 2^30).
 * Passes (`ImagingResampleInner`): horizontal first (only over the rows the vertical pass reads), writing uint8,
 * then vertical; a pass is skipped when that axis keeps its size. Sums stay below 2^31, so int32 arithmetic is exact.
 * `preprocessResizeNormalizePad` fuses the vertical pass with SAM's normalisation for the encoder input.
 *
 * @module
 */
import { SamqError } from "../util/errors.ts";
import { PILLOW_PRECISION_BITS, pillowBilinearCoeffs, type PillowCoeffs } from "./pillow_bilinear_coeffs.ts";
import { pillowHorizontalPass } from "./pillow_horizontal_pass.ts";

const HALF = 1 << (PILLOW_PRECISION_BITS - 1);
const SHIFT = PILLOW_PRECISION_BITS;

/** Vertical pass; `c.xmin` is relative to the first row of `src`, which is input row `ymin0`. */
function resampleVertical(
  src: Uint8Array,
  w: number,
  ch: number,
  c: PillowCoeffs,
  outH: number,
  ymin0: number,
): Uint8Array {
  const out = new Uint8Array(outH * w * ch);
  const stride = w * ch;
  const { xmin, count, k, ksize } = c;
  for (let o = 0; o < outH; o++) {
    const base = (xmin[o]! - ymin0) * stride, n = count[o]!, kOff = o * ksize, rowOut = o * stride;
    for (let i = 0; i < stride; i++) {
      let acc = HALF;
      let p = base + i;
      for (let t = 0; t < n; t++) {
        acc += src[p]! * k[kOff + t]!;
        p += stride;
      }
      acc >>= SHIFT;
      out[rowOut + i] = acc < 0 ? 0 : acc > 255 ? 255 : acc;
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
  const vert = pillowBilinearCoeffs(h, outH);
  let img = rgb;
  let ymin0 = 0;
  if (needH) {
    // Only rows [first, last) are read by the vertical pass.
    const first = vert.xmin[0]!;
    const last = vert.xmin[outH - 1]! + vert.count[outH - 1]!;
    const rows = needV ? last - first : h;
    ymin0 = needV ? first : 0;
    img = pillowHorizontalPass(rgb, w, channels, ymin0, rows, pillowBilinearCoeffs(w, outW), outW);
  }
  if (needV) return resampleVertical(img, outW, channels, vert, outH, ymin0);
  return img === rgb ? rgb.slice() : img;
}
