/**
 * `annToRLE` (coco.py:413-432, spec §B2.2 and §B3.3): a COCO `segmentation` of any of the three formats
 * to one RLE.
 *
 * - polygon list [[x1, y1, ...], ...] → each part rasterised with `rleFromPolygon` on the image's h×w,
 *   then the union;
 * - uncompressed RLE {size: [h, w], counts: number[]} → counts kept verbatim as uint32 (zero-length runs
 *   survive) with the object's own `size`;
 * - compressed RLE {size: [h, w], counts: string} → decoded as is, with the object's own `size`.
 *
 * As in pycocotools 2.0.11, a polygon list whose first part has exactly 4 numbers is rejected (pycocotools
 * sends it to `frBbox` and raises `TypeError`), and so is an empty polygon list (`IndexError`).
 *
 * @module
 */
import { SamqError } from "../util/errors.ts";
import type { Rle } from "./rle.ts";
import { rleFromPolygons } from "./fr_poly.ts";
import { rleFromString } from "./rle_string.ts";

/** The three COCO segmentation formats. */
export type Segmentation =
  | number[][]
  | { size: [number, number]; counts: number[] }
  | { size: [number, number]; counts: string };

function bad(message: string): never {
  throw new SamqError("invalid_argument", message, { field: "segmentation" });
}

/**
 * Converts a COCO `segmentation` (polygons, uncompressed or compressed RLE) to an RLE; `h`, `w` are the
 * image's height and width (used for polygons only).
 * @throws {SamqError} `invalid_argument` (field "segmentation") for a malformed segmentation
 */
export function annToRle(segmentation: unknown, h: number, w: number): Rle {
  if (Array.isArray(segmentation)) {
    if (segmentation.length === 0) bad("Cannot rasterise segmentation: the polygon list is empty");
    const first = segmentation[0];
    if (Array.isArray(first) && first.length === 4) {
      bad("Cannot rasterise segmentation: a polygon with 4 numbers (2 vertices) is rejected by pycocotools");
    }
    for (const p of segmentation) {
      if (!Array.isArray(p) || !p.every((v) => typeof v === "number" && Number.isFinite(v))) {
        bad("Cannot rasterise segmentation: a polygon is not a list of finite numbers");
      }
    }
    return rleFromPolygons(segmentation as number[][], h, w);
  }
  if (segmentation === null || typeof segmentation !== "object") {
    bad("Cannot read segmentation: it is neither a polygon list nor an RLE object");
  }
  const o = segmentation as { size?: unknown; counts?: unknown };
  const size = o.size;
  if (
    !Array.isArray(size) || size.length !== 2 ||
    !size.every((v) => typeof v === "number" && Number.isInteger(v) && v >= 0)
  ) {
    bad('Cannot read RLE segmentation: field "size" must be [height, width]');
  }
  const [rh, rw] = size as [number, number];
  if (typeof o.counts === "string") return rleFromString(o.counts, rh, rw);
  if (Array.isArray(o.counts)) {
    if (!o.counts.every((v) => typeof v === "number" && Number.isInteger(v) && v >= 0)) {
      bad('Cannot read RLE segmentation: field "counts" must hold non-negative integers');
    }
    return { size: [rh, rw], counts: Uint32Array.from(o.counts as number[]) };
  }
  return bad('Cannot read RLE segmentation: field "counts" must be a string or a list of integers');
}
