/**
 * Stability score of mask logits (spec §A3.2 step 6, SA `calculate_stability_score`).
 *
 * score = #(logit > t + offset) / #(logit > t − offset), computed on the full-resolution logits, with
 * t = the mask threshold (0.0). The high set is contained in the low one, so the score is in [0, 1];
 * 0/0 (no logit above t − offset) is NaN, which fails SA's ≥ filter. The quotient is rounded to float32
 * as torch does.
 *
 * Example: logits [[2.5, 0.5, −0.5, −1.5], [1.2, 0.9, −0.9, −2.0]], offset 1 → 2/6 = 0.3333.
 *
 * @module
 */
import { stabilityScore } from "../../mask/stability_score.ts";

/**
 * Computes the stability score of each mask.
 *
 * @param logits `count` logit planes of equal size, concatenated (float32).
 * @param count Number of masks.
 * @param maskThreshold Binarisation threshold t (SA 0.0).
 * @param offset Logit offset (SA `stability_score_offset`, 1.0).
 * @returns Float32Array of count scores.
 *
 * @example Usage
 * ```ts
 * import { calculateStabilityScore } from "./calculate_stability_score.ts";
 * calculateStabilityScore(new Float32Array([2.5, 0.5, -0.5, -1.5, 1.2, 0.9, -0.9, -2.0]), 1, 0, 1); // [0.333…]
 * ```
 */
export function calculateStabilityScore(
  logits: Float32Array,
  count: number,
  maskThreshold: number,
  offset: number,
): Float32Array {
  if (count <= 0 || logits.length % count !== 0) {
    throw new RangeError(
      `Cannot compute stability: ${logits.length} logits do not split into ${count} masks`,
    );
  }
  const plane = logits.length / count;
  const out = new Float32Array(count);
  // One plane at a time through the single-mask score (subarray views, no copies); storing into a
  // Float32Array is the float32 rounding torch applies.
  for (let n = 0; n < count; n++) {
    out[n] = stabilityScore(logits.subarray(n * plane, (n + 1) * plane), maskThreshold, offset);
  }
  return out;
}
