/**
 * Test helper (internal): a small hand-built transformer block with known structure, in both LayerNorm
 * forms, so that the finders and folds can be checked against what was built.
 *
 * x [2, 5, 8] → LN (decomposed or op) → MatMul W1 [8, 6] + b1 → GELU (Erf) → MatMul W2 [6, 8] + b2 → y
 * x → q/k/v MatMuls [8, 4] → q·kᵀ (k transposed) → ×0.5 → Softmax → probs·v → att
 *
 * @module
 */
import { attr } from "../../onnx/ir/attribute.ts";
import { Graph } from "../../onnx/ir/graph.ts";
import { Constant, type Tensor, Variable } from "../../onnx/ir/tensor.ts";
import { createPrng } from "../../util/prng.ts";

/** Builds the block; `lnForm` picks the LayerNorm form (the op needs opset 17). */
export function buildTinyBlock(lnForm: "decomposed" | "op", seed = 1): Graph {
  const rng = createPrng(seed);
  const rand = (n: number, sd = 0.5) => Float32Array.from({ length: n }, () => rng.normal() * sd);
  const x = new Variable("x", "float32", [2, 5, 8]);
  const g = new Graph({ inputs: [x], opset: { "": lnForm === "op" ? 17 : 12 } });
  const c = (name: string, v: Float32Array, dims: number[]) => Constant.of(name, v, dims);
  const op = (o: string, name: string, ins: Tensor[], attrs = {}) =>
    g.addNode(o, ins, attrs, { name, outputs: [`${name}_out`] }).outputs[0]!;
  const gamma = c("ln.weight", Float32Array.from(rand(8), (v) => 1 + v * 0.2), [8]);
  const beta = c("ln.bias", rand(8, 0.1), [8]);
  let ln: Variable;
  if (lnForm === "op") {
    ln = op("LayerNormalization", "/ln/LayerNormalization", [x, gamma, beta], {
      axis: attr.int(-1),
      epsilon: attr.float(1e-5),
    });
  } else {
    const mean = op("ReduceMean", "/ln/ReduceMean", [x], { axes: attr.ints([-1]) });
    const d = op("Sub", "/ln/Sub", [x, mean]);
    const p = op("Pow", "/ln/Pow", [d, c("two", Float32Array.of(2), [])]);
    const v = op("ReduceMean", "/ln/ReduceMean_1", [p], { axes: attr.ints([-1]) });
    const ve = op("Add", "/ln/Add", [v, c("eps", Float32Array.of(1e-5), [])]);
    const n = op("Div", "/ln/Div", [d, op("Sqrt", "/ln/Sqrt", [ve])]);
    ln = op("Add", "/ln/Add_1", [op("Mul", "/ln/Mul", [n, gamma]), beta]);
  }
  const h = op("Add", "/fc1/Add", [
    c("fc1.bias", rand(6), [6]),
    op("MatMul", "/fc1/MatMul", [ln, c("W1", rand(48), [8, 6])]),
  ]);
  const e = op("Erf", "/act/Erf", [op("Div", "/act/Div", [h, c("sqrt2", Float32Array.of(Math.SQRT2), [])])]);
  const gl = op("Mul", "/act/Mul_1", [
    op("Mul", "/act/Mul", [h, op("Add", "/act/Add", [e, c("one", Float32Array.of(1), [])])]),
    c("half", Float32Array.of(0.5), []),
  ]);
  const y = op("Add", "/fc2/Add", [
    op("MatMul", "/fc2/MatMul", [gl, c("W2", rand(48), [6, 8])]),
    c("fc2.bias", rand(8), [8]),
  ]);
  const q = op("MatMul", "/attn/q_proj/MatMul", [x, c("Wq", rand(32), [8, 4])]);
  const k = op("MatMul", "/attn/k_proj/MatMul", [x, c("Wk", rand(32), [8, 4])]);
  const v = op("MatMul", "/attn/v_proj/MatMul", [x, c("Wv", rand(32), [8, 4])]);
  const kt = op("Transpose", "/attn/Transpose", [k], { perm: attr.ints([0, 2, 1]) });
  const s = op("Mul", "/attn/Mul", [
    op("MatMul", "/attn/MatMul", [q, kt]),
    c("scale", Float32Array.of(0.5), []),
  ]);
  const probs = op("Softmax", "/attn/Softmax", [s], { axis: attr.int(-1) });
  const att = op("MatMul", "/attn/MatMul_1", [probs, v]);
  g.outputs = [y, att];
  return g;
}
