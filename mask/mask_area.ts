/**
 * Area of a binary mask: the number of non-zero pixels.
 *
 * @module
 */

/**
 * Counts the non-zero pixels of a mask.
 *
 * @param mask Uint8Array mask (any layout); any non-zero value is foreground.
 * @returns The pixel count.
 *
 * @example Usage
 * ```ts
 * import { maskArea } from "./mask_area.ts";
 * maskArea(new Uint8Array([0, 1, 1, 0, 255])); // 3
 * ```
 */
export function maskArea(mask: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < mask.length; i++) if (mask[i] !== 0) n++;
  return n;
}
