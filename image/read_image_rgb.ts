/**
 * Image decoding at the I/O edge (uses sharp): any format sharp reads → 8-bit RGB, HWC, as SAM's predictor
 * receives it from `PIL.Image.open(path).convert("RGB")` or `cv2.imread` + BGR→RGB.
 *
 * Choices made to match the Python reference:
 * - **No EXIF rotation.** The official predictor and its notebooks do not call `ImageOps.exif_transpose`, so the
 *   stored pixel grid is used as is (COCO annotations are in that grid too).
 * - **No ICC colour management** (`ignoreIcc`): PIL does not apply embedded profiles on `convert("RGB")`.
 * - Alpha is dropped (not composited), grey and palette images are expanded to RGB.
 * - Truncated or erroneous data fails (like PIL without `LOAD_TRUNCATED_IMAGES`); decoder warnings do not.
 * Known divergences: CMYK JPEGs (sharp converts through its CMYK profile, PIL inverts naively) and 16-bit
 * images (sharp scales to 8 bits, PIL clips) can give different pixels.
 *
 * @module
 */
import sharp, { type OutputInfo } from "sharp";
import { SamqError } from "../util/errors.ts";

/** A decoded 8-bit RGB image. */
export interface RgbImage {
  /** Uint8Array `[h, w, 3]`, HWC, RGB. */
  data: Uint8Array;
  /** Height in pixels. */
  h: number;
  /** Width in pixels. */
  w: number;
}

/**
 * Reads an image file into 8-bit RGB (HWC), without EXIF rotation or ICC conversion.
 *
 * @param path Image file (JPEG, PNG, WebP, TIFF, GIF first frame, … as supported by sharp).
 * @returns `{data, h, w}` with `data` Uint8Array `[h, w, 3]`.
 * @throws {SamqError} `not_found` when the file does not exist; `invalid_image` when it cannot be decoded,
 *   is corrupt or truncated, or has zero size; `io` for other read failures.
 *
 * @example Usage
 * ```ts ignore
 * import { readImageRgb } from "./read_image_rgb.ts";
 * const { data, h, w } = await readImageRgb("image.jpg");
 * ```
 */
export async function readImageRgb(path: string): Promise<RgbImage> {
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) {
      throw new SamqError("not_found", `Cannot read image "${path}": file does not exist`, {
        path,
        cause: e,
      });
    }
    throw new SamqError("io", `Cannot read image "${path}": ${(e as Error).message}`, { path, cause: e });
  }
  if (bytes.length === 0) {
    throw new SamqError("invalid_image", `Cannot decode image "${path}": file is empty`, { path });
  }
  let decoded: { data: Uint8Array; info: OutputInfo };
  try {
    decoded = await sharp(bytes, { ignoreIcc: true, failOn: "error", autoOrient: false })
      .removeAlpha()
      .toColourspace("srgb")
      .raw({ depth: "uchar" })
      .toBuffer({ resolveWithObject: true });
  } catch (e) {
    throw new SamqError("invalid_image", `Cannot decode image "${path}": ${(e as Error).message}`, {
      path,
      cause: e,
    });
  }
  const { width: w, height: h, channels } = decoded.info;
  if (w <= 0 || h <= 0) {
    throw new SamqError("invalid_image", `Cannot decode image "${path}": image has zero size ${h}x${w}`, {
      path,
    });
  }
  const src = new Uint8Array(decoded.data.buffer, decoded.data.byteOffset, decoded.data.byteLength);
  if (channels === 3) return { data: src.slice(), h, w };
  // Defensive: sharp should always give 3 channels after toColourspace("srgb") + removeAlpha.
  const data = new Uint8Array(h * w * 3);
  for (let i = 0; i < h * w; i++) {
    for (let c = 0; c < 3; c++) data[i * 3 + c] = src[i * channels + (channels >= 3 ? c : 0)]!;
  }
  return { data, h, w };
}
