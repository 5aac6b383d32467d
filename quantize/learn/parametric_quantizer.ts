/**
 * Parametric fake quantizers for training graphs: the same forward computation as the evaluation
 * emitters (`quantize/insert/`), but with the quantizer parameters as tensors the host can feed (graph
 * inputs), so that `buildGradientGraph` differentiates the loss with respect to them.
 *
 * **Uniform (LSQ / LSQ+, spec §1, §6).** Same float32 op order as `emitUniformQuantizer`, so that the
 * training forward at the final parameters equals the evaluation graph:
 *
 *     u = x/Δ;  r = Floor(u + 0.5);  ẑ = Floor(z + 0.5) (learned z) or z;  q = Clip(r + ẑ, qmin, qmax);
 *     x̂ = (q − ẑ)·Δ
 *
 * Floor has the straight-through gradient and Clip passes the gradient inside its range
 * (`onnx/grad/rules/quantization.ts`), which gives exactly LSQ's step gradient
 * ∂x̂/∂Δ = ⌊x/Δ⌉ − x/Δ inside the range, qmin − z below, qmax − z above (spec §6), and LSQ+'s offset
 * gradient ∂x̂/∂z = 0 inside, −Δ outside (z = −β/Δ). LSQ's gradient scale g = 1/√(N·Q_P) is applied on
 * the host (`train` `gradScales`), not in the graph.
 *
 * **AdaRound (spec §7).** W̃ = Δ·(Clip(⌊W/Δ⌋ + h(V) + z, qmin, qmax) − z), h(V) = Clip(σ(V)·(ζ − γ) + γ, 0, 1),
 * ζ = 1.1, γ = −0.1; ⌊W/Δ⌋ is a constant computed on the host (`adaround.ts`), Δ and z are fixed.
 *
 * **Log (AGQ, spec §4.3).** code = −τ·log2(max(A, ε)/s), k = Floor(code + 0.5), Â = s·2^{−Clip(k, 0, 2^b−1)/τ}
 * where k < 2^b, else 0 — the evaluation quantizer's grid (`emitLogQuantizer`) with a differentiable
 * level s·2^{−q/τ} instead of the level table. ε = 1e-30 keeps the log finite (A = 0 lands far below the
 * grid, as in evaluation) so that no NaN reaches the gradient of s.
 *
 * **QDrop dropping (spec §8).** y = Where(U < p, Q(x), x) with U = RandomUniformLike(x) (a seeded ONNX
 * random op) and p a fed scalar: p = 0.5 while reconstructing, p = 1 to evaluate. Evaluation graphs never
 * contain it: they are the standard emission.
 *
 * @module
 */
import { attr } from "../../onnx/ir/attribute.ts";
import type { Graph } from "../../onnx/ir/graph.ts";
import type { Tensor, Variable } from "../../onnx/ir/tensor.ts";
import type { BitWidth } from "../quantizers/quantizer_params.ts";
import { uniformQRange } from "../quantizers/uniform_qrange.ts";
import { opBuilder } from "./_ops.ts";

/** AdaRound's stretch constants ζ and γ (Nagel et al. 2020; spec §7). */
export const ADAROUND_ZETA = 1.1;
/** See {@link ADAROUND_ZETA}. */
export const ADAROUND_GAMMA = -0.1;

/** Smallest value the log quantizer takes the log of (training graphs only). */
export const LOG_EPSILON = 1e-30;

/** Parameters of {@link emitParametricUniform}. */
export interface ParametricUniform {
  bits: BitWidth;
  symmetric: boolean;
  /** Δ: a graph input (learned) or a constant, broadcastable to x. */
  step: Tensor;
  /** z: a graph input (learned, rounded by STE in the graph), an integer constant, or none (z = 0). */
  zero?: Tensor;
  /** True when `zero` is learned (rounded in the graph). */
  learnZero?: boolean;
}

/** Emits the uniform fake quantizer of `x`; returns x̂. Nodes are named `samq.learn.op/<scope>/…`. */
export function emitParametricUniform(
  graph: Graph,
  x: Tensor,
  p: ParametricUniform,
  scope: string,
): Variable {
  const b = opBuilder(graph, scope);
  const { qmin, qmax } = uniformQRange(p.bits, p.symmetric);
  const half = b.constant("half", [0.5], []);
  const u = b.op("Div", "Div", [x, p.step]);
  const r = b.op("Floor", "Floor", [b.op("AddHalf", "Add", [u, half])]);
  let z: Tensor | undefined = p.zero;
  if (z !== undefined && p.learnZero) z = b.op("ZeroRound", "Floor", [b.op("ZeroHalf", "Add", [z, half])]);
  let q = z === undefined ? r : b.op("AddZeroPoint", "Add", [r, z]);
  q = b.op("Clip", "Clip", [q, b.constant("qmin", [qmin], []), b.constant("qmax", [qmax], [])]);
  if (z !== undefined) q = b.op("SubZeroPoint", "Sub", [q, z]);
  return b.op("Mul", "Mul", [q, p.step]);
}

