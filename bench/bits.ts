/**
 * Bit settings `wXaY` (X-bit weights, Y-bit activations), e.g. `w4a4`, and the float setting `fp32`.
 *
 * Names are normalized to lower case (`W4A4` → `w4a4`); tables print them upper case. Order for tables
 * and charts: float first, then more bits before fewer (weights, then activations).
 *
 * @module
 */
import { SamqError } from "../util/errors.ts";
import { BIT_WIDTHS } from "../quantize/quantizers/quantizer_params.ts";

/** The float (unquantized) setting as it appears in records. */
export const FLOAT_BITS = "fp32";

/**
 * Smallest and largest bit width a config may ask for: the quantizers' range, so that a config is refused
 * before the run starts rather than at its first quantization job.
 */
export const BITS_RANGE: readonly [number, number] = [BIT_WIDTHS[0], BIT_WIDTHS[BIT_WIDTHS.length - 1]!];

/** A parsed `wXaY` setting. */
export interface BitSetting {
  /** Normalized name, e.g. "w4a4". */
  name: string;
  /** Weight bits. */
  w: number;
  /** Activation bits. */
  a: number;
}

/**
 * Parses `wXaY` (case-insensitive).
 *
 * @param text The setting, e.g. "W6A6".
 * @param field JSON pointer or flag for the error.
 * @returns The normalized setting.
 * @throws {SamqError} `invalid_argument` naming `field` for anything else or widths outside {@link BITS_RANGE}.
 *
 * @example Usage
 * ```ts
 * import { parseBits } from "./bits.ts";
 * parseBits("W4A8"); // { name: "w4a8", w: 4, a: 8 }
 * ```
 */
export function parseBits(text: string, field = "bits"): BitSetting {
  const m = /^w(\d+)a(\d+)$/i.exec(text.trim());
  const [lo, hi] = BITS_RANGE;
  const w = m ? Number(m[1]) : NaN;
  const a = m ? Number(m[2]) : NaN;
  if (!(w >= lo && w <= hi && a >= lo && a <= hi)) {
    throw new SamqError(
      "invalid_argument",
      `Cannot parse bit setting "${text}": expected wXaY with X and Y in ${lo}..${hi}, e.g. "w4a4"`,
      { field },
    );
  }
  return { name: `w${w}a${a}`, w, a };
}

/** Table label: "FP32" or "W4A4". */
export function formatBits(name: string): string {
  return name.toUpperCase();
}

/** Sort order: `fp32` first, then descending weight bits, then descending activation bits, then name. */
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
