/**
 * The parametric HLUQ quantizer of training graphs (AHCPTQ, spec §10): the evaluation emitter's grid
 * (`insert/emit_hluq_quantizer.ts`) with s_log and s_uni as tensors the host feeds, so that the loss is
 * differentiated with respect to them (the official `HybridQuantize` learns both with the activation
 * steps' Adam, scale_lr and cosine):
 *
 *     y = x − m;  k = Floor(−log2(max(y, ε)/s_log) + 0.5)
 *     log:  Where(k < L, s_log·2^{−Clip(k, 0, L − 1)}, 0)
 *     uni:  s_log + Clip(Floor((y − s_log)/s_uni + 0.5), 0, U − 1)·s_uni
 *     x̂ = m + Where(y > s_log, uni, log)
 *
 * Floor has the straight-through gradient (as `round_ste` in the official code) and the branch masks
 * none; ε = 1e-30 keeps the log finite (y ≤ 0 lands below the grid, as in evaluation). At the final
 * values the forward equals the evaluation quantizer up to the level table's single rounding.
 *
 * @module
 */
import type { Graph } from "../../onnx/ir/graph.ts";
import type { Tensor, Variable } from "../../onnx/ir/tensor.ts";
import type { BitWidth } from "../quantizers/quantizer_params.ts";
import { opBuilder } from "./_ops.ts";
import { LOG_EPSILON } from "./parametric_quantizer.ts";

/** Parameters of {@link emitParametricHluq}. */
export interface ParametricHluq {
  bits: BitWidth;
  /** Shift m and log levels L (fixed). */
  shift: number;
  logLevels: number;
  /** s_log and s_uni: graph inputs (learned) or constants, scalars. */
  scaleLog: Tensor;
  scaleUni: Tensor;
}

/** Emits the HLUQ fake quantizer of `x`; returns x̂. Nodes are named `samq.learn.op/<scope>/…`. */
export function emitParametricHluq(graph: Graph, x: Tensor, p: ParametricHluq, scope: string): Variable {
  const b = opBuilder(graph, scope);
  const L = p.logLevels;
  const U = 2 ** p.bits - L;
  const half = b.constant("half", [0.5], []);
  const zero = b.constant("zero", [0], []);
  const shift = b.constant("shift", [p.shift], []);
  const levels = b.constant("log_levels", [L], []);
  const y = b.op("Shift", "Sub", [x, shift]);
  const safe = b.op("Safe", "Max", [y, b.constant("epsilon", [LOG_EPSILON], [])]);
  const log = b.op("Log", "Log", [b.op("DivLog", "Div", [safe, p.scaleLog])]);
  const code = b.op("MulCode", "Mul", [log, b.constant("code_factor", [-1 / Math.LN2], [])]);
  const k = b.op("FloorLog", "Floor", [b.op("AddHalfLog", "Add", [code, half])]);
  const keep = b.op("Less", "Less", [k, levels], {}, "bool");
  const kq = b.op("ClipLog", "Clip", [k, zero, b.constant("log_max", [L - 1], [])]);
  const level = b.op("Exp", "Exp", [b.op("MulLevel", "Mul", [kq, b.constant("ln2", [-Math.LN2], [])])]);
  const logValue = b.op("WhereLog", "Where", [keep, b.op("MulScaleLog", "Mul", [level, p.scaleLog]), zero]);
  const u = b.op("DivUni", "Div", [b.op("SubUni", "Sub", [y, p.scaleLog]), p.scaleUni]);
  const q = b.op("ClipUni", "Clip", [
    b.op("FloorUni", "Floor", [b.op("AddHalfUni", "Add", [u, half])]),
    zero,
    b.constant("uni_max", [U - 1], []),
  ]);
  const uniValue = b.op("AddScaleLog", "Add", [b.op("MulUni", "Mul", [q, p.scaleUni]), p.scaleLog]);
  const upper = b.op("Greater", "Greater", [y, p.scaleLog], {}, "bool");
  return b.op("Unshift", "Add", [b.op("Where", "Where", [upper, uniValue, logValue]), shift]);
}
