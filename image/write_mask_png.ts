/**
 * Binary mask → 8-bit greyscale PNG (0 = background, 255 = foreground), written atomically.
 *
 * @module
 */
import sharp from "sharp";
import { SamqError } from "../util/errors.ts";
import { writeFileAtomic } from "../util/fs.ts";

/**
 * Writes a mask as a greyscale PNG (non-zero → 255).
 *
 * @param mask Uint8Array `[h, w]` row-major; any non-zero value is foreground.
 * @param h Mask height.
 * @param w Mask width.
 * @param path Output file; written to a temporary name, then renamed.
 * @throws {SamqError} `invalid_argument` when `mask.length !== h·w` or a size is not positive; `io` when the
 *   file cannot be written.
 *
 * @example Usage
 * ```ts ignore
 * import { writeMaskPng } from "./write_mask_png.ts";
 * await writeMaskPng(new Uint8Array([0, 1, 1, 0]), 2, 2, "mask.png");
 * ```
 */
export async function writeMaskPng(mask: Uint8Array, h: number, w: number, path: string): Promise<void> {
  if (!(Number.isInteger(h) && Number.isInteger(w) && h > 0 && w > 0) || mask.length !== h * w) {
    throw new SamqError(
      "invalid_argument",
      `Cannot write mask "${path}": expected a ${h}x${w} mask with ${h * w} values, got ${mask.length}`,
      { path, field: "mask" },
    );
  }
  const grey = new Uint8Array(mask.length);
  for (let i = 0; i < mask.length; i++) grey[i] = mask[i] !== 0 ? 255 : 0;
  const png = await sharp(grey, { raw: { width: w, height: h, channels: 1 } }).toColourspace("b-w").png()
    .toBuffer();
  await writeFileAtomic(path, new Uint8Array(png.buffer, png.byteOffset, png.byteLength));
}
