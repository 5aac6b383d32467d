/**
 * Uniform quantizer parameters from an observed range: the observer rule of the PTQ4SAM/QDrop code
 * (`ObserverBase.calculate_qparams`, spec §1).
 *
 * - Widen to include 0: min ← min(min, 0), max ← max(max, 0) (option `includeZero`).
 * - Asymmetric: Δ = (max − min)/(2^b − 1), z = clamp(−⌊min/Δ⌉, 0, 2^b − 1).
 * - Symmetric:  Δ = max(|min|, |max|)/((2^b − 1)/2), z = 0 (PyTorch's symmetric rule).
 * - Δ ≥ 1e-8 (option `minScale`).
 *
 * ⌊·⌉ is round-half-up (`round_half_up.ts`), the rounding used everywhere in samq.
 *
 * @module
 */
import { check } from "../_layout.ts";
import { BIT_WIDTHS, type BitWidth, type UniformQuantizerParams } from "./quantizer_params.ts";
import { roundHalfUp } from "./round_half_up.ts";
import { uniformQRange } from "./uniform_qrange.ts";
import { validateQuantizerParams } from "./validate_quantizer_params.ts";

/** Options of {@link uniformParamsFromRange}. */
export interface UniformRangeOptions {
  /** Bit width b (2–8). */
  bits: BitWidth;
  /** Symmetric quantizer (z = 0). @default false */
  symmetric?: boolean;
  /** Channel axis for per-channel parameters (min/max then have one entry per channel). @default undefined (per-tensor) */
  axis?: number;
  /** Widen the range to include 0 (spec §1 observer rule). @default true */
  includeZero?: boolean;
  /** Clamp the zero-point into [0, 2^b − 1] (spec §1; RepQ-ViT's own code does not clamp). @default true */
  clampZeroPoint?: boolean;
  /** Lower bound of Δ. @default 1e-8 */
  minScale?: number;
}

/** Defaults of {@link UniformRangeOptions}. */
export const UNIFORM_RANGE_DEFAULTS = Object.freeze({
  symmetric: false,
  includeZero: true,
  clampZeroPoint: true,
  minScale: 1e-8,
});

/**
 * Computes {@link UniformQuantizerParams} from per-channel (or one per-tensor) `min`/`max`.
 * `min` and `max` have equal length: 1 for per-tensor, C for per-channel along `options.axis`.
 */
export function uniformParamsFromRange(
  min: ArrayLike<number>,
  max: ArrayLike<number>,
  options: UniformRangeOptions,
): UniformQuantizerParams {
  const o = { ...UNIFORM_RANGE_DEFAULTS, ...options };
  check((BIT_WIDTHS as readonly number[]).includes(o.bits), "bits", `Cannot quantize to ${o.bits} bits`);
  check(
    min.length === max.length && min.length > 0,
    "min",
    "min and max must be non-empty and of equal length",
  );
  check(o.axis !== undefined || min.length === 1, "axis", "per-tensor parameters need exactly one min/max");
  const n = min.length;
  const scale = new Float32Array(n);
  const zeroPoint = new Float32Array(n);
  const { qmin, qmax } = uniformQRange(o.bits, o.symmetric);
  for (let c = 0; c < n; c++) {
    let lo = min[c]!;
    let hi = max[c]!;
    check(Number.isFinite(lo) && Number.isFinite(hi) && lo <= hi, "min", `Cannot use range [${lo}, ${hi}]`);
    if (o.includeZero) {
      lo = Math.min(lo, 0);
      hi = Math.max(hi, 0);
    }
    if (o.symmetric) {
      const s = Math.max(Math.max(-lo, hi) / ((qmax - qmin) / 2), o.minScale);
      scale[c] = s;
      zeroPoint[c] = 0;
    } else {
      // Δ is rounded to float32 before z is derived from it, so that z matches the stored Δ.
      const s = Math.fround(Math.max((hi - lo) / (qmax - qmin), o.minScale));
      let z = qmin - roundHalfUp(lo / s);
      if (o.clampZeroPoint) z = Math.min(Math.max(z, qmin), qmax);
      scale[c] = s;
      zeroPoint[c] = z === 0 ? 0 : z; // no -0
    }
  }
  const params: UniformQuantizerParams = {
    kind: "uniform",
    bits: o.bits,
    symmetric: o.symmetric,
    scale,
    zeroPoint,
  };
  if (o.axis !== undefined) params.axis = o.axis;
  validateQuantizerParams(params);
  return params;
}
