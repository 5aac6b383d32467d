/**
 * Dice coefficient of two binary masks of the same size: 2·|A ∧ B| / (|A| + |B|). Two empty masks give 0
 * (consistent with `maskIou`).
 *
 * @module
 */
import { SamqError } from "../util/errors.ts";

/**
 * Computes the Dice coefficient of two masks (non-zero = foreground).
 *
 * @param a Uint8Array mask, row-major `[H, W]` (any layout, same as `b`).
 * @param b Uint8Array mask of the same length.
 * @returns Dice in [0, 1]; 0 when both masks are empty.
 * @throws {SamqError} `invalid_argument` when the lengths differ.
 *
 * @example Usage
 * ```ts
 * import { maskDice } from "./mask_dice.ts";
 * maskDice(new Uint8Array([1, 1, 0, 0]), new Uint8Array([0, 1, 1, 0])); // 0.5
 * ```
 */
export function maskDice(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length) {
    throw new SamqError(
      "invalid_argument",
      `Cannot compute Dice: mask sizes ${a.length} and ${b.length} differ`,
      {
        field: "b",
      },
    );
  }
  let inter = 0, sum = 0;
  for (let i = 0; i < a.length; i++) {
    const pa = a[i] !== 0, pb = b[i] !== 0;
    if (pa && pb) inter++;
    sum += (pa ? 1 : 0) + (pb ? 1 : 0);
  }
  return sum === 0 ? 0 : (2 * inter) / sum;
}
