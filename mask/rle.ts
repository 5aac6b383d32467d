/**
 * Run-length encoding of binary masks, exactly as pycocotools' `maskApi.c` (`rleEncode` / `rleDecode`).
 *
 * Layout (spec §B3.1): an H×W mask is flattened **column-major** (index = x·H + y); `counts` alternate runs
 * of 0s and 1s and always **start with 0s** (the first count is 0 when pixel (0, 0) is set).
 * Example: a 4×3 mask (H = 4, W = 3) with ones at rows 1-2 of column 1 → counts [5, 2, 5] (string "525");
 * a 2×2 all-ones mask → [0, 4] (string "04").
 *
 * @module
 */
import { SamqError } from "../util/errors.ts";

/** A COCO run-length-encoded mask: `size` = [H, W]; column-major runs, starting with zeros (uint32). */
export interface Rle {
  size: [number, number];
  counts: Uint32Array;
}

function encodeRuns(h: number, w: number, at: (i: number) => number): Rle {
  const n = h * w;
  const runs: number[] = [];
  let p = 0;
  let c = 0;
  for (let i = 0; i < n; i++) {
    const v = at(i) ? 1 : 0;
    if (v !== p) {
      runs.push(c);
      c = 0;
      p = v;
    }
    c++;
  }
  runs.push(c);
  return { size: [h, w], counts: Uint32Array.from(runs) };
}

function checkMask(mask: Uint8Array, h: number, w: number): void {
  if (!Number.isInteger(h) || !Number.isInteger(w) || h < 0 || w < 0 || mask.length !== h * w) {
    throw new SamqError(
      "invalid_argument",
      `Cannot encode mask: length ${mask.length} does not match ${h}×${w}`,
      { field: "mask" },
    );
  }
}

/**
 * Encodes a column-major H×W 0/1 mask (index = x·H + y; any non-zero byte counts as 1).
 * @returns the RLE with `size` [h, w]
 */
export function encodeMaskColumnMajor(mask: Uint8Array, h: number, w: number): Rle {
  checkMask(mask, h, w);
  return encodeRuns(h, w, (i) => mask[i]!);
}

/**
 * Encodes a row-major H×W 0/1 mask (index = y·W + x, what image code produces); the result is identical
 * to pycocotools' `encode` on the Fortran-ordered (transposed) array.
 */
export function encodeMaskRowMajor(mask: Uint8Array, h: number, w: number): Rle {
  checkMask(mask, h, w);
  if (h === 0) return { size: [h, w], counts: Uint32Array.from([0]) };
  // Column-major index i = x·h + y maps to row-major y·w + x; walk columns directly.
  const runs: number[] = [];
  let p = 0;
  let c = 0;
  for (let x = 0; x < w; x++) {
    for (let y = 0, j = x; y < h; y++, j += w) {
      const v = mask[j] ? 1 : 0;
      if (v !== p) {
        runs.push(c);
        c = 0;
        p = v;
      }
      c++;
    }
  }
  runs.push(c);
  return { size: [h, w], counts: Uint32Array.from(runs) };
}

function checkedTotal(rle: Rle): number {
  const [h, w] = rle.size;
  let total = 0;
  for (let i = 0; i < rle.counts.length; i++) total += rle.counts[i]!;
  if (total > h * w) {
    // PP raises ValueError("Invalid RLE mask representation") here.
    throw new SamqError(
      "invalid_argument",
      `Cannot decode RLE: counts sum to ${total}, more than ${h}×${w} pixels`,
      { field: "counts" },
    );
  }
  return total;
}

/** Decodes to a column-major H×W 0/1 mask (index = x·H + y). Pixels past the last run stay 0. */
export function decodeRleColumnMajor(rle: Rle): Uint8Array {
  checkedTotal(rle);
  const [h, w] = rle.size;
  const out = new Uint8Array(h * w);
  let pos = 0;
  for (let i = 0; i < rle.counts.length; i++) {
    const c = rle.counts[i]!;
    if (i & 1) out.fill(1, pos, pos + c);
    pos += c;
  }
  return out;
}

/** Decodes to a row-major H×W 0/1 mask (index = y·W + x). */
export function decodeRleRowMajor(rle: Rle): Uint8Array {
  checkedTotal(rle);
  const [h, w] = rle.size;
  const out = new Uint8Array(h * w);
  let pos = 0;
  for (let i = 0; i < rle.counts.length; i++) {
    const c = rle.counts[i]!;
    if (i & 1) {
      for (let k = pos, end = pos + c; k < end; k++) {
        const x = Math.floor(k / h);
        out[(k - x * h) * w + x] = 1;
      }
    }
    pos += c;
  }
  return out;
}
