/**
 * Typed arrays for the small float constants gradient rules emit (internal).
 *
 * @module
 */
import { SamqError } from "../../util/errors.ts";
import type { DataType, TensorValues } from "../ir/dtype.ts";

/** `values` stored as `dtype` (float32, float64 or float16 bit patterns). */
export function floatValues(values: number[] | Float64Array, dtype: DataType): TensorValues {
  switch (dtype) {
    case "float32":
      return Float32Array.from(values);
    case "float64":
      return Float64Array.from(values);
    case "float16":
      return Uint16Array.from(values, toHalfBits);
    default:
      throw new SamqError("invalid_model", `Cannot build gradient constants of dtype "${dtype}"`);
  }
}

/** IEEE half-precision bits of `v` (round to nearest even; enough for the small constants rules emit). */
function toHalfBits(v: number): number {
  const f32 = new Float32Array([v]);
  const x = new Uint32Array(f32.buffer)[0]!;
  const sign = (x >>> 16) & 0x8000;
  const exp = ((x >>> 23) & 0xff) - 127 + 15;
  let mant = x & 0x7fffff;
  if (exp <= 0) return sign; // underflow to signed zero (rules emit no subnormal constants)
  if (exp >= 31) return sign | 0x7c00;
  const round = mant & 0x1fff;
  mant >>>= 13;
  if (round > 0x1000 || (round === 0x1000 && (mant & 1) === 1)) mant++;
  return (sign | (exp << 10)) + mant;
}
