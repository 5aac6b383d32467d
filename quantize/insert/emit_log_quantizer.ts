/**
 * Emits a log2 / log√2 fake quantizer for post-softmax values (spec §4.3, §5) as standard ONNX ops:
 *
 *     k  = Floor(Add(Mul(Log(Div(A, s)), −τ/ln 2), 0.5))        rounded code ⌊−τ·log2(A/s)⌉ (half up)
 *     m  = Less(k, 2^b)                                         false for codes ≥ 2^b, +∞ (A = 0) and NaN
 *     q  = Where(m, Clip(k, 0, 2^b − 1), 0)                     saturate above s (k ≤ 0 → 0), safe index
 *     Â  = Where(m, Gather(levels, Cast(q, int64)), 0)          levels[q] = fround(s·2^{−q/τ})
 *
 * The grid has 2^b non-zero levels s·2^{−q/τ}, q = 0 … 2^b − 1, plus an exact 0 for every value whose
 * code is ≥ 2^b (A too small, A = 0, A < 0): 2^b + 1 distinct values at most, which is what the audit
 * allows for log quantizers (`countDistinctOnGrid`).
 *
 * Why a level table instead of `Pow(2, −q/τ)·s`: the table holds the very float32 numbers the host
 * reference `fakeQuant` computes (s·2^{−q/τ} in float64, rounded once), so every value is bit-identical
 * whenever the code agrees; `Pow` and the extra `Mul` would round twice and differ by an ulp on odd codes
 * of the √2 grid. The code itself comes from ONNX `Log` in float32 while the reference takes log2 in
 * float64, so the two can disagree only on values whose code lies within float32 error (~1e-6) of a
 * rounding boundary k + 0.5. `s` is rounded to float32 first (the record keeps the rounded value).
 *
 * Ops used (Div, Log, Mul, Add, Floor, Less, Clip, Where, Cast, Gather) have CPU, CUDA and WebGPU kernels.
 *
 * @module
 */
import { SamqError } from "../../util/errors.ts";
import type { Graph } from "../../onnx/ir/graph.ts";
import type { Tensor, Variable } from "../../onnx/ir/tensor.ts";
import { attr } from "../../onnx/ir/attribute.ts";
import type { LogQuantizerParams } from "../quantizers/quantizer_params.ts";
import { validateQuantizerParams } from "../quantizers/validate_quantizer_params.ts";
import { quantizerStepName, quantizerTensorName } from "./_names.ts";
import { chainNode, requireOpset, rewire } from "./_emit.ts";
import type { EmitQuantizerOptions } from "./emit_uniform_quantizer.ts";

/** The float32 level table of a log quantizer: levels[q] = fround(s·2^{−q/τ}), q = 0 … 2^b − 1. */
export function logQuantizerLevels(params: LogQuantizerParams): Float32Array {
  const n = 2 ** params.bits;
  return Float32Array.from({ length: n }, (_, q) => params.scale * 2 ** (-q / params.tau));
}

/**
 * Inserts the log quantizer after `x`, rewires `consumers` (default: all) and returns its output
 * `samq.q/<id>`. `params.scale` must be float32-representable (use `Math.fround`).
 *
 * @throws {SamqError} `invalid_argument` for bad parameters or a scale that is not a float32 value;
 *   `incompatible` when the opset is below 11.
 */
export function emitLogQuantizer(
  graph: Graph,
  x: Tensor,
  params: LogQuantizerParams,
  options: Omit<EmitQuantizerOptions, "rank"> = {},
): Variable {
  validateQuantizerParams(params);
  requireOpset(graph, 11);
  const id = options.id ?? x.name;
  if (Math.fround(params.scale) !== params.scale) {
    throw new SamqError(
      "invalid_argument",
      `Cannot emit log quantizer "${id}": scale ${params.scale} is not a float32 value (round it with Math.fround)`,
      { field: "scale" },
    );
  }
  const consumers = [...(options.consumers ?? x.consumers)];
  const levels = 2 ** params.bits;
  const c = (step: string, v: number) =>
    graph.addConstant(quantizerStepName(id, step), Float32Array.of(v), []);
  const chain = chainNode(graph, id, x.producer);
  let t = chain("Div", [x, c("scale", params.scale)]);
  t = chain("Log", [t]);
  t = chain("MulCode", [t, c("code_factor", -params.tau / Math.LN2)], "Mul");
  t = chain("AddHalf", [t, c("half", 0.5)], "Add");
  const k = chain("Floor", [t]);
  const keep = chain("Less", [k, c("levels", levels)]);
  keep.dtype = "bool";
  const zero = c("zero", 0);
  const clipped = chain("Clip", [k, zero, c("qmax", levels - 1)]);
  const safe = chain("WhereCode", [keep, clipped, zero], "Where");
  const index = chain("Cast", [safe], "Cast", undefined, { to: attr.int(7) });
  index.dtype = "int64";
  const table = graph.addConstant(quantizerStepName(id, "level_table"), logQuantizerLevels(params), [levels]);
  const value = chain("Gather", [table, index], "Gather", undefined, { axis: attr.int(0) });
  const y = chain("Where", [keep, value, zero], "Where", quantizerTensorName(id));
  rewire(consumers, x, y);
  return y;
}
