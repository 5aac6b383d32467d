/**
 * AdaRound's host-side math (Nagel et al. 2020; BRECQ/QDrop code, spec §7): the initial rounding
 * variables, the hard rounding at the end, and the regulariser schedule.
 *
 * - Initialisation: V such that h(V) = frac(W/Δ):  V = −log((ζ − γ)/(frac − γ) − 1).
 * - Hard rounding: ⌊W/Δ⌋ + 1[V ≥ 0], then W̃ = Δ·(clamp(· + z, qmin, qmax) − z) in the float32 op order of
 *   `fakeQuant`, so the baked weight is exactly on the evaluation grid. With V from the initialisation,
 *   1[V ≥ 0] = 1[frac ≥ 0.5], i.e. round half up, the nearest rounding of the evaluation quantizer.
 * - Regulariser f_reg = Σ(1 − |2h(V) − 1|^β), weight λ from the end of the warm-up on, β decaying
 *   linearly from `start` to `end` over the rest (BRECQ's `LinearTempDecay`).
 *
 * W/Δ is computed as `fakeQuant` does: u = fround(W/Δ). Pure: no I/O.
 *
 * @module
 */
import { channelLayout } from "../_layout.ts";
import type { UniformQuantizerParams } from "../quantizers/quantizer_params.ts";
import { uniformQRange } from "../quantizers/uniform_qrange.ts";
import { ADAROUND_GAMMA, ADAROUND_ZETA } from "./parametric_quantizer.ts";

const f = Math.fround;

/** ⌊W/Δ⌋ and the initial V (both float32, W's layout). */
export function adaRoundInit(
  w: Float32Array,
  dims: readonly number[],
  params: UniformQuantizerParams,
): { floor: Float32Array; v: Float32Array } {
  const { channels, inner } = channelLayout(w.length, dims, params.axis);
  const floor = new Float32Array(w.length);
  const v = new Float32Array(w.length);
  for (let i = 0; i < w.length; i++) {
    const c = channels === 1 ? 0 : Math.floor(i / inner) % channels;
    const u = f(w[i]! / params.scale[c]!);
    const fl = Math.floor(u);
    floor[i] = fl;
    const frac = Math.min(Math.max(u - fl, 0), 1);
    v[i] = -Math.log((ADAROUND_ZETA - ADAROUND_GAMMA) / (frac - ADAROUND_GAMMA) - 1);
  }
  return { floor, v };
}

/** The hard-rounded weight Δ·(clamp(⌊W/Δ⌋ + 1[V ≥ 0] + z, qmin, qmax) − z) (float32). */
export function adaRoundHard(
  floor: Float32Array,
  v: ArrayLike<number>,
  dims: readonly number[],
  params: UniformQuantizerParams,
): Float32Array {
  const { channels, inner } = channelLayout(floor.length, dims, params.axis);
  const { qmin, qmax } = uniformQRange(params.bits, params.symmetric);
  const out = new Float32Array(floor.length);
  for (let i = 0; i < floor.length; i++) {
    const c = channels === 1 ? 0 : Math.floor(i / inner) % channels;
    const s = params.scale[c]!, z = params.zeroPoint[c]!;
    const q = Math.min(Math.max(f(floor[i]! + (v[i]! >= 0 ? 1 : 0) + z), qmin), qmax);
    out[i] = f(f(q - z) * s);
  }
  return out;
}

/** The regulariser schedule of AdaRound (spec §7: λ = 0.01, warm-up 0.2, β 20 → 2). */
export interface AdaRoundSchedule {
  /** Weight λ of the regulariser after the warm-up. */
  weight: number;
  /** Fraction of the iterations without the regulariser. */
  warmup: number;
  /** β at the end of the warm-up and at the last iteration. */
  betaStart: number;
  betaEnd: number;
}

/** β and the effective λ of iteration `t` (0-based) of `steps`. */
export function adaRoundRegularizer(
  schedule: AdaRoundSchedule,
  t: number,
  steps: number,
): { beta: number; weight: number } {
  const start = schedule.warmup * steps;
  if (t < start) return { beta: schedule.betaStart, weight: 0 };
  const ratio = steps - start <= 0 ? 1 : (t - start) / (steps - start);
  const beta = schedule.betaEnd + (schedule.betaStart - schedule.betaEnd) * Math.max(0, 1 - ratio);
  return { beta, weight: schedule.weight };
}

/** f_reg = Σ(1 − |2h − 1|^β) with h(V) = clamp(σ(V)·(ζ − γ) + γ, 0, 1) (host reference for tests). */
export function adaRoundPenalty(v: ArrayLike<number>, beta: number): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) {
    const h = Math.min(
      Math.max((1 / (1 + Math.exp(-v[i]!))) * (ADAROUND_ZETA - ADAROUND_GAMMA) + ADAROUND_GAMMA, 0),
      1,
    );
    s += 1 - Math.abs(2 * h - 1) ** beta;
  }
  return s;
}
