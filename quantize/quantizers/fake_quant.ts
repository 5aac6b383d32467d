/**
 * Reference fake quantization (quantize then dequantize) on the host, bit-compatible with the ONNX graphs
 * samq emits.
 *
 * **Uniform** (spec §1), r = Δ·(q − z):
 *
 *     q = clamp(⌊x/Δ⌉ + z, qmin, qmax),   x̂ = Δ·(q − z)
 *
 * The canonical float32 op sequence (the ONNX emitter must use the same order for bit parity; every step
 * is rounded to float32 here with `Math.fround`, as ONNX Runtime does):
 *
 *     u = Div(x, Δ); r = Floor(Add(u, 0.5)); q = Clip(Add(r, z), qmin, qmax); x̂ = Mul(Sub(q, z), Δ)
 *
 * | variant    | qmin      | qmax        |
 * |------------|-----------|-------------|
 * | asymmetric | 0         | 2^b − 1     |
 * | symmetric  | −2^{b−1}  | 2^{b−1} − 1 |
 *
 * **Log** (spec §4.3; τ = 2 is RepQ-ViT's log√2, §5), for A ≥ 0:
 *
 *     c = ⌊−τ·log2(A/s)⌉;  q = clamp(c, 0, 2^b − 1);  Â = s·2^{−q/τ}, and Â = 0 where c ≥ 2^b (or A ≤ 0)
 *
 * Values above s give c ≤ 0 and saturate to s. The log is computed in float64 (ONNX's `Log` kernel is not
 * bit-reproducible across EPs anyway); the result is stored as float32. The grid has 2^b non-zero levels
 * plus exact 0, as in the PTQ4SAM and RepQ-ViT reference code.
 *
 * **HLUQ** (AHCPTQ, spec §10): see `hluq.ts`.
 *
 * Rounding ⌊·⌉ is round-half-up, ⌊u + 0.5⌋, everywhere (DESIGN §2, `round_half_up.ts`).
 *
 * @module
 */
import { channelLayout } from "../_layout.ts";
import type { LogQuantizerParams, QuantizerParams, UniformQuantizerParams } from "./quantizer_params.ts";
import { fakeQuantHluq } from "./hluq.ts";
import { uniformQRange } from "./uniform_qrange.ts";
import { validateQuantizerParams } from "./validate_quantizer_params.ts";

const f = Math.fround;

/**
 * Fake-quantizes `x` (float32, row-major `shape`) with `params`; returns a new Float32Array of the same
 * shape. Per-channel uniform parameters apply along `params.axis`.
 */
export function fakeQuant(x: Float32Array, shape: readonly number[], params: QuantizerParams): Float32Array {
  validateQuantizerParams(params, shape);
  if (params.kind === "hluq") {
    channelLayout(x.length, shape);
    return fakeQuantHluq(x, params);
  }
  return params.kind === "uniform" ? fakeQuantUniform(x, shape, params) : fakeQuantLog(x, shape, params);
}

function fakeQuantUniform(
  x: Float32Array,
  shape: readonly number[],
  p: UniformQuantizerParams,
): Float32Array {
  const { channels, inner } = channelLayout(x.length, shape, p.axis);
  const { qmin, qmax } = uniformQRange(p.bits, p.symmetric);
  const out = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const c = channels === 1 ? 0 : Math.floor(i / inner) % channels;
    const s = p.scale[c]!;
    const z = p.zeroPoint[c]!;
    const r = Math.floor(f(f(x[i]! / s) + 0.5));
    const q = Math.min(Math.max(f(r + z), qmin), qmax);
    out[i] = f(f(q - z) * s);
  }
  return out;
}

function fakeQuantLog(x: Float32Array, shape: readonly number[], p: LogQuantizerParams): Float32Array {
  channelLayout(x.length, shape);
  const levels = 2 ** p.bits;
  const out = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const a = x[i]!;
    if (!(a > 0)) {
      out[i] = 0;
      continue;
    }
    const code = Math.floor(-p.tau * Math.log2(a / p.scale) + 0.5);
    if (code >= levels) {
      out[i] = 0;
      continue;
    }
    const q = Math.max(code, 0);
    out[i] = p.scale * 2 ** (-q / p.tau);
  }
  return out;
}
