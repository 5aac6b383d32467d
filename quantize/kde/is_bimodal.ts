/**
 * PTQ4SAM's BIG bimodality test (spec §4.2, `LSQSignFakeQuantize.judge_bimodal`): fit a Gaussian KDE
 * (Scott) to the flattened values, evaluate it on 128 equispaced points from min to max (numpy
 * `linspace`), find peaks with height ≥ 0.01·Σy and distance 32 samples; bimodal iff exactly 2 peaks.
 *
 * @module
 */
import { check } from "../_layout.ts";
import { findPeaks } from "./find_peaks.ts";
import { gaussianKde } from "./gaussian_kde.ts";

/** Options of {@link isBimodal}. */
export interface BimodalOptions {
  /** Evaluation points (`global_num`). @default 128 */
  points?: number;
  /** Peak height as a fraction of Σy (`peak_height`). @default 0.01 */
  heightFraction?: number;
  /** Minimum peak separation in samples (`peak_distance`). @default 32 */
  distance?: number;
}

/** Defaults of {@link BimodalOptions}. */
export const BIMODAL_DEFAULTS = Object.freeze({ points: 128, heightFraction: 0.01, distance: 32 });

/** Verdict and the curve it came from. */
export interface BimodalResult {
  bimodal: boolean;
  /** Peak indices into `x`/`y`. */
  peaks: number[];
  x: Float64Array;
  y: Float64Array;
}

/** Tests `data` (≥ 2 values, not all equal) for bimodality. */
export function isBimodal(data: ArrayLike<number>, options: BimodalOptions = {}): BimodalResult {
  const o = { ...BIMODAL_DEFAULTS, ...options };
  check(Number.isInteger(o.points) && o.points >= 3, "points", `Cannot use ${o.points} points`);
  let lo = Infinity, hi = -Infinity;
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const x = new Float64Array(o.points);
  const step = (hi - lo) / (o.points - 1);
  for (let k = 0; k < o.points; k++) x[k] = lo + k * step;
  x[o.points - 1] = hi;
  const y = gaussianKde(data, x).density;
  let sum = 0;
  for (const v of y) sum += v;
  const peaks = findPeaks(y, { height: o.heightFraction * sum, distance: o.distance });
  return { bimodal: peaks.length === 2, peaks, x, y };
}
