/**
 * Folds PTQ4SAM's BIG sign vector γ into a projection's outputs (spec §4.2): W ← diag(γ)·W, b ← γ ⊙ b in
 * the spec's [out, in] notation, i.e. output channel c is multiplied by γ_c. Applied to both q_proj and
 * k_proj this is exact, because q·kᵀ = Σ_c (γ_c q_c)(γ_c k_c) with γ_c² = 1.
 *
 * Layouts as in `fold_linear_input.ts`: "in-out" ([in, out], MatMul) flips column c; "out-in"
 * ([out, in], Gemm transB = 1) flips row c.
 *
 * @module
 */
import { check } from "../_layout.ts";
import { LINEAR_LAYOUTS, type LinearLayout } from "./fold_linear_input.ts";

/** Returns the weight and bias with output channel c multiplied by `signs[c]` (±1). */
export function foldOutputSigns(
  weight: Float32Array,
  bias: Float32Array | undefined,
  dims: { in: number; out: number },
  layout: LinearLayout,
  signs: ArrayLike<number>,
): { weight: Float32Array; bias: Float32Array | undefined } {
  const { in: I, out: O } = dims;
  check((LINEAR_LAYOUTS as readonly string[]).includes(layout), "layout", `Unknown layout "${layout}"`);
  check(weight.length === I * O, "weight", `weight has ${weight.length} entries, expected ${I}×${O}`);
  check(signs.length === O, "signs", `signs has ${signs.length} entries, expected ${O}`);
  check(bias === undefined || bias.length === O, "bias", `bias has ${bias?.length} entries, expected ${O}`);
  const w = weight.slice();
  for (let i = 0; i < I; i++) {
    for (let j = 0; j < O; j++) {
      const k = layout === "in-out" ? i * O + j : j * I + i;
      w[k] = signs[j]! * weight[k]!;
    }
  }
  return { weight: w, bias: bias === undefined ? undefined : bias.map((v, j) => signs[j]! * v) };
}
