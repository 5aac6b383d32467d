/**
 * Full encoder preprocessing of an RGB image (spec §A1.1, §A1.5): resize, normalise, pad.
 *
 * Stacks (`stack` selects the defaults; explicit fields override them):
 * | stack | resize | resampler | pixelScale / mean / std |
 * |---|---|---|---|
 * | `"sam"` (default, official SA) | longest side → `size`, `preprocessShape` rounding | Pillow BILINEAR, bit-exact | 0..255, SA mean/std |
 * | `"hf"` (HF Python processor) | same | same | 0..1, ImageNet mean/std |
 * | `"sam2"` | square size×size, aspect not kept | Pillow BILINEAR on uint8 (**approximation**: SAM 2 resizes the float tensor with torchvision's antialiased bilinear) | 0..1, ImageNet mean/std |
 * transformers.js's own rounding (floor after `toFixed(2)`) and `sharp` resampler are not reproduced.
 * The work is one fused pass (`preprocessResizeNormalizePad`), bit-identical to resize, then normalise + pad.
 *
 * @module
 */
import { SamqError } from "../../util/errors.ts";
import { preprocessShape, type SizeHw } from "./preprocess_shape.ts";
import { type NormalizeOptions, SAM_PIXEL_MEAN, SAM_PIXEL_STD } from "./preprocess_normalize_and_pad.ts";
import { preprocessResizeNormalizePad } from "./preprocess_resize_normalize_pad.ts";

/** Reference stacks whose preprocessing can be reproduced. */
export const PREPROCESS_STACKS = ["sam", "hf", "sam2"] as const;
/** One of {@link PREPROCESS_STACKS}. */
export type PreprocessStack = typeof PREPROCESS_STACKS[number];

/** Options of {@link preprocessImage}. */
export interface PreprocessOptions extends NormalizeOptions {
  /** Which reference stack's defaults to use. @default "sam" */
  stack?: PreprocessStack;
  /** Resize rule: keep aspect with the longest side = size (then pad), or squash to size×size. @default "longest-side" ("square" for "sam2") */
  resize?: "longest-side" | "square";
  /**
   * Float32Array `[1, 3, size, size]` to write the tensor into (reused across images: the returned `tensor`
   * is this buffer, overwritten by the next call that gets it). @default a new array per call
   */
  out?: Float32Array;
}

/** Encoder input and the frames needed to map prompts and masks. */
export interface PreprocessedImage {
  /** Float32Array `[1, 3, size, size]` NCHW, normalised and zero-padded bottom/right. */
  tensor: Float32Array;
  /** Resized (unpadded) size inside the input frame. */
  inputSize: SizeHw;
  /** Original image size. */
  origSize: SizeHw;
}

const IMAGENET = {
  mean: [0.485, 0.456, 0.406],
  std: [0.229, 0.224, 0.225],
  pixelScale: "0-1",
} as const;
const STACK_DEFAULTS: Record<PreprocessStack, Required<Omit<PreprocessOptions, "stack" | "size" | "out">>> = {
  sam: {
    resize: "longest-side",
    mean: SAM_PIXEL_MEAN,
    std: SAM_PIXEL_STD,
    pixelScale: "0-255",
  },
  hf: { resize: "longest-side", ...IMAGENET },
  sam2: { resize: "square", ...IMAGENET },
};

/**
 * Resizes, normalises and pads an RGB image into the SAM encoder input.
 *
 * @param rgb Uint8Array `[h, w, 3]` HWC RGB (original image).
 * @param h Original height.
 * @param w Original width.
 * @param options Stack, resize rule, mean/std and output size, see {@link PreprocessOptions}.
 * @returns `{tensor [1,3,S,S], inputSize, origSize}`.
 * @throws {SamqError} `invalid_argument` for a bad stack or wrong array length; `invalid_image` when the
 *   aspect ratio is so extreme that a resized side would be 0 pixels.
 *
 * @example Usage
 * ```ts
 * import { preprocessImage } from "./preprocess_image.ts";
 * const p = preprocessImage(new Uint8Array(4 * 6 * 3), 4, 6, { size: 12 });
 * p.inputSize; // { h: 8, w: 12 }
 * ```
 */
export function preprocessImage(
  rgb: Uint8Array,
  h: number,
  w: number,
  options: PreprocessOptions = {},
): PreprocessedImage {
  const stack = options.stack ?? "sam";
  if (!PREPROCESS_STACKS.includes(stack)) {
    throw new SamqError(
      "invalid_argument",
      `Cannot preprocess: stack "${stack}" is not one of ${
        PREPROCESS_STACKS.map((s) => `"${s}"`).join(", ")
      }`,
      { field: "stack" },
    );
  }
  const d = STACK_DEFAULTS[stack];
  const {
    size = 1024,
    resize = d.resize,
    mean = d.mean,
    std = d.std,
    pixelScale = d.pixelScale,
  } = options;
  const inputSize = resize === "square" ? { h: size, w: size } : preprocessShape(h, w, size);
  if (inputSize.h === 0 || inputSize.w === 0) {
    throw new SamqError(
      "invalid_image",
      `Cannot preprocess a ${h}x${w} image: resized size ${inputSize.h}x${inputSize.w} has an empty side`,
      { field: "rgb" },
    );
  }
  // Fused resize + normalise + pad, bit-identical to normalizeAndPad(resizePillowBilinear(...)).
  const tensor = preprocessResizeNormalizePad(rgb, h, w, inputSize.h, inputSize.w, {
    size,
    mean,
    std,
    pixelScale,
    ...(options.out ? { out: options.out } : {}),
  });
  return { tensor, inputSize, origSize: { h, w } };
}
