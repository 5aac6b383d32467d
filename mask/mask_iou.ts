/**
 * Intersection over union of two binary masks of the same size: |A ∧ B| / |A ∨ B|, the `iou` of
 * {@link maskIouDice} (the one pixel count), for callers that need IoU only.
 * Two empty masks give 0 (as pycocotools `iou` does for empty vs empty). The EV point protocol adds 1e-7 to
 * the denominator; that only changes results for empty unions.
 *
 * @module
 */
import { maskIouDice } from "./mask_iou_dice.ts";

/**
 * Computes the IoU of two masks (non-zero = foreground).
 *
 * @param a Uint8Array mask, row-major `[H, W]` (any layout, same as `b`).
 * @param b Uint8Array mask of the same length.
 * @returns IoU in [0, 1]; 0 when both masks are empty.
 * @throws {SamqError} `invalid_argument` (field "gt") when the lengths differ.
 *
 * @example Usage
 * ```ts
 * import { maskIou } from "./mask_iou.ts";
 * maskIou(new Uint8Array([1, 1, 0]), new Uint8Array([0, 1, 1])); // 1 / 3
 * ```
 */
export function maskIou(a: Uint8Array, b: Uint8Array): number {
  return maskIouDice(a, b).iou;
}
