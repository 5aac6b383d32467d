/**
 * Quantizer parameter records, the contract between calibration (observers, searches) and the ONNX
 * emitter. Plain JSON-serializable data except for the typed arrays (which `quant.json` writes as lists).
 *
 * Uniform affine (spec §1): q = clamp(⌊x/Δ⌉ + z, qmin, qmax), x̂ = Δ·(q − z).
 *
 * | variant     | z               | qmin        | qmax          |
 * |-------------|-----------------|-------------|---------------|
 * | asymmetric  | integer ∈ [0, 2^b − 1] (observer rule) | 0 | 2^b − 1 |
 * | symmetric   | 0               | −2^{b−1}    | 2^{b−1} − 1   |
 *
 * Log (spec §4.3, §5): q = clamp(⌊−τ·log2(A/s)⌉, 0, 2^b − 1), Â = s·2^{−q/τ}, and Â = 0 where the
 * rounded code is ≥ 2^b. τ = 1 is the log2 grid, τ = 2 the log√2 grid of RepQ-ViT.
 *
 * Hybrid log-uniform (HLUQ, AHCPTQ, spec §10; `hluq.ts`): on y = x − m, values up to s_log are log2-quantized
 * to s_log·2^{−k} (k = 0 … L − 1, or 0), larger values uniformly to s_log + q·s_uni (q = 0 … 2^b − L − 1);
 * 2^b levels in all.
 *
 * ⌊·⌉ is round-half-up, ⌊u + 0.5⌋ (see `round_half_up.ts`).
 *
 * @module
 */

import type { BitWidth } from "../../util/bits.ts";
export { BIT_WIDTHS, type BitWidth } from "../../util/bits.ts";

/** Uniform affine quantizer, per-tensor (`axis` absent, arrays of length 1) or per-channel along `axis`. */
export interface UniformQuantizerParams {
  kind: "uniform";
  /** Bit width b. */
  bits: BitWidth;
  /** Symmetric: z = 0 and q ∈ [−2^{b−1}, 2^{b−1} − 1]; else q ∈ [0, 2^b − 1]. */
  symmetric: boolean;
  /** Step Δ > 0, one per channel (length 1 per-tensor). */
  scale: Float32Array;
  /** Integer-valued zero-point z, one per channel (all 0 when symmetric). */
  zeroPoint: Float32Array;
  /** Channel axis of the tensor for per-channel parameters; absent for per-tensor. */
  axis?: number;
}

/** Log quantizer for post-softmax values in [0, 1] (always per-tensor). */
export interface LogQuantizerParams {
  kind: "log";
  /** Bit width b. */
  bits: BitWidth;
  /** Grid base parameter τ: the grid is s·2^{−q/τ} (1: log2, 2: log√2, 4: 2^{1/4}). */
  tau: number;
  /** Top of the range s > 0 (values above s saturate to s). */
  scale: number;
}

/**
 * Hybrid log-uniform quantizer (AHCPTQ's HLUQ, spec §10) for post-GELU activations (always per-tensor).
 * All four numbers are float32 values (the emitter's constants and the level table use them as given).
 */
export interface HluqQuantizerParams {
  kind: "hluq";
  /** Bit width b (2^b levels in all). */
  bits: BitWidth;
  /** Shift m: the quantizer works on y = x − m (AHCPTQ's fp_min, the averaged tensor minimum). */
  shift: number;
  /** Log levels L = 2^b·grid_rate, an integer in [1, 2^b − 1]; the uniform part has 2^b − L codes. */
  logLevels: number;
  /** s_log > 0: the split point and the top of the log part. */
  scaleLog: number;
  /** s_uni > 0: the step of the uniform part above s_log. */
  scaleUni: number;
}

/** Any quantizer samq emits. */
export type QuantizerParams = UniformQuantizerParams | LogQuantizerParams | HluqQuantizerParams;
