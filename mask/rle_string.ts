/**
 * The compressed COCO RLE string (`rleToString` / `rleFrString`, maskApi.c:237-270, spec §B3.2).
 *
 * Each count x (from the 4th count on, i.e. 0-based index i > 2, the delta x − counts[i − 2], which may be
 * negative) is written in 5-bit groups, least significant first; bit 0x20 of a character means "more
 * groups follow", bit 0x10 of the last group is the sign; each group is emitted as the character
 * code + 48 ('0'…'o'). Example: counts [0, 100, 5, 1000, 2, 70000] ↔ "0T35Tl0MX\S2".
 *
 * @module
 */
import { SamqError } from "../util/errors.ts";
import type { Rle } from "./rle.ts";

/** Encodes RLE counts as the compressed COCO string. */
export function rleToString(rle: Rle): string {
  const cnts = rle.counts;
  const out: number[] = [];
  for (let i = 0; i < cnts.length; i++) {
    let x = cnts[i]!;
    if (i > 2) x -= cnts[i - 2]!;
    let more = true;
    while (more) {
      // x fits in (−2^32, 2^32): use arithmetic, not 32-bit bit operations.
      let c = x - Math.floor(x / 32) * 32;
      x = Math.floor(x / 32);
      more = (c & 0x10) ? x !== -1 : x !== 0;
      if (more) c |= 0x20;
      out.push(c + 48);
    }
  }
  return fromCodes(out);
}

function fromCodes(codes: number[]): string {
  let s = "";
  for (let i = 0; i < codes.length; i += 32768) s += String.fromCharCode(...codes.slice(i, i + 32768));
  return s;
}

/**
 * Decodes a compressed COCO string into an RLE of size [h, w] (the size is not checked against the counts).
 * @throws {SamqError} `invalid_argument` when a character is outside '0'…'o' or the string ends mid-number
 */
export function rleFromString(counts: string, h: number, w: number): Rle {
  const cnts: number[] = [];
  const n = counts.length;
  let p = 0;
  while (p < n) {
    let x = 0;
    let k = 0;
    let more = true;
    while (more) {
      if (p >= n) {
        throw new SamqError(
          "invalid_argument",
          `Cannot decode RLE string: it ends in the middle of a count`,
          {
            field: "counts",
          },
        );
      }
      const c = counts.charCodeAt(p) - 48;
      if (c < 0 || c > 63) {
        throw new SamqError(
          "invalid_argument",
          `Cannot decode RLE string: character ${JSON.stringify(counts[p])} at ${p} is not in '0'…'o'`,
          { field: "counts" },
        );
      }
      x += (c & 0x1f) * 2 ** (5 * k);
      more = (c & 0x20) !== 0;
      p++;
      k++;
      if (!more && (c & 0x10)) x -= 2 ** (5 * k); // sign extension: x |= −1 << 5k
    }
    if (cnts.length > 2) x += cnts[cnts.length - 2]!;
    cnts.push(x >>> 0); // stored as uint32 in C
  }
  return { size: [h, w], counts: Uint32Array.from(cnts) };
}
