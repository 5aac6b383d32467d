/**
 * L_p (MSE) range search for a uniform quantizer, as the MSE observers of QDrop/PTQ4SAM (spec §4.1).
 *
 * - `"shrink"` (1-D, default): candidates (min·f_i, max·f_i) with f_i = 1 − i·step, i = 0 … candidates − 1;
 *   each candidate is turned into (Δ, z) by the observer rule (`uniform_params_from_range.ts`) and scored.
 * - `"zero-point"` (2-D, asymmetric only): Δ_i = (max − min)·i/(candidates·(2^b − 1)), i = 1 … candidates,
 *   times every integer zero-point z ∈ [0, 2^b − 1]. Cost: candidates · 2^b · n quantizations.
 *
 * Score: E = mean |x̂ − x|^p with p = 2.4 by default (PTQ4SAM's `lp_loss`). Ties keep the earlier
 * (wider) candidate. Rounding inside the scoring is round-half-up.
 *
 * @module
 */
import { check } from "../_layout.ts";
import type { BitWidth } from "../quantizers/quantizer_params.ts";
import { UNIFORM_RANGE_DEFAULTS, uniformParamsFromRange } from "../quantizers/uniform_params_from_range.ts";
import { uniformQRange } from "../quantizers/uniform_qrange.ts";
import { uniformLpError } from "./_uniform_error.ts";

/** Range search grids of {@link lpRangeSearch}. */
export const LP_SEARCH_GRIDS = ["shrink", "zero-point"] as const;
/** One of {@link LP_SEARCH_GRIDS}. */
export type LpSearchGrid = typeof LP_SEARCH_GRIDS[number];

/** Options of {@link lpRangeSearch}. */
export interface LpRangeSearchOptions {
  /** Bit width b. */
  bits: BitWidth;
  /** Symmetric quantizer. @default false */
  symmetric?: boolean;
  /** Exponent p of the L_p error. @default 2.4 */
  p?: number;
  /** Number of range candidates. @default 100 */
  candidates?: number;
  /** Shrink step of the `"shrink"` grid. @default 0.01 */
  step?: number;
  /** Search grid. @default "shrink" */
  grid?: LpSearchGrid;
}

/** Defaults of {@link LpRangeSearchOptions}. */
export const LP_RANGE_SEARCH_DEFAULTS = Object.freeze({
  symmetric: false,
  p: 2.4,
  candidates: 100,
  step: 0.01,
  grid: "shrink" as LpSearchGrid,
});

/** Best candidate of {@link lpRangeSearch}. */
export interface LpRangeResult {
  /** Range whose observer-rule parameters are (scale, zeroPoint). */
  min: number;
  max: number;
  /** Step Δ (float32-representable). */
  scale: number;
  /** Integer zero-point. */
  zeroPoint: number;
  /** Mean L_p error of the best candidate on `values`. */
  error: number;
}

/** Searches the range of one tensor or channel `values` whose observed extremes are `min`, `max`. */
export function lpRangeSearch(
  values: ArrayLike<number>,
  min: number,
  max: number,
  options: LpRangeSearchOptions,
): LpRangeResult {
  const o = { ...LP_RANGE_SEARCH_DEFAULTS, ...options };
  check(
    Number.isInteger(o.candidates) && o.candidates >= 1,
    "candidates",
    "candidates must be an integer >= 1",
  );
  check(o.step > 0, "step", "step must be > 0");
  check((LP_SEARCH_GRIDS as readonly string[]).includes(o.grid), "grid", `Unknown grid "${o.grid}"`);
  const { qmin, qmax } = uniformQRange(o.bits, o.symmetric);
  let best: LpRangeResult | undefined;
  const consider = (lo: number, hi: number, scale: number, zeroPoint: number) => {
    const error = uniformLpError(values, scale, zeroPoint, qmin, qmax, o.p);
    if (best === undefined || error < best.error) best = { min: lo, max: hi, scale, zeroPoint, error };
  };
  if (o.grid === "zero-point") {
    check(!o.symmetric, "grid", 'The "zero-point" grid needs an asymmetric quantizer');
    const lo0 = Math.min(min, 0);
    const hi0 = Math.max(max, 0);
    for (let i = 1; i <= o.candidates; i++) {
      const scale = Math.fround(
        Math.max(((hi0 - lo0) * i) / (o.candidates * (qmax - qmin)), UNIFORM_RANGE_DEFAULTS.minScale),
      );
      for (let z = qmin; z <= qmax; z++) consider(-z * scale, (qmax - z) * scale, scale, z);
    }
  } else {
    for (let i = 0; i < o.candidates; i++) {
      const factor = 1 - i * o.step;
      if (factor <= 0) break;
      const lo = min * factor;
      const hi = max * factor;
      const prm = uniformParamsFromRange([lo], [hi], { bits: o.bits, symmetric: o.symmetric });
      consider(lo, hi, prm.scale[0]!, prm.zeroPoint[0]!);
    }
  }
  return best!;
}
