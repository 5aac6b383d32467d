/**
 * Bit settings, the one definition every layer uses: `wXaY` (X-bit weights, Y-bit activations, each in
 * {@link BIT_WIDTHS}), e.g. `w8a8`, `w4a4`, mixed `w4a8`, and the float setting {@link FLOAT_BITS}.
 *
 * Text is case-insensitive and normalized to lower case (`W4A8` → `w4a8`), the form records, config
 * files and `quant.json` (`bitsLabel`) store; tables print it upper case ({@link formatBits}). The range
 * is the quantizers' (2–8): a config asking for `w10a10` is refused where it is read, not when
 * quantization reaches the emitter.
 *
 * @module
 */
import { SamqError } from "./errors.ts";

/** Bit widths samq quantizes to (weights and activations alike). */
export const BIT_WIDTHS = [2, 3, 4, 5, 6, 7, 8] as const;
/** One of {@link BIT_WIDTHS}. */
export type BitWidth = typeof BIT_WIDTHS[number];

/** Weight and activation bit widths (`wXaY`). */
export interface BitWidths {
  w: BitWidth;
  a: BitWidth;
}

/** The float (unquantized) setting as records, configs and tables name it. */
export const FLOAT_BITS = "fp32";

/** Whether `v` is one of {@link BIT_WIDTHS}. */
export function isBitWidth(v: unknown): v is BitWidth {
  return (BIT_WIDTHS as readonly unknown[]).includes(v);
}

/**
 * Parses `wXaY` (case-insensitive, surrounding blanks ignored).
 *
 * @param text The setting, e.g. "W4A8".
 * @param field JSON pointer, flag or option named by the error.
 * @returns The widths.
 * @throws {SamqError} `invalid_argument` naming `field` for another form or a width outside
 *   {@link BIT_WIDTHS}.
 *
 * @example Usage
 * ```ts
 * import { parseBits } from "./bits.ts";
 * parseBits("W4A8"); // { w: 4, a: 8 }
 * ```
 */
export function parseBits(text: string, field = "bits"): BitWidths {
  const m = /^w(\d+)a(\d+)$/i.exec(text.trim());
  const w = m ? Number(m[1]) : NaN;
  const a = m ? Number(m[2]) : NaN;
  if (!isBitWidth(w) || !isBitWidth(a)) {
    throw new SamqError(
      "invalid_argument",
      `Cannot use bit widths "${text}": expected wXaY with X and Y in ${BIT_WIDTHS[0]}–${
        BIT_WIDTHS[BIT_WIDTHS.length - 1]
      }, e.g. "w8a8", "w4a4" or "w4a8"`,
      { field },
    );
  }
  return { w, a };
}

/**
 * The normalized label of widths: `{ w: 4, a: 8 }` → "w4a8".
 *
 * @example Usage
 * ```ts
 * import { bitsLabel } from "./bits.ts";
 * bitsLabel({ w: 4, a: 8 }); // "w4a8"
 * ```
 */
export function bitsLabel(bits: BitWidths): string {
  return `w${bits.w}a${bits.a}`;
}

/**
 * Table label: "FP32" or "W4A4".
 *
 * @param label A normalized label ({@link FLOAT_BITS} or `wXaY`).
 */
export function formatBits(label: string): string {
  return label.toUpperCase();
}

/** Sort order of labels: `fp32` first, then descending weight bits, then descending activation bits, then name. */
export function compareBits(x: string, y: string): number {
  const rank = (s: string): [number, number] => {
    if (s === FLOAT_BITS) return [1000, 1000];
    const m = /^w(\d+)a(\d+)$/.exec(s);
    return m ? [Number(m[1]), Number(m[2])] : [-1, -1];
  };
  const [xw, xa] = rank(x);
  const [yw, ya] = rank(y);
  return yw - xw || ya - xa || (x < y ? -1 : x > y ? 1 : 0);
}
