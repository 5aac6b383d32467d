/**
 * Places a crop-sized mask into the full image (SA `uncrop_masks`): zero padding on every side.
 *
 * @module
 */
import type { BoxXyxy } from "./generate_crop_boxes.ts";

/**
 * Uncrops one mask.
 *
 * @param mask Binary mask of the crop, (y1 − y0)×(x1 − x0) row-major.
 * @param cropBox The crop [x0, y0, x1, y1] in the image frame.
 * @param origH Image height.
 * @param origW Image width.
 * @returns The mask as origH×origW row-major (the input itself when the crop is the whole image).
 * @throws {RangeError} When the mask size does not match the crop.
 *
 * @example Usage
 * ```ts
 * import { uncropMask } from "./uncrop_mask.ts";
 * uncropMask(new Uint8Array([1]), [1, 0, 2, 1], 1, 3); // Uint8Array [0, 1, 0]
 * ```
 */
export function uncropMask(mask: Uint8Array, cropBox: BoxXyxy, origH: number, origW: number): Uint8Array {
  const [x0, y0, x1, y1] = cropBox;
  const cw = x1 - x0;
  const ch = y1 - y0;
  if (mask.length !== cw * ch) {
    throw new RangeError(`Cannot uncrop mask: expected ${ch}×${cw} values, got ${mask.length}`);
  }
  if (x0 === 0 && y0 === 0 && x1 === origW && y1 === origH) return mask;
  const out = new Uint8Array(origH * origW);
  for (let y = 0; y < ch; y++) out.set(mask.subarray(y * cw, (y + 1) * cw), (y + y0) * origW + x0);
  return out;
}
