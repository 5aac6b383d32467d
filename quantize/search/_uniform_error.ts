/**
 * Internal: L_p error of the uniform quantizer (Δ, z, [qmin, qmax]) on a set of values, computed in
 * float64 with the samq rounding rule (round half up, ⌊u + 0.5⌋). Not re-exported.
 *
 * @module
 */

/** Mean |Δ·(clamp(⌊x/Δ + 0.5⌋ + z, qmin, qmax) − z) − x|^p over `values`. */
export function uniformLpError(
  values: ArrayLike<number>,
  scale: number,
  zeroPoint: number,
  qmin: number,
  qmax: number,
  p: number,
): number {
  const n = values.length;
  if (n === 0) return 0;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const x = values[i]!;
    const q = Math.min(Math.max(Math.floor(x / scale + 0.5) + zeroPoint, qmin), qmax);
    const d = Math.abs(scale * (q - zeroPoint) - x);
    sum += p === 2 ? d * d : d ** p;
  }
  return sum / n;
}
