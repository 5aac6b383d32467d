/**
 * Thresholds logits into a 0/1 mask: logit > threshold (strict, SA `mask_threshold` = 0.0).
 *
 * @module
 */

/**
 * Binarises logits.
 *
 * @param logits Float32 logits of any layout.
 * @param threshold Strict threshold (SA 0.0).
 * @returns Uint8Array of the same length, 1 where logit > threshold.
 *
 * @example Usage
 * ```ts
 * import { binarizeLogits } from "./binarize_logits.ts";
 * binarizeLogits(new Float32Array([-1, 0, 0.5]), 0); // Uint8Array [0, 0, 1]
 * ```
 */
export function binarizeLogits(logits: Float32Array, threshold: number): Uint8Array {
  const out = new Uint8Array(logits.length);
  for (let i = 0; i < logits.length; i++) out[i] = logits[i]! > threshold ? 1 : 0;
  return out;
}
