/**
 * Emits AHCPTQ's hybrid log-uniform quantizer (HLUQ, spec §10; host reference `quantizers/hluq.ts`) as
 * standard ONNX ops. Both branches compute an index into the level table, and one Gather returns the
 * level, so the emitted values are the very float32 numbers of `hluqLevels`:
 *
 *     y     = Sub(x, m)
 *     k     = Floor(Add(Mul(Log(Div(y, s_log)), −1/ln 2), 0.5))       log code ⌊−log2(y/s_log)⌉ (half up)
 *     iLog  = Where(Less(k, L), Sub(L, Clip(k, 0, L − 1)), 0)           k ≥ L, y = 0 (k = +∞), y < 0 (NaN) → 0
 *     q     = Clip(Floor(Add(Div(Sub(y, s_log), s_uni), 0.5)), 0, U − 1)
 *     x̂     = Gather(levels, Cast(Where(Greater(y, s_log), Add(q, L), iLog), int64))
 *
 * Ops used (Sub, Div, Log, Mul, Add, Floor, Less, Greater, Clip, Where, Cast, Gather) have CPU, CUDA and
 * WebGPU kernels; rounding is `Floor(u + 0.5)` as everywhere (DESIGN §5).
 *
 * Names: nodes and constants `samq.q/<id>/<step>`, output `samq.q/<id>` (see `_names.ts`).
 *
 * @module
 */
import { attr } from "../../onnx/ir/attribute.ts";
import type { Graph } from "../../onnx/ir/graph.ts";
import type { Tensor, Variable } from "../../onnx/ir/tensor.ts";
import { hluqLevels } from "../quantizers/hluq.ts";
import type { HluqQuantizerParams } from "../quantizers/quantizer_params.ts";
import { validateQuantizerParams } from "../quantizers/validate_quantizer_params.ts";
import { quantizerStepName, quantizerTensorName } from "./_names.ts";
import { chainNode, requireOpset, rewire } from "./_emit.ts";
import type { EmitQuantizerOptions } from "./emit_uniform_quantizer.ts";

/**
 * Inserts the HLUQ quantizer after `x`, rewires `consumers` (default: all) and returns its output
 * `samq.q/<id>`.
 *
 * @throws {SamqError} `invalid_argument` for bad parameters; `incompatible` when the opset is below 11.
 */
export function emitHluqQuantizer(
  graph: Graph,
  x: Tensor,
  params: HluqQuantizerParams,
  options: Omit<EmitQuantizerOptions, "rank"> = {},
): Variable {
  validateQuantizerParams(params);
  requireOpset(graph, 11);
  const id = options.id ?? x.name;
  const consumers = [...(options.consumers ?? x.consumers)];
  const L = params.logLevels;
  const U = 2 ** params.bits - L;
  const c = (step: string, v: number) =>
    graph.addConstant(quantizerStepName(id, step), Float32Array.of(v), []);
  const chain = chainNode(graph, id, x.producer);
  const sLog = c("scale_log", params.scaleLog);
  const half = c("half", 0.5);
  const zero = c("zero", 0);
  const logLevels = c("log_levels", L);
  const y = chain("Shift", [x, c("shift", params.shift)], "Sub");
  // Log branch.
  let t = chain("DivLog", [y, sLog], "Div");
  t = chain("Log", [t]);
  t = chain("MulCode", [t, c("code_factor", -1 / Math.LN2)], "Mul");
  const k = chain("FloorLog", [chain("AddHalfLog", [t, half], "Add")], "Floor");
  const keep = chain("Less", [k, logLevels]);
  keep.dtype = "bool";
  const kClip = chain("ClipLog", [k, zero, c("log_max", L - 1)], "Clip");
  const iLog = chain("WhereLog", [keep, chain("IndexLog", [logLevels, kClip], "Sub"), zero], "Where");
  // Uniform branch.
  t = chain("DivUni", [chain("SubUni", [y, sLog], "Sub"), c("scale_uni", params.scaleUni)], "Div");
  const q = chain("FloorUni", [chain("AddHalfUni", [t, half], "Add")], "Floor");
  const qClip = chain("ClipUni", [q, zero, c("uni_max", U - 1)], "Clip");
  const iUni = chain("IndexUni", [qClip, logLevels], "Add");
  const upper = chain("Greater", [y, sLog]);
  upper.dtype = "bool";
  const index = chain("Cast", [chain("WhereIndex", [upper, iUni, iLog], "Where")], "Cast", undefined, {
    to: attr.int(7),
  });
  index.dtype = "int64";
  const table = graph.addConstant(quantizerStepName(id, "level_table"), hluqLevels(params), [
    2 ** params.bits,
  ]);
  const out = chain("Gather", [table, index], "Gather", quantizerTensorName(id), { axis: attr.int(0) });
  rewire(consumers, x, out);
  return out;
}
