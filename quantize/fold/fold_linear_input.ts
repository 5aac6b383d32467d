/**
 * Folds the inverse of an input transform x̃ = (x − v)/s (per input channel) into the Linear layer that
 * consumes x̃, so that Linear'(x̃) = Linear(x) (spec §3.3 B, §5 step 4, §9 OS+):
 *
 *     y = x·W + b = x̃·(diag(s)·W) + (v·W + b)   ⇒   W'[c, :] = s_c·W[c, :],  b' = b + v·W
 *
 * (in the spec's [out, in] notation: W'[:, c] = s_c·W[:, c], b' = b + W·v). The bias uses the original W.
 *
 * Weight layouts (row-major):
 *
 * | layout    | ONNX source                                   | dims        | input channel c is |
 * |-----------|-----------------------------------------------|-------------|--------------------|
 * | "in-out"  | MatMul(x, W); Gemm with transB = 0            | [in, out]   | row c              |
 * | "out-in"  | Gemm with transB = 1; Conv 1×1 W[out, in, 1, 1] | [out, in] | column c           |
 *
 * Gemm computes Y = α·A·B + β·C; with α, β given, the bias becomes C' = C + (α/β)·(v·W) (β ≠ 0 when
 * v ≠ 0). A missing bias counts as 0 and a bias is always returned (the graph pass adds an `Add` or the
 * Gemm C input when it was absent and `biasNeeded` is true). Sums are float64, results float32.
 *
 * @module
 */
import { SamqError } from "../../util/errors.ts";
import { check } from "../_layout.ts";

/** Weight layouts of {@link foldLinearInput}. */
export const LINEAR_LAYOUTS = ["in-out", "out-in"] as const;
/** One of {@link LINEAR_LAYOUTS}. */
export type LinearLayout = typeof LINEAR_LAYOUTS[number];

/** The Linear being folded. */
export interface LinearWeights {
  /** W, float32, row-major in `layout`. */
  weight: Float32Array;
  /** b or Gemm C ([out]), absent when the layer has no bias. */
  bias?: Float32Array;
  /** Input and output features. */
  dims: { in: number; out: number };
  /** Weight layout. */
  layout: LinearLayout;
  /** Gemm α. @default 1 */
  alpha?: number;
  /** Gemm β. @default 1 */
  beta?: number;
}

/** Folded weights. */
export interface FoldedLinear {
  weight: Float32Array;
  bias: Float32Array;
  /** False when the original had no bias and v·W is exactly 0 (no bias input needed). */
  biasNeeded: boolean;
}

/** Folds x̃ = (x − v)/s (per input channel: `shift` v, `scale` s, length `in`) into `linear`. */
export function foldLinearInput(
  linear: LinearWeights,
  shift: ArrayLike<number>,
  scale: ArrayLike<number>,
): FoldedLinear {
  const { weight, bias, layout } = linear;
  const { in: I, out: O } = linear.dims;
  const alpha = linear.alpha ?? 1;
  const beta = linear.beta ?? 1;
  check((LINEAR_LAYOUTS as readonly string[]).includes(layout), "layout", `Unknown layout "${layout}"`);
  check(weight.length === I * O, "weight", `weight has ${weight.length} entries, expected ${I}×${O}`);
  check(bias === undefined || bias.length === O, "bias", `bias has ${bias?.length} entries, expected ${O}`);
  check(shift.length === I && scale.length === I, "shift", `shift/scale must have ${I} entries`);
  const at = layout === "in-out" ? (c: number, j: number) => c * O + j : (c: number, j: number) => j * I + c;
  const w = new Float32Array(weight.length);
  const vw = new Float64Array(O);
  for (let c = 0; c < I; c++) {
    const s = scale[c]!;
    check(Number.isFinite(s) && s > 0, "scale", `scale[${c}] = ${s} must be finite and > 0`);
    const v = shift[c]!;
    for (let j = 0; j < O; j++) {
      const k = at(c, j);
      w[k] = s * weight[k]!;
      vw[j] = vw[j]! + v * weight[k]!;
    }
  }
  const anyShift = vw.some((x) => x !== 0);
  if (anyShift && beta === 0) {
    throw new SamqError("incompatible", "Cannot fold a shift into a Gemm whose beta is 0", { field: "beta" });
  }
  const out = new Float32Array(O);
  for (let j = 0; j < O; j++) {
    out[j] = (bias === undefined ? 0 : bias[j]!) + (anyShift ? (alpha / beta) * vw[j]! : 0);
  }
  return { weight: w, bias: out, biasNeeded: bias !== undefined || anyShift };
}
