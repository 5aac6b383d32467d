/**
 * Binarisation of mask logits (spec §A1.3 item 4, SA `mask_threshold = 0.0`): pixel = logit **>** threshold.
 *
 * @module
 */

/**
 * Thresholds logits into a 0/1 mask (strict `>`; NaN gives 0).
 *
 * @param logits Float32Array of any shape (e.g. `[H, W]` or `[C, H, W]`, row-major).
 * @param threshold Logit threshold. @default 0
 * @returns Uint8Array of the same length and layout, 1 where logit > threshold, else 0.
 *
 * @example Usage
 * ```ts
 * import { thresholdMask } from "./threshold_mask.ts";
 * thresholdMask(new Float32Array([-1, 0, 0.5])); // Uint8Array [0, 0, 1]
 * ```
 */
export function thresholdMask(logits: ArrayLike<number>, threshold = 0): Uint8Array {
  const out = new Uint8Array(logits.length);
  for (let i = 0; i < logits.length; i++) out[i] = logits[i]! > threshold ? 1 : 0;
  return out;
}
