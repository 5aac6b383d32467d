/**
 * Per-object IoU and Dice of a predicted and a GT binary mask, in one pass (spec §A4.1, DESIGN §3).
 *
 * IoU = |A ∧ B| / |A ∨ B| and Dice = 2·|A ∧ B| / (|A| + |B|), as exact ratios in float64.
 * **0/0 rule:** when the union is empty (both masks empty) IoU and Dice are 0, the value EV's
 * `|A∧B| / (|A∨B| + 1e-7)` gives there. For non-empty unions EV's +1e-7 shifts IoU by less than 1e-7 of
 * its value; we report the exact ratio (so a perfect mask scores exactly 1). Metrics are fractions in
 * [0, 1]; tables multiply by 100.
 *
 * @module
 */
import { SamqError } from "../util/errors.ts";

/** Overlap counts and the two scores of one object. */
export interface MaskOverlap {
  /** |A ∧ B| in pixels. */
  intersection: number;
  /** |A ∨ B| in pixels. */
  union: number;
  /** |A| (prediction) in pixels. */
  predArea: number;
  /** |B| (ground truth) in pixels. */
  gtArea: number;
  /** IoU in [0, 1] (0 when the union is empty). */
  iou: number;
  /** Dice in [0, 1] (0 when both masks are empty). */
  dice: number;
}

/**
 * Computes IoU and Dice of two masks of the same layout.
 *
 * @param pred Predicted mask (non-zero = object), any layout, same length as `gt`.
 * @param gt Ground-truth mask.
 * @returns Counts, IoU and Dice.
 * @throws {SamqError} `invalid_argument` (field "gt") when the lengths differ.
 *
 * @example Usage
 * ```ts
 * import { maskIouDice } from "./mask_iou_dice.ts";
 * maskIouDice(Uint8Array.from([1, 1, 0, 0]), Uint8Array.from([0, 1, 1, 0])); // iou 1/3, dice 0.5
 * ```
 */
export function maskIouDice(pred: Uint8Array, gt: Uint8Array): MaskOverlap {
  if (pred.length !== gt.length) {
    throw new SamqError(
      "invalid_argument",
      `Cannot compare masks: sizes ${pred.length} and ${gt.length} differ`,
      {
        field: "gt",
      },
    );
  }
  let inter = 0, pa = 0, ga = 0;
  for (let i = 0; i < pred.length; i++) {
    const p = pred[i] !== 0, g = gt[i] !== 0;
    if (p) pa++;
    if (g) ga++;
    if (p && g) inter++;
  }
  const union = pa + ga - inter;
  return {
    intersection: inter,
    union,
    predArea: pa,
    gtArea: ga,
    iou: union === 0 ? 0 : inter / union,
    dice: pa + ga === 0 ? 0 : (2 * inter) / (pa + ga),
  };
}
