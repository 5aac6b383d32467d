/**
 * Internal: reads the first channel of a mask or instance-id image (8- or 16-bit) with sharp.
 *
 * @module
 */
import sharp from "sharp";
import { SamqError } from "../util/errors.ts";

/** The first channel of an image, row-major. */
export interface LabelImage {
  data: Uint8Array | Uint16Array;
  h: number;
  w: number;
}

/** Decodes `path`'s first channel without colour conversion. */
export async function readLabelPng(path: string): Promise<LabelImage> {
  try {
    const img = sharp(await Deno.readFile(path), { failOn: "error" });
    const meta = await img.metadata();
    const depth = meta.depth === "ushort" ? "ushort" : "uchar";
    const { data, info } = await img.extractChannel(0).raw({ depth }).toBuffer({ resolveWithObject: true });
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    const values = depth === "ushort" ? new Uint16Array(bytes.slice().buffer) : bytes.slice();
    return { data: values, h: info.height, w: info.width };
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) {
      throw new SamqError("not_found", `Cannot read mask "${path}": file does not exist`, { path, cause: e });
    }
    throw new SamqError("invalid_dataset", `Cannot decode mask "${path}": ${(e as Error).message}`, {
      path,
      cause: e,
    });
  }
}
