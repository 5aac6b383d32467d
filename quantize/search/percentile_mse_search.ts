/**
 * RepQ-ViT's percentile-MSE search (spec §5): for each candidate percentile p (default {0.999, 0.9999,
 * 0.99999}) build a quantizer from the quantiles, score it by the mean squared error on the data, keep
 * the best.
 *
 * - uniform: range [Q_{1−p}, Q_p]; Δ = (max − min)/(2^b − 1), z = −⌊min/Δ⌉ (RepQ-ViT does not widen to 0
 *   or clamp z; options `includeZero`, `clampZeroPoint` switch to the observer rule of spec §1);
 *   per-channel along `axis` picks the best percentile for each channel independently;
 * - log (τ = 2 is RepQ-ViT's log√2): s = Q_p of the data (per-tensor only).
 *
 * Quantiles: numpy linear interpolation; rounding: half up; error exponent `p` (2 = MSE, as RepQ-ViT).
 *
 * @module
 */
import { channelLayout, check } from "../_layout.ts";
import { fakeQuant } from "../quantizers/fake_quant.ts";
import type { BitWidth, QuantizerParams } from "../quantizers/quantizer_params.ts";
import { uniformParamsFromRange } from "../quantizers/uniform_params_from_range.ts";
import { uniformQRange } from "../quantizers/uniform_qrange.ts";
import { quantileSorted } from "../stats/quantile_sorted.ts";
import { uniformLpError } from "./_uniform_error.ts";
import { lpError } from "./lp_error.ts";

/** The quantizer family searched by {@link percentileMseSearch}. */
export type PercentileSearchQuantizer =
  | { kind: "uniform"; bits: BitWidth; symmetric?: boolean; axis?: number }
  | { kind: "log"; bits: BitWidth; tau: number };

/** Options of {@link percentileMseSearch}. */
export interface PercentileMseSearchOptions {
  /** Candidate percentiles p. @default [0.999, 0.9999, 0.99999] */
  percentiles?: readonly number[];
  /** Error exponent. @default 2 */
  p?: number;
  /** Widen the uniform range to include 0. @default false */
  includeZero?: boolean;
  /** Clamp the uniform zero-point into [0, 2^b − 1]. @default false */
  clampZeroPoint?: boolean;
}

/** Defaults of {@link PercentileMseSearchOptions}. */
export const PERCENTILE_MSE_DEFAULTS = Object.freeze({
  percentiles: Object.freeze([0.999, 0.9999, 0.99999]) as readonly number[],
  p: 2,
  includeZero: false,
  clampZeroPoint: false,
});

/** Result of {@link percentileMseSearch}. */
export interface PercentileMseResult {
  params: QuantizerParams;
  /** Chosen percentile per channel (length 1 per-tensor). */
  percentile: Float64Array;
  /** Error of the chosen candidate per channel. */
  error: Float64Array;
}

/** Searches quantizer parameters for `values` (float32, row-major `shape`). */
export function percentileMseSearch(
  values: Float32Array,
  shape: readonly number[],
  quantizer: PercentileSearchQuantizer,
  options: PercentileMseSearchOptions = {},
): PercentileMseResult {
  const o = { ...PERCENTILE_MSE_DEFAULTS, ...options };
  check(
    o.percentiles.length > 0 && o.percentiles.every((p) => p > 0.5 && p <= 1),
    "percentiles",
    "Percentiles must lie in (0.5, 1]",
  );
  check(values.length > 0, "values", "Cannot search on no values");
  if (quantizer.kind === "log") {
    const sorted = Float64Array.from(values).sort();
    let best: PercentileMseResult | undefined;
    for (const pct of o.percentiles) {
      const scale = Math.max(quantileSorted(sorted, pct), 1e-8);
      const params: QuantizerParams = { kind: "log", bits: quantizer.bits, tau: quantizer.tau, scale };
      const error = lpError(fakeQuant(values, shape, params), values, o.p);
      if (best === undefined || error < best.error[0]!) {
        best = { params, percentile: Float64Array.of(pct), error: Float64Array.of(error) };
      }
    }
    return best!;
  }
  const { channels, inner } = channelLayout(values.length, shape, quantizer.axis);
  const cols: number[][] = Array.from({ length: channels }, () => []);
  for (let i = 0; i < values.length; i++) {
    cols[channels === 1 ? 0 : Math.floor(i / inner) % channels]!.push(values[i]!);
  }
  const symmetric = quantizer.symmetric ?? false;
  const { qmin, qmax } = uniformQRange(quantizer.bits, symmetric);
  const lo = new Float64Array(channels), hi = new Float64Array(channels);
  const percentile = new Float64Array(channels), error = new Float64Array(channels).fill(Infinity);
  cols.forEach((col, c) => {
    const sorted = Float64Array.from(col).sort();
    for (const pct of o.percentiles) {
      const a = quantileSorted(sorted, 1 - pct), b = quantileSorted(sorted, pct);
      const prm = uniformParamsFromRange([a], [b], {
        bits: quantizer.bits,
        symmetric,
        includeZero: o.includeZero,
        clampZeroPoint: o.clampZeroPoint,
      });
      const err = uniformLpError(col, prm.scale[0]!, prm.zeroPoint[0]!, qmin, qmax, o.p);
      if (err < error[c]!) (error[c] = err, percentile[c] = pct, lo[c] = a, hi[c] = b);
    }
  });
  const params = uniformParamsFromRange(lo, hi, {
    bits: quantizer.bits,
    symmetric,
    includeZero: o.includeZero,
    clampZeroPoint: o.clampZeroPoint,
    ...(quantizer.axis === undefined ? {} : { axis: quantizer.axis }),
  });
  return { params, percentile, error };
}
