/**
 * Adam on the host (Kingma & Ba 2015), in PyTorch's formulation, updating one parameter array in place:
 *
 *     m ← β₁·m + (1 − β₁)·g
 *     v ← β₂·v + (1 − β₂)·g²
 *     p ← p·(1 − lr·λ)                                  (decoupled weight decay, AdamW; λ = 0 is Adam)
 *     p ← p − lr/(1 − β₁ᵗ) · m / (√v/√(1 − β₂ᵗ) + ε)
 *
 * with t the 1-based step. Moments are kept in float64; the update is computed in float64 and stored in
 * the parameter's own precision.
 *
 * @module
 */
import { SamqError } from "../../util/errors.ts";

/** Adam hyper-parameters. */
export interface AdamOptions {
  /** Learning rate (before the schedule's factor). @default 1e-3 */
  lr: number;
  /** Moment decay rates (β₁, β₂). @default [0.9, 0.999] */
  betas: readonly [number, number];
  /** Denominator term ε. @default 1e-8 */
  eps: number;
  /** Decoupled weight decay λ (AdamW); 0 is plain Adam. @default 0 */
  weightDecay: number;
}

/** The defaults of {@link AdamOptions} (PyTorch's). */
export const ADAM_DEFAULTS: Readonly<AdamOptions> = Object.freeze({
  lr: 1e-3,
  betas: Object.freeze([0.9, 0.999] as const),
  eps: 1e-8,
  weightDecay: 0,
});

/** First and second moments of one parameter. */
export interface AdamMoments {
  m: Float64Array;
  v: Float64Array;
}

/** Zero moments for a parameter of `size` elements. */
export function createAdamMoments(size: number): AdamMoments {
  return { m: new Float64Array(size), v: new Float64Array(size) };
}

/** Merges `partial` over {@link ADAM_DEFAULTS} and validates the result (field names the option). */
export function resolveAdamOptions(partial: Partial<AdamOptions> = {}, field = "optimizer"): AdamOptions {
  const o: AdamOptions = { ...ADAM_DEFAULTS, ...partial };
  const bad = (name: string, value: unknown) =>
    new SamqError(
      "invalid_argument",
      `Cannot use Adam option "${name}": ${JSON.stringify(value)} is out of range`,
      {
        field: `${field}.${name}`,
      },
    );
  if (!(o.lr >= 0 && Number.isFinite(o.lr))) throw bad("lr", o.lr);
  if (o.betas.length !== 2 || !o.betas.every((b) => b >= 0 && b < 1)) throw bad("betas", o.betas);
  if (!(o.eps > 0)) throw bad("eps", o.eps);
  if (!(o.weightDecay >= 0)) throw bad("weightDecay", o.weightDecay);
  return o;
}

/**
 * One Adam step on `param` (in place) with gradient `grad`, at 1-based `step` with learning rate `lr`
 * (the schedule already applied); `options.lr` is not read.
 */
export function adamUpdate(
  param: Float32Array | Float64Array,
  grad: ArrayLike<number>,
  moments: AdamMoments,
  step: number,
  lr: number,
  options: Omit<AdamOptions, "lr">,
): void {
  const [b1, b2] = options.betas;
  const stepSize = lr / (1 - b1 ** step);
  const bc2Sqrt = Math.sqrt(1 - b2 ** step);
  const decay = 1 - lr * options.weightDecay;
  const { m, v } = moments;
  for (let i = 0; i < param.length; i++) {
    const g = grad[i]!;
    m[i] = b1 * m[i]! + (1 - b1) * g;
    v[i] = b2 * v[i]! + (1 - b2) * g * g;
    const p = param[i]! * decay;
    param[i] = p - (stepSize * m[i]!) / (Math.sqrt(v[i]!) / bc2Sqrt + options.eps);
  }
}
