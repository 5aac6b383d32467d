/**
 * Folds a per-channel shift/scale x̃ = (y − v)/s of a LayerNorm output into the LayerNorm's affine
 * parameters (spec §3.3 B, §5 step 3, §9 OS+):
 *
 *     y = γ ⊙ n + β   ⇒   x̃ = (γ/s) ⊙ n + (β − v)/s,   i.e. γ' = γ/s, β' = (β − v)/s
 *
 * Exact in real arithmetic; the results are rounded once to float32. Works for the `LayerNormalization`
 * op (Scale, B inputs) and for the decomposed form (the final Mul and Add constants), per channel of the
 * normalised (last) axis.
 *
 * @module
 */
import { check } from "../_layout.ts";

/** Folded LayerNorm affine parameters. */
export interface FoldedLayerNorm {
  /** γ' (float32, [C]). */
  gamma: Float32Array;
  /** β' (float32, [C]). */
  beta: Float32Array;
}

/**
 * Returns γ' = γ/s and β' = (β − v)/s. `gamma`, `beta`, `shift` (v) and `scale` (s > 0) all have length C;
 * a missing β (LayerNorm without bias) counts as 0.
 */
export function foldLayerNorm(
  gamma: ArrayLike<number>,
  beta: ArrayLike<number> | undefined,
  shift: ArrayLike<number>,
  scale: ArrayLike<number>,
): FoldedLayerNorm {
  const C = gamma.length;
  check(beta === undefined || beta.length === C, "beta", `beta has ${beta?.length} entries, gamma has ${C}`);
  check(shift.length === C && scale.length === C, "shift", `shift/scale must have ${C} entries`);
  const g = new Float32Array(C);
  const b = new Float32Array(C);
  for (let c = 0; c < C; c++) {
    const s = scale[c]!;
    check(Number.isFinite(s) && s > 0, "scale", `scale[${c}] = ${s} must be finite and > 0`);
    g[c] = gamma[c]! / s;
    b[c] = ((beta === undefined ? 0 : beta[c]!) - shift[c]!) / s;
  }
  return { gamma: g, beta: b };
}
