/**
 * PQ-SAM OHC stage 1 (spec §3.2, §3.3 C): the tensor-wise IQR fence
 *
 *     T = [Q1 − λ·IQR, Q3 + λ·IQR],   IQR = Q3 − Q1,
 *
 * over all values of the activation tensor (tokens × channels). λ = 10 is the paper's best value
 * [REBUTTAL]; the third-party re-implementation uses 1.5. Quantiles use numpy's linear interpolation.
 *
 * @module
 */
import { check } from "../_layout.ts";
import { quantiles } from "../stats/quantile.ts";

/** The IQR fence and the quartiles it came from. */
export interface IqrFence {
  q1: number;
  q3: number;
  /** Q1 − λ·IQR */
  lo: number;
  /** Q3 + λ·IQR */
  hi: number;
}

/** Options of {@link iqrFence}. */
export interface IqrFenceOptions {
  /** IQR multiplier λ (spec §3.1, Table 7a). @default 10 */
  lambda?: number;
}

/** Defaults of {@link IqrFenceOptions}. */
export const IQR_FENCE_DEFAULTS = Object.freeze({ lambda: 10 });

/** Computes the IQR fence of `values` (non-empty). */
export function iqrFence(values: ArrayLike<number>, options: IqrFenceOptions = {}): IqrFence {
  const lambda = options.lambda ?? IQR_FENCE_DEFAULTS.lambda;
  check(Number.isFinite(lambda) && lambda >= 0, "lambda", `Cannot use lambda ${lambda}: it must be >= 0`);
  const [q1, q3] = quantiles(values, [0.25, 0.75]) as [number, number];
  const iqr = q3 - q1;
  return { q1, q3, lo: q1 - lambda * iqr, hi: q3 + lambda * iqr };
}