/** Parameters of {@link emitAdaRoundWeight}. */
export interface AdaRoundWeight {
  bits: BitWidth;
  symmetric: boolean;
  /** ⌊W/Δ⌋ (float32 constant, W's shape). */
  floor: Tensor;
  /** Fixed Δ and z, broadcastable to W. */
  step: Tensor;
  zero?: Tensor;
  /** V (graph input, W's shape). */
  v: Tensor;
}

/** Emits W̃ and returns it with h(V) (for the regulariser). */
export function emitAdaRoundWeight(
  graph: Graph,
  p: AdaRoundWeight,
  scope: string,
): { weight: Variable; h: Variable } {
  const b = opBuilder(graph, scope);
  const { qmin, qmax } = uniformQRange(p.bits, p.symmetric);
  const zero = b.constant("zero", [0], []);
  const one = b.constant("one", [1], []);
  const sig = b.op("Sigmoid", "Sigmoid", [p.v]);
  const stretched = b.op("Stretch", "Add", [
    b.op("Scale", "Mul", [sig, b.constant("zeta_minus_gamma", [ADAROUND_ZETA - ADAROUND_GAMMA], [])]),
    b.constant("gamma", [ADAROUND_GAMMA], []),
  ]);
  const h = b.op("H", "Clip", [stretched, zero, one]);
  let q = b.op("AddRound", "Add", [p.floor, h]);
  if (p.zero !== undefined) q = b.op("AddZeroPoint", "Add", [q, p.zero]);
  q = b.op("Clip", "Clip", [q, b.constant("qmin", [qmin], []), b.constant("qmax", [qmax], [])]);
  if (p.zero !== undefined) q = b.op("SubZeroPoint", "Sub", [q, p.zero]);
  return { weight: b.op("Mul", "Mul", [q, p.step]), h };
}

/** Parameters of {@link emitParametricLog}. */
export interface ParametricLog {
  bits: BitWidth;
  /** Grid parameter τ (fixed). */
  tau: number;
  /** Top of the range s (graph input or constant, scalar). */
  scale: Tensor;
}

/** Emits the log fake quantizer of `a` (post-softmax values); returns Â. */
export function emitParametricLog(graph: Graph, a: Tensor, p: ParametricLog, scope: string): Variable {
  const b = opBuilder(graph, scope);
  const levels = 2 ** p.bits;
  const safe = b.op("Safe", "Max", [a, b.constant("epsilon", [LOG_EPSILON], [])]);
  const log = b.op("Log", "Log", [b.op("Div", "Div", [safe, p.scale])]);
  const code = b.op("MulCode", "Mul", [log, b.constant("code_factor", [-p.tau / Math.LN2], [])]);
  const k = b.op("Floor", "Floor", [b.op("AddHalf", "Add", [code, b.constant("half", [0.5], [])])]);
  const keep = b.op("Less", "Less", [k, b.constant("levels", [levels], [])], {}, "bool");
  const q = b.op("Clip", "Clip", [k, b.constant("qmin", [0], []), b.constant("qmax", [levels - 1], [])]);
  const level = b.op("Exp", "Exp", [
    b.op("MulLevel", "Mul", [q, b.constant("level_factor", [-Math.LN2 / p.tau], [])]),
  ]);
  const value = b.op("MulScale", "Mul", [level, p.scale]);
  return b.op("Where", "Where", [keep, value, b.constant("zero", [0], [])]);
}

/**
 * QDrop's random dropping: Where(U < p, quantized, x), U ~ Uniform[0, 1) drawn by ONNX Runtime with
 * `seed` (one fixed stream per graph session). `prob` is a fed scalar (1 keeps every element quantized).
 */
export function emitDrop(
  graph: Graph,
  x: Tensor,
  quantized: Tensor,
  prob: Tensor,
  seed: number,
  scope: string,
): Variable {
  const b = opBuilder(graph, scope);
  const u = b.op("Uniform", "RandomUniformLike", [x], {
    dtype: attr.int(1),
    low: attr.float(0),
    high: attr.float(1),
    seed: attr.float(seed),
  });
  const keep = b.op("Keep", "Less", [u, prob], {}, "bool");
  return b.op("Where", "Where", [keep, quantized, x]);
}
