/**
 * Cuts a crop out of an HWC image (spec §A3.2 step 3: rows [y0, y1), columns [x0, x1)).
 *
 * @module
 */
import type { BoxXyxy } from "./generate_crop_boxes.ts";

/**
 * Copies the crop of an HWC uint8 image.
 *
 * @param data h×w×channels interleaved pixels (HWC).
 * @param dims Image size and channel count.
 * @param cropBox The crop [x0, y0, x1, y1] (exclusive ends, inside the image).
 * @returns The crop as (y1 − y0)×(x1 − x0)×channels HWC.
 *
 * @example Usage
 * ```ts
 * import { cropImageHwc } from "./crop_image_hwc.ts";
 * cropImageHwc(new Uint8Array([1, 2, 3, 4]), { h: 2, w: 2, channels: 1 }, [1, 0, 2, 2]); // [2, 4]
 * ```
 */
export function cropImageHwc(
  data: Uint8Array,
  dims: { h: number; w: number; channels: number },
  cropBox: BoxXyxy,
): Uint8Array {
  const { h, w, channels } = dims;
  const [x0, y0, x1, y1] = cropBox;
  if (!(0 <= x0 && x0 < x1 && x1 <= w && 0 <= y0 && y0 < y1 && y1 <= h) || data.length !== h * w * channels) {
    throw new RangeError(`Cannot crop image: box [${cropBox.join(", ")}] does not fit ${h}×${w}×${channels}`);
  }
  const cw = x1 - x0;
  const out = new Uint8Array((y1 - y0) * cw * channels);
  for (let y = y0; y < y1; y++) {
    out.set(data.subarray((y * w + x0) * channels, (y * w + x1) * channels), (y - y0) * cw * channels);
  }
  return out;
}
