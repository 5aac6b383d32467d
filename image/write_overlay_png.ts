/**
 * Overlay of masks and prompts on an image, encoded as PNG and written atomically (I/O edge; the drawing is
 * `renderOverlay`).
 *
 * @module
 */
import sharp from "sharp";
import { writeFileAtomic } from "../util/fs.ts";
import { type OverlayMask, type OverlayOptions, renderOverlay } from "./render_overlay.ts";

/**
 * Draws masks (translucent fill + contour), boxes and points over an RGB image and writes a PNG.
 *
 * @param rgb Uint8Array `[h, w, 3]` HWC RGB.
 * @param h Image height.
 * @param w Image width.
 * @param masks Masks with colours, each Uint8Array `[h, w]` row-major.
 * @param path Output PNG file; written to a temporary name, then renamed.
 * @param options Points, boxes and style, see `OverlayOptions`.
 * @throws {SamqError} `invalid_argument` for wrong array sizes; `io` when the file cannot be written.
 *
 * @example Usage
 * ```ts ignore
 * import { writeOverlayPng } from "./write_overlay_png.ts";
 * await writeOverlayPng(rgb, h, w, [{ mask, color: [30, 144, 255] }], "overlay.png", {
 *   points: [{ x: 320, y: 240, label: 1 }],
 * });
 * ```
 */
export async function writeOverlayPng(
  rgb: Uint8Array,
  h: number,
  w: number,
  masks: readonly OverlayMask[],
  path: string,
  options: OverlayOptions = {},
): Promise<void> {
  const drawn = renderOverlay(rgb, h, w, masks, options);
  const png = await sharp(drawn, { raw: { width: w, height: h, channels: 3 } }).png().toBuffer();
  await writeFileAtomic(path, new Uint8Array(png.buffer, png.byteOffset, png.byteLength));
}
