/**
 * Bounded scalar minimisation: Brent's method (golden-section steps with parabolic interpolation) on
 * [lo, hi], step for step as `scipy.optimize.minimize_scalar(method="bounded")` (`fminbound`), which
 * PTQ4SAM's AGQ uses to search the log quantizer's scale s (spec §4.3).
 *
 * Termination: |x − m| ≤ 2·tol1 − (b − a)/2 with tol1 = √ε·|x| + xatol/3, or `maxEvaluations` reached.
 *
 * @module
 */
import { check } from "../_layout.ts";

/** Options of {@link minimizeScalarBounded}. */
export interface BoundedMinimizeOptions {
  /** Absolute x tolerance (scipy `xatol`). @default 1e-5 */
  xatol?: number;
  /** Maximum function evaluations (scipy `maxiter`). @default 500 */
  maxEvaluations?: number;
}

/** Defaults of {@link BoundedMinimizeOptions}. */
export const BOUNDED_MINIMIZE_DEFAULTS = Object.freeze({ xatol: 1e-5, maxEvaluations: 500 });

/** Result of {@link minimizeScalarBounded}. */
export interface BoundedMinimum {
  x: number;
  fx: number;
  evaluations: number;
  /** False when `maxEvaluations` stopped the search. */
  converged: boolean;
}

const SQRT_EPS = Math.sqrt(2.220446049250313e-16);
const GOLDEN = 0.5 * (3 - Math.sqrt(5));

/** Minimises `f` over [lo, hi] (lo < hi, both finite). */
export function minimizeScalarBounded(
  f: (x: number) => number,
  lo: number,
  hi: number,
  options: BoundedMinimizeOptions = {},
): BoundedMinimum {
  const { xatol, maxEvaluations } = { ...BOUNDED_MINIMIZE_DEFAULTS, ...options };
  check(Number.isFinite(lo) && Number.isFinite(hi) && lo < hi, "bounds", `Cannot search [${lo}, ${hi}]`);
  let a = lo, b = hi;
  let fulc = a + GOLDEN * (b - a);
  let nfc = fulc, xf = fulc;
  let rat = 0, e = 0;
  let fx = f(xf);
  let num = 1;
  let ffulc = fx, fnfc = fx;
  let xm = 0.5 * (a + b);
  let tol1 = SQRT_EPS * Math.abs(xf) + xatol / 3;
  let tol2 = 2 * tol1;
  let converged = true;
  while (Math.abs(xf - xm) > tol2 - 0.5 * (b - a)) {
    let golden = true;
    if (Math.abs(e) > tol1) {
      golden = false;
      let r = (xf - nfc) * (fx - ffulc);
      let q = (xf - fulc) * (fx - fnfc);
      let p = (xf - fulc) * q - (xf - nfc) * r;
      q = 2 * (q - r);
      if (q > 0) p = -p;
      q = Math.abs(q);
      r = e;
      e = rat;
      if (Math.abs(p) < Math.abs(0.5 * q * r) && p > q * (a - xf) && p < q * (b - xf)) {
        rat = p / q;
        const x = xf + rat;
        if (x - a < tol2 || b - x < tol2) rat = tol1 * (Math.sign(xm - xf) + (xm - xf === 0 ? 1 : 0));
      } else {
        golden = true;
      }
    }
    if (golden) {
      e = xf >= xm ? a - xf : b - xf;
      rat = GOLDEN * e;
    }
    const si = Math.sign(rat) + (rat === 0 ? 1 : 0);
    const x = xf + si * Math.max(Math.abs(rat), tol1);
    const fu = f(x);
    num++;
    if (fu <= fx) {
      if (x >= xf) a = xf;
      else b = xf;
      fulc = nfc, ffulc = fnfc;
      nfc = xf, fnfc = fx;
      xf = x, fx = fu;
    } else {
      if (x < xf) a = x;
      else b = x;
      if (fu <= fnfc || nfc === xf) {
        fulc = nfc, ffulc = fnfc;
        nfc = x, fnfc = fu;
      } else if (fu <= ffulc || fulc === xf || fulc === nfc) {
        fulc = x, ffulc = fu;
      }
    }
    xm = 0.5 * (a + b);
    tol1 = SQRT_EPS * Math.abs(xf) + xatol / 3;
    tol2 = 2 * tol1;
    if (num >= maxEvaluations) {
      converged = false;
      break;
    }
  }
  return { x: xf, fx, evaluations: num, converged };
}
