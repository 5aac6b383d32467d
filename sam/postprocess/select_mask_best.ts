/**
 * Mask choice by predicted IoU (spec §A1.4): the standard single-prompt choice is the token with the highest
 * predicted IoU among the multimask tokens 1..3 (official multi export: 4 tokens, token 0 = single-mask
 * output). Ties go to the first maximum in `tokens` order, like `argmax`.
 *
 * @module
 */
import { SamqError } from "../../util/errors.ts";

/**
 * Returns the token with the highest predicted IoU among `tokens` (first maximum wins; NaN never wins).
 *
 * @param iouPredictions Predicted IoU per token, length T (e.g. the `[1, 4]` `iou_predictions` output).
 * @param tokens Candidate token indices. @default all tokens 0..T−1
 * @returns The chosen token index (an element of `tokens`).
 * @throws {SamqError} `invalid_argument` when `tokens` is empty or holds an index outside 0..T−1.
 *
 * @example Usage
 * ```ts
 * import { selectBestMask } from "./select_mask_best.ts";
 * selectBestMask(new Float32Array([0.99, 0.5, 0.9, 0.9]), [1, 2, 3]); // 2
 * ```
 */
export function selectBestMask(iouPredictions: ArrayLike<number>, tokens?: readonly number[]): number {
  const candidates = tokens ?? Array.from({ length: iouPredictions.length }, (_, i) => i);
  if (candidates.length === 0) {
    throw new SamqError("invalid_argument", "Cannot select a mask: no candidate tokens", { field: "tokens" });
  }
  let best = -1;
  let bestScore = -Infinity;
  for (const t of candidates) {
    if (!Number.isInteger(t) || t < 0 || t >= iouPredictions.length) {
      throw new SamqError(
        "invalid_argument",
        `Cannot select a mask: token ${t} is outside 0..${iouPredictions.length - 1}`,
        { field: "tokens" },
      );
    }
    const s = iouPredictions[t]!;
    if (best === -1 || s > bestScore) {
      best = t;
      bestScore = Number.isNaN(s) ? -Infinity : s;
    }
  }
  return best;
}
