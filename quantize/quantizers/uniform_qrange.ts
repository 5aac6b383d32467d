/**
 * Integer code range of the uniform quantizer.
 *
 * | variant    | qmin      | qmax        | levels |
 * |------------|-----------|-------------|--------|
 * | asymmetric | 0         | 2^b − 1     | 2^b    |
 * | symmetric  | −2^{b−1}  | 2^{b−1} − 1 | 2^b    |
 *
 * @module
 */

/** Integer code range {qmin, qmax} for `bits` (2–8) and symmetry. */
export function uniformQRange(bits: number, symmetric: boolean): { qmin: number; qmax: number } {
  return symmetric
    ? { qmin: -(2 ** (bits - 1)), qmax: 2 ** (bits - 1) - 1 }
    : { qmin: 0, qmax: 2 ** bits - 1 };
}
