/**
 * Stability score of one mask's logits (spec §A3.2 item 6, SA `calculate_stability_score`):
 *   score = #(logit > threshold + offset) / #(logit > threshold − offset).
 * The high-threshold set is contained in the low one, so this is the IoU of the two binarised masks.
 * 0/0 gives NaN, which fails any `>=` filter, as in the reference.
 *
 * @module
 */

/**
 * Computes the stability score of mask logits.
 *
 * @param logits Logits of one mask, any layout (e.g. `[H, W]` row-major).
 * @param threshold Mask threshold. @default 0
 * @param offset Threshold offset. @default 1
 * @returns The score in [0, 1], or NaN when no logit exceeds `threshold − offset`.
 *
 * @example Usage
 * ```ts
 * import { stabilityScore } from "./stability_score.ts";
 * stabilityScore(new Float32Array([2.5, 0.5, -0.5, -1.5, 1.2, 0.9, -0.9, -2.0])); // 2 / 6
 * ```
 */
export function stabilityScore(logits: ArrayLike<number>, threshold = 0, offset = 1): number {
  const hi = threshold + offset;
  const lo = threshold - offset;
  let intersections = 0;
  let unions = 0;
  for (let i = 0; i < logits.length; i++) {
    const v = logits[i]!;
    if (v > hi) intersections++;
    if (v > lo) unions++;
  }
  return intersections / unions;
}
