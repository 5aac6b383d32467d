/**
 * Normalisation and padding of a resized RGB image into the encoder input (spec §A1.1 items 4–6, §A1.5).
 *
 * Per channel c, in float32 steps like the reference stacks:
 * - `pixelScale: "0-255"` (official SA, `Sam.preprocess`): v = f32(f32(x − mean[c]) / std[c]);
 * - `pixelScale: "0-1"` (HF image processor, SAM 2): x01 = f32(x / 255), then v = f32(f32(x01 − mean[c]) / std[c]).
 * Then zero padding on the bottom and right to size×size (**after** normalisation: 0 = the mean colour).
 * SA: mean [123.675, 116.28, 103.53], std [58.395, 57.12, 57.375] on 0..255 (the default);
 * HF / SAM 2: ImageNet mean [0.485, 0.456, 0.406], std [0.229, 0.224, 0.225] on 0..1.
 *
 * @module
 */
import { SamqError } from "../../util/errors.ts";

/** Per-channel values in RGB order. */
export type Rgb3 = readonly [number, number, number];

/** SA pixel mean (RGB, 0..255 scale), `Sam.pixel_mean`. */
export const SAM_PIXEL_MEAN: Rgb3 = Object.freeze([123.675, 116.28, 103.53] as const);
/** SA pixel std (RGB, 0..255 scale), `Sam.pixel_std`. */
export const SAM_PIXEL_STD: Rgb3 = Object.freeze([58.395, 57.12, 57.375] as const);

/** Options of {@link normalizeAndPad}. */
export interface NormalizeOptions {
  /** Per-channel mean (RGB), in the unit given by `pixelScale`. @default [123.675, 116.28, 103.53] */
  mean?: Rgb3;
  /** Per-channel std (RGB), in the unit given by `pixelScale`. @default [58.395, 57.12, 57.375] */
  std?: Rgb3;
  /** Whether pixels are used as 0..255 or first divided by 255. @default "0-255" */
  pixelScale?: "0-255" | "0-1";
  /** Side of the square, padded output. @default 1024 */
  size?: number;
}

/**
 * Converts an HWC uint8 RGB image to a normalised, zero-padded NCHW float32 tensor.
 *
 * @param rgb Uint8Array `[h, w, 3]` HWC RGB (already resized, h, w ≤ size).
 * @param h Image height.
 * @param w Image width.
 * @param options Mean, std, pixel scale and output size, see {@link NormalizeOptions}.
 * @returns Float32Array `[1, 3, size, size]` (NCHW); rows ≥ h and columns ≥ w are 0.
 * @throws {SamqError} `invalid_argument` when `rgb` has the wrong length or the image exceeds `size`.
 *
 * @example Usage
 * ```ts
 * import { normalizeAndPad } from "./preprocess_normalize_and_pad.ts";
 * const t = normalizeAndPad(new Uint8Array([124, 116, 104]), 1, 1, { size: 2 });
 * t.length; // 1 * 3 * 2 * 2
 * ```
 */
export function normalizeAndPad(
  rgb: Uint8Array,
  h: number,
  w: number,
  options: NormalizeOptions = {},
): Float32Array {
  const {
    mean = SAM_PIXEL_MEAN,
    std = SAM_PIXEL_STD,
    pixelScale = "0-255",
    size = 1024,
  } = options;
  if (!(Number.isInteger(h) && Number.isInteger(w) && h > 0 && w > 0 && h <= size && w <= size)) {
    throw new SamqError("invalid_argument", `Cannot normalize: image ${h}x${w} must fit in ${size}x${size}`, {
      field: "size",
    });
  }
  if (rgb.length !== h * w * 3) {
    throw new SamqError(
      "invalid_argument",
      `Cannot normalize: expected ${h * w * 3} bytes, got ${rgb.length}`,
      {
        field: "rgb",
      },
    );
  }
  const f = Math.fround;
  const plane = size * size;
  const out = new Float32Array(3 * plane);
  for (let c = 0; c < 3; c++) {
    const m = f(mean[c]!), s = f(std[c]!);
    // Lookup table: the result depends only on the byte value.
    const lut = new Float32Array(256);
    for (let x = 0; x < 256; x++) {
      const v = pixelScale === "0-1" ? f(x / 255) : x;
      lut[x] = f(f(v - m) / s);
    }
    for (let y = 0; y < h; y++) {
      const rowIn = y * w * 3 + c;
      const rowOut = c * plane + y * size;
      for (let x = 0; x < w; x++) out[rowOut + x] = lut[rgb[rowIn + 3 * x]!]!;
    }
  }
  return out;
}
