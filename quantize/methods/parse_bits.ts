/**
 * Bit-width strings `wXaY` (X = weight bits, Y = activation bits, each 2–8): `w8a8`, `w6a6`, `w4a4`,
 * `w2a2`, and mixed forms such as `w4a8`.
 *
 * @module
 */
import { SamqError } from "../../util/errors.ts";
import { BIT_WIDTHS, type BitWidth } from "../quantizers/quantizer_params.ts";
import type { BitWidths } from "./types.ts";

/**
 * Parses `wXaY`.
 *
 * @throws {SamqError} `invalid_argument` (field "bits") for another form or a width outside 2–8.
 *
 * @example Usage
 * ```ts
 * import { parseBits } from "./parse_bits.ts";
 * parseBits("w4a8"); // { w: 4, a: 8 }
 * ```
 */
export function parseBits(text: string): BitWidths {
  const m = /^w(\d+)a(\d+)$/i.exec(text.trim());
  const ok = (v: number) => (BIT_WIDTHS as readonly number[]).includes(v);
  if (m === null || !ok(Number(m[1])) || !ok(Number(m[2]))) {
    throw new SamqError(
      "invalid_argument",
      `Cannot use bit widths "${text}": expected wXaY with X, Y in ${BIT_WIDTHS[0]}–${
        BIT_WIDTHS[BIT_WIDTHS.length - 1]
      } (e.g. w8a8, w6a6, w4a4, w2a2)`,
      { field: "bits" },
    );
  }
  return { w: Number(m[1]) as BitWidth, a: Number(m[2]) as BitWidth };
}
