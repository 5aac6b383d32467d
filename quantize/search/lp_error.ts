/**
 * L_p reconstruction error, mean over elements: E = (1/n)·Σ |x̂ᵢ − xᵢ|^p (the `lp_loss` of the
 * PTQ4SAM/QDrop observers with reduction over all elements; p = 2.4 there, p = 2 is the MSE).
 *
 * @module
 */
import { check } from "../_layout.ts";

/** Mean |a − b|^p over equal-length arrays (0 for empty arrays). */
export function lpError(a: ArrayLike<number>, b: ArrayLike<number>, p: number): number {
  check(a.length === b.length, "b", `Cannot compare arrays of ${a.length} and ${b.length} elements`);
  check(p > 0, "p", `Cannot use L_p with p = ${p}`);
  if (a.length === 0) return 0;
  let sum = 0;
  if (p === 2) {
    for (let i = 0; i < a.length; i++) {
      const d = a[i]! - b[i]!;
      sum += d * d;
    }
  } else {
    for (let i = 0; i < a.length; i++) sum += Math.abs(a[i]! - b[i]!) ** p;
  }
  return sum / a.length;
}
