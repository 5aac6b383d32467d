/**
 * Intersection over union of two binary masks of the same size: |A ∧ B| / |A ∨ B|.
 * Two empty masks give 0 (as pycocotools `iou` does for empty vs empty). The EV point protocol adds 1e-7 to
 * the denominator; that only changes results for empty unions.
 *
 * @module
 */
import { SamqError } from "../util/errors.ts";

/**
 * Computes the IoU of two masks (non-zero = foreground).
 *
 * @param a Uint8Array mask, row-major `[H, W]` (any layout, same as `b`).
 * @param b Uint8Array mask of the same length.
 * @returns IoU in [0, 1]; 0 when both masks are empty.
 * @throws {SamqError} `invalid_argument` when the lengths differ.
 *
 * @example Usage
 * ```ts
 * import { maskIou } from "./mask_iou.ts";
 * maskIou(new Uint8Array([1, 1, 0, 0]), new Uint8Array([0, 1, 1, 0])); // 1 / 3
 * ```
 */
export function maskIou(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length) {
    throw new SamqError(
      "invalid_argument",
      `Cannot compute IoU: mask sizes ${a.length} and ${b.length} differ`,
      {
        field: "b",
      },
    );
  }
  let inter = 0, union = 0;
  for (let i = 0; i < a.length; i++) {
    const pa = a[i] !== 0, pb = b[i] !== 0;
    if (pa && pb) inter++;
    if (pa || pb) union++;
  }
  return union === 0 ? 0 : inter / union;
}
