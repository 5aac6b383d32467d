/**
 * AHCPTQ's hybrid log-uniform quantizer (HLUQ; Zhang et al., ICCV 2025; spec §10) for post-GELU
 * activations, whose dense small values near the GELU minimum want a log grid and whose long positive
 * tail wants a uniform one. With b bits, L log levels and U = 2^b − L uniform codes, on y = x − m:
 *
 *     y ≤ s_log:  k = ⌊−log2(y/s_log)⌉;  ŷ = s_log·2^{−clip(k, 0, L − 1)}, and ŷ = 0 where k ≥ L (or y ≤ 0)
 *     y > s_log:  q = clip(⌊(y − s_log)/s_uni⌉, 0, U − 1);  ŷ = s_log + q·s_uni
 *     x̂ = m + ŷ
 *
 * The grid is the level table below: 0, the L log levels, then the U − 1 uniform levels above s_log
 * (q = 0 is s_log again), 2^b values in all, each stored as fround(m + ℓ) — the very numbers the ONNX
 * emission gathers (`emit_hluq_quantizer.ts`), so host and graph agree bit for bit whenever the code
 * agrees. The log code is taken in float64 here and by ONNX `Log` in float32 there, as for the log
 * quantizer (`fake_quant.ts`).
 *
 * Initialisation from an observed range [min, max] and a (range_rate, grid_rate) pair, as the official
 * `HybridQuantize.init_quantization`: m = min (not widened to 0), s_log = (max − min)·range_rate,
 * s_uni = (max − min)·(1 − range_rate)/((2^b − 1)·(1 − grid_rate)), L = 2^b·grid_rate.
 *
 * One deliberate difference from `fake_hybrid_quantize_per_tensor_affine` in the official code: there
 * the "below the log grid → 0" mask is computed over the whole tensor after the log codes were written,
 * so uniform-branch values y ≥ L are also zeroed and then land on s_log; samq applies the mask to the
 * log branch only, which is the quantizer the paper describes.
 *
 * @module
 */
import { SamqError } from "../../util/errors.ts";
import type { BitWidth, HluqQuantizerParams } from "./quantizer_params.ts";
import { validateQuantizerParams } from "./validate_quantizer_params.ts";

const f = Math.fround;

/** The float32 level table, ascending: [m, m + s_log·2^{−(L−1)}, …, m + s_log, m + s_log + s_uni, …]. */
export function hluqLevels(p: HluqQuantizerParams): Float32Array {
  const n = 2 ** p.bits;
  const L = p.logLevels;
  const out = new Float32Array(n);
  out[0] = f(p.shift);
  for (let i = 1; i <= L; i++) out[i] = f(p.shift + f(p.scaleLog * 2 ** -(L - i)));
  for (let q = 1; q < n - L; q++) out[L + q] = f(p.shift + f(f(q * p.scaleUni) + p.scaleLog));
  return out;
}

/** Index into {@link hluqLevels} of `x` (float32 op order of the emission). */
export function hluqIndex(x: number, p: HluqQuantizerParams): number {
  const L = p.logLevels;
  const U = 2 ** p.bits - L;
  const y = f(x - p.shift);
  if (y > p.scaleLog) {
    const q = Math.floor(f(f(f(y - p.scaleLog) / p.scaleUni) + 0.5));
    return L + Math.min(Math.max(q, 0), U - 1);
  }
  if (!(y > 0)) return 0;
  const k = Math.floor(-Math.log2(y / p.scaleLog) + 0.5);
  return k >= L ? 0 : L - Math.max(k, 0);
}

/** Fake-quantizes `x` with HLUQ (any shape: per-tensor); returns a new Float32Array. */
export function fakeQuantHluq(x: Float32Array, p: HluqQuantizerParams): Float32Array {
  validateQuantizerParams(p);
  const table = hluqLevels(p);
  return Float32Array.from(x, (v) => table[hluqIndex(v, p)]!);
}

/** Log levels L = 2^b·gridRate, or undefined when that is not an integer in [1, 2^b − 1]. */
export function hluqLogLevels(bits: BitWidth, gridRate: number): number | undefined {
  const L = 2 ** bits * gridRate;
  return Number.isInteger(L) && L >= 1 && L < 2 ** bits ? L : undefined;
}

/**
 * HLUQ parameters from an observed range and a (rangeRate, gridRate) pair (see the module doc).
 *
 * @throws {SamqError} `invalid_argument` (field "gridRate") when 2^b·gridRate is not an integer in
 *   [1, 2^b − 1], or (field "range") when max ≤ min.
 */
export function hluqParamsFromRange(
  min: number,
  max: number,
  bits: BitWidth,
  rangeRate: number,
  gridRate: number,
): HluqQuantizerParams {
  const L = hluqLogLevels(bits, gridRate);
  if (L === undefined) {
    throw new SamqError(
      "invalid_argument",
      `Cannot use HLUQ grid rate ${gridRate} at ${bits} bits: 2^b·rate must be an integer in [1, 2^b − 1]`,
      { field: "gridRate" },
    );
  }
  if (!(max > min) || !(rangeRate > 0 && rangeRate < 1)) {
    throw new SamqError(
      "invalid_argument",
      `Cannot fit HLUQ to range [${min}, ${max}] with range rate ${rangeRate}`,
      { field: "range" },
    );
  }
  const range = max - min;
  const params: HluqQuantizerParams = {
    kind: "hluq",
    bits,
    shift: f(min),
    logLevels: L,
    scaleLog: f(range * rangeRate),
    scaleUni: f(range * (1 - rangeRate) / ((2 ** bits - 1) * (1 - gridRate))),
  };
  validateQuantizerParams(params);
  return params;
}
